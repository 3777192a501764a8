//! The generator runs on a spec ten times larger (every method repeated under new ids), as the
//! generation benchmark measures it: the multiplied spec is a valid spec.

#[test]
fn a_spec_ten_times_larger_generates() {
    let once = ecommpay_tests::multiplied_spec(1);
    let ten = ecommpay_tests::multiplied_spec(10);
    let generate = |files: &[(String, String)]| {
        ecommpay_codegen::Generator::from_sources(
            files.iter().map(|(n, t)| (n.as_str(), t.as_str())),
        )
        .rust()
        .unwrap_or_else(|e| panic!("{e}"))
    };
    let size = |files: &[ecommpay_codegen::GeneratedFile]| -> usize {
        files.iter().map(|f| f.contents.len()).sum()
    };
    let (small, large) = (size(&generate(&once)), size(&generate(&ten)));
    // Types shared across methods (`shared::General`, ...) are generated once.
    assert!(large > 5 * small, "{small} -> {large}");
}
