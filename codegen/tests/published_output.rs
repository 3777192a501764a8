//! What we publish (generated Rust, JSON Schemas, the OpenAPI document) carries no document line
//! numbers: the map from spec items to document lines lives in the spec alone, so a document
//! whose lines move changes zero published bytes.

use std::path::{Path, PathBuf};

use quote::ToTokens;

use ecommpay_codegen::__private::{pretty_json, prose_line_number};
use ecommpay_codegen::Generator;

fn spec_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec")
}

/// Every published file as `(name, text)`.
fn published(spec: &Path) -> Vec<(String, String)> {
    let checked = Generator::from_dir(spec)
        .check(None)
        .expect("the spec checks");
    let mut files: Vec<(String, String)> = checked
        .rust()
        .expect("the spec generates Rust")
        .into_iter()
        .map(|f| (format!("rust/{}", f.name), f.contents))
        .collect();
    files.extend(
        checked
            .schemas()
            .to_files()
            .into_iter()
            .map(|(name, text)| (format!("schemas/{name}"), text)),
    );
    files.push(("openapi.json".into(), pretty_json(&checked.openapi())));
    files
}

/// `source: "[FILE:]FIRST[-LAST][@FINGERPRINT]"` with every line number moved by `by`; other
/// lines unchanged.
fn shifted_line(line: &str, by: u32) -> String {
    let Some(at) = line.find("source: \"") else {
        return line.to_owned();
    };
    let (head, rest) = line.split_at(at + "source: \"".len());
    let Some((value, tail)) = rest.split_once('"') else {
        return line.to_owned();
    };
    // A fingerprint of the cited text (`@3f2a9c1e0b7d`) moves with it, unchanged.
    let (value, fingerprint) = match value.split_once('@') {
        Some((value, fingerprint)) => (value, format!("@{fingerprint}")),
        None => (value, String::new()),
    };
    let (file, range) = match value.rsplit_once(':') {
        Some((file, range)) => (format!("{file}:"), range),
        None => (String::new(), value),
    };
    let moved: Vec<String> = range
        .split('-')
        .map(|n| {
            let n: u32 = n.parse().expect("a line number");
            (n + by).to_string()
        })
        .collect();
    format!("{head}{file}{}{fingerprint}\"{tail}", moved.join("-"))
}

/// A copy of the spec with every cited document line moved by `by`.
fn shifted_spec(by: u32) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ecommpay-shifted-spec-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let mut moved = 0;
    for entry in std::fs::read_dir(spec_dir()).expect("the spec directory") {
        let path = entry.expect("an entry").path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let text = std::fs::read_to_string(&path).expect("a spec file");
            let mut out = String::with_capacity(text.len());
            for line in text.split_inclusive('\n') {
                let shifted = shifted_line(line, by);
                moved += usize::from(shifted != line);
                out.push_str(&shifted);
            }
            std::fs::write(dir.join(path.file_name().expect("a name")), out).expect("the copy");
        }
    }
    assert!(moved > 700, "only {moved} source references were moved");
    dir
}

#[test]
fn moving_every_cited_line_changes_no_published_byte() {
    let before = published(&spec_dir());
    let shifted = shifted_spec(21);
    let after = published(&shifted);
    let _ = std::fs::remove_dir_all(&shifted);
    assert_eq!(before.len(), after.len());
    for ((name, old), (new_name, new)) in before.iter().zip(&after) {
        assert_eq!(name, new_name);
        if old != new {
            let line = old
                .lines()
                .zip(new.lines())
                .position(|(a, b)| a != b)
                .map_or(0, |i| i + 1);
            panic!("{name} changed at line {line} when the documents' lines moved");
        }
    }
}

/// A document line reference: `000_c3cc95ac790d9e4f.txt:83`, `lines 273-367`, `line 12`.
fn line_reference(text: &str) -> Option<String> {
    let cited = text
        .match_indices(".txt:")
        .map(|(i, _)| i)
        .find(|&i| text[i + ".txt:".len()..].starts_with(|c: char| c.is_ascii_digit()));
    match cited {
        Some(i) => Some(text[i..].chars().take(16).collect()),
        // The spec's own check for prose in descriptions, over what was published.
        None => prose_line_number(text),
    }
}

#[test]
fn nothing_published_cites_a_document_line() {
    for (name, text) in published(&spec_dir()) {
        for (number, line) in text.lines().enumerate() {
            if let Some(reference) = line_reference(line) {
                panic!(
                    "{name}:{}: cites a document line: {reference:?}",
                    number + 1
                );
            }
        }
    }
}

#[test]
fn the_detector_sees_each_form() {
    assert!(line_reference("Source: `002_c6d548ecabfc01b0.txt:628`").is_some());
    assert!(line_reference("a recurring payment (lines 273-367).").is_some());
    assert!(line_reference("see line 12").is_some());
    assert!(line_reference("Transcribed from `002_c6d548ecabfc01b0.txt`.").is_none());
    assert!(line_reference("one line of text").is_none());
}

/// The `SHAPE_*` and `FIELD_*` statics of generated Rust, each with its definition.
fn table_statics(spec: &Path) -> std::collections::BTreeMap<String, String> {
    let mut statics = std::collections::BTreeMap::new();
    for file in Generator::from_dir(spec)
        .rust()
        .expect("the spec generates Rust")
    {
        let parsed = syn::parse_file(&file.contents).expect("generated Rust parses");
        for item in parsed.items {
            if let syn::Item::Static(item) = item {
                let name = item.ident.to_string();
                if name.starts_with("SHAPE_") || name.starts_with("FIELD_") {
                    let definition = item.expr.to_token_stream().to_string();
                    statics.insert(format!("{}::{name}", file.name), definition);
                }
            }
        }
    }
    statics
}

#[test]
fn a_new_operation_renames_no_table() {
    let valid = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
    let dir = std::env::temp_dir().join(format!("ecommpay-new-operation-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temp dir");
    std::fs::copy(valid.join("common.yaml"), dir.join("common.yaml")).expect("common.yaml");
    // A refund placed before the sale, so that its tables are met first.
    let wallet = std::fs::read_to_string(valid.join("wallet.yaml")).expect("wallet.yaml");
    let refund = "operations:\n  - id: wallet.gate.refund\n    title: Refund\n    interface: gate\n    \
                  action: refund\n    source: \"1-6@c8abf08d0e3d\"\n    http_method: POST\n    \
                  path: /v2/payment/wallet/refund\n    path_group: /v2/payment/{payment_method}/refund\n    \
                  objects: [general, customer]\n    params:\n      - path: general.project_id\n        \
                  requirement: required\n      - path: customer.email\n        requirement: required\n";
    assert_eq!(wallet.matches("operations:\n").count(), 1);
    std::fs::write(
        dir.join("wallet.yaml"),
        wallet.replacen("operations:\n", refund, 1),
    )
    .expect("wallet.yaml");
    let before = table_statics(&valid);
    let after = table_statics(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!before.is_empty());
    // Every table keeps its name and what it holds (it may refer to another by its name).
    let moved: Vec<&String> = before
        .iter()
        .filter(|(name, definition)| after.get(*name) != Some(definition))
        .map(|(name, _)| name)
        .collect();
    assert!(
        moved.is_empty(),
        "tables renamed by a new operation: {moved:?}"
    );
    assert!(
        after.len() > before.len(),
        "the refund has tables of its own"
    );
}
