//! Every misuse of `#[derive(Canonical)]` is a `syn::Error` at the user's span; the expected
//! messages are the `.stderr` files next to the cases (regenerate with `TRYBUILD=overwrite`).

#[test]
fn misuse_is_reported_at_the_span() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}

// A field type without `Canonical` is rustc's own E0277, spanned at the field's type by the
// expansion; its help lists the crate's implementations, which change as types are added, so it
// is not pinned here (see `expand::write_call`).
