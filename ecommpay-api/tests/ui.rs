//! Compile errors a merchant meets, and what they say: a builder handed to `Gate::send` says to
//! call `.build()?`.
#![cfg(feature = "client")]

#[test]
fn ui() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
