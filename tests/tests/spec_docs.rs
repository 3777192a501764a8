//! The spec's own documentation stays current: the format's JSON Schema and the stats table.

mod support;

use ecommpay_codegen::{model, stats};

#[test]
fn spec_schema_json_is_generated_from_the_model() {
    let generated =
        serde_json::to_string_pretty(&model::spec_format_schema()).expect("serializes") + "\n";
    let committed = std::fs::read_to_string(support::spec_dir().join("spec.schema.json"))
        .expect("spec.schema.json exists");
    assert!(
        generated == committed,
        "spec/spec.schema.json is stale: run `cargo run -p ecommpay-codegen -- spec-schema --out spec/spec.schema.json`"
    );
    insta::assert_json_snapshot!("spec_format_schema", model::spec_format_schema());
}

#[test]
fn spec_readme_shows_the_current_stats() {
    let spec = support::load_spec();
    let table = stats::render_table(&stats::collect(&spec));
    let readme = std::fs::read_to_string(support::spec_dir().join("README.md"))
        .expect("spec/README.md exists");
    let between = readme
        .split_once("<!-- stats:begin -->\n")
        .and_then(|(_, rest)| rest.split_once("<!-- stats:end -->"))
        .map(|(table, _)| table)
        .expect("spec/README.md has the stats markers");
    assert_eq!(
        between, table,
        "spec/README.md's table is stale: paste the output of `ecommpay-codegen stats`"
    );
}

#[test]
fn every_request_and_callback_block_is_covered_by_the_example_test() {
    // The example test covers every request and callback block (and JS snippets that carry a
    // request); count them from the spec independently.
    let spec = support::load_spec();
    let blocks = spec
        .files
        .iter()
        .flat_map(|f| f.content.examples.iter())
        .filter(|e| {
            matches!(
                e.kind,
                model::ExampleKind::Request | model::ExampleKind::Callback
            ) || (e.kind == model::ExampleKind::JsSnippet
                && e.corrected.is_some()
                && e.operation.is_some())
        })
        .count();
    assert_eq!(support::cases(&spec).len(), blocks);
    assert_eq!(blocks, 73);
}
