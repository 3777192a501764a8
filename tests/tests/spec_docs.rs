//! The spec's own documentation stays current: the format's JSON Schema and the stats table.

mod support;

use ecommpay_codegen::__private::ExampleKind;
use ecommpay_codegen::{Generator, spec_format_schema};

#[test]
fn spec_schema_json_is_generated_from_the_model() {
    let generated = serde_json::to_string_pretty(&spec_format_schema()).expect("serializes") + "\n";
    let committed = std::fs::read_to_string(support::spec_dir().join("spec.schema.json"))
        .expect("spec.schema.json exists");
    assert!(
        generated == committed,
        "spec/spec.schema.json is stale: run `cargo run -p ecommpay-codegen -- spec-schema --out spec/spec.schema.json`"
    );
    insta::assert_json_snapshot!("spec_format_schema", spec_format_schema());
}

#[test]
fn spec_readme_shows_the_current_stats() {
    let table = Generator::from_dir(support::spec_dir())
        .stats(None)
        .expect("the spec loads")
        .table;
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
    // request); find them in the spec independently, and, when the documents are there, each one
    // at its lines.
    let spec = support::load_spec();
    let mut blocks = Vec::new();
    for file in &spec.files {
        for example in &file.content.examples {
            let carries_message =
                matches!(example.kind, ExampleKind::Request | ExampleKind::Callback)
                    || (example.kind == ExampleKind::JsSnippet
                        && example.corrected.is_some()
                        && example.operation.is_some());
            if carries_message {
                blocks.push((file.document_file(), &example.value));
            }
        }
    }
    assert!(!blocks.is_empty(), "the spec has example blocks");
    let mut covered: Vec<String> = support::cases(&spec).into_iter().map(|c| c.id).collect();
    let mut expected: Vec<String> = blocks.iter().map(|(_, e)| e.id.clone()).collect();
    covered.sort();
    expected.sort();
    assert_eq!(covered, expected);

    let Some(seeds) = support::seeds_dir() else {
        eprintln!("note: no seeds directory; the blocks are not found in the documents");
        return;
    };
    for (document, example) in blocks {
        let text = std::fs::read_to_string(seeds.join(document)).expect("the document is there");
        let lines: Vec<&str> = text.lines().collect();
        let (first, last) = (
            example.source.first_line as usize,
            example.source.last_line as usize,
        );
        let cited = lines.get(first - 1..last).map(|l| l.join("\n"));
        assert_eq!(
            cited.as_deref(),
            Some(example.printed.trim_end_matches('\n')),
            "example `{}` is not at {document}:{first}-{last}",
            example.id
        );
    }
}
