//! Every payment method of the spec has its crate feature in `ecommpay-api`, on by default.

mod support;

use ecommpay_codegen::__private::method_feature;

#[test]
fn every_method_has_a_default_feature() {
    let manifest = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../ecommpay-api/Cargo.toml"
    ))
    .expect("ecommpay-api/Cargo.toml");
    let default = manifest
        .lines()
        .find_map(|line| line.strip_prefix("default = "))
        .expect("a default feature list");
    let ir = support::ir();
    assert!(!ir.methods.is_empty());
    for method in &ir.methods {
        let feature = method_feature(&method.id);
        assert!(
            manifest
                .lines()
                .any(|line| line == format!("{feature} = []")),
            "ecommpay-api has no feature `{feature}` for the method `{}`",
            method.id
        );
        assert!(
            default.contains(&format!("\"{feature}\"")),
            "`{feature}` is not a default feature"
        );
    }
}
