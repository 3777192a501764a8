//! Compile errors a merchant meets, and what they say: a builder handed to `Gate::send` or to
//! `PaymentPageUrl::from_params` says to call `.build()?`; a misspelt fact does not compile, and
//! text where a fact is expected says how to name one.
#![cfg(feature = "client")]

#[test]
fn ui() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
