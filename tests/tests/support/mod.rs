//! Shared by the integration tests: the real spec and its examples.

#![allow(dead_code)]

use std::path::PathBuf;

use ecommpay_codegen::__private::LoadedSpec;
use ecommpay_codegen::__private::{Erratum, ErratumKind, ErratumRule, ExampleKind};
use serde_json::Value;

pub fn spec_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec")
}

/// The vendor documents: `ECOMMPAY_SEEDS` names a candidate set (as it does for
/// `ecommpay-codegen check`), else the shared seeds beside the checkout, when there.
pub fn seeds_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("ECOMMPAY_SEEDS")
        .filter(|dir| !dir.is_empty())
        .map_or_else(
            || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/seeds"),
            PathBuf::from,
        );
    dir.is_dir().then_some(dir)
}

pub fn load_spec() -> LoadedSpec {
    ecommpay_codegen::__private::load_dir(&spec_dir()).expect("the spec directory is readable")
}

/// A request or callback example with its JSON.
#[derive(Clone, Debug)]
pub struct Case {
    pub id: String,
    pub kind: ExampleKind,
    pub operation: String,
    pub variant: Option<String>,
    pub json: Value,
    pub errata: Vec<Erratum>,
    pub duplicate_of: Option<String>,
}

impl Case {
    /// Contradiction errata: what a validator may legitimately report.
    pub fn contradictions(&self) -> impl Iterator<Item = &Erratum> {
        self.errata
            .iter()
            .filter(|e| e.kind == ErratumKind::Contradiction)
    }

    pub fn is_request(&self) -> bool {
        self.kind == ExampleKind::Request
    }
}

/// Every request and callback example of the spec, in document order.
pub fn cases(spec: &LoadedSpec) -> Vec<Case> {
    let mut out = Vec::new();
    for file in &spec.files {
        for example in &file.content.examples {
            // A JavaScript snippet that carries a request (`EPayWidget.run({...})`) is checked
            // through its corrected JSON form like any request.
            let carries_message = match example.kind {
                ExampleKind::Request | ExampleKind::Callback => true,
                ExampleKind::JsSnippet => example.corrected.is_some(),
                ExampleKind::Fragment => false,
            };
            if !carries_message {
                continue;
            }
            let Some(operation) = &example.operation else {
                continue;
            };
            let json: Value = serde_json::from_str(example.json_text())
                .unwrap_or_else(|e| panic!("example {} is not JSON: {e}", example.id));
            out.push(Case {
                id: example.id.clone(),
                kind: example.kind,
                operation: operation.clone(),
                variant: example.variant.clone(),
                json,
                errata: example.errata.clone(),
                duplicate_of: example.duplicate_of.clone(),
            });
        }
    }
    out
}

/// `a.b[3].c` -> `a.b[].c`, as errata write paths.
pub fn normalize(path: &str) -> String {
    ecommpay_codegen::__private::normalize_path(path)
}

pub fn rule_name(rule: ErratumRule) -> &'static str {
    rule.as_str()
}

/// The checked spec's IR, as `build.rs` builds it.
pub fn ir() -> ecommpay_codegen::__private::Ir {
    ecommpay_codegen::__private::checked_ir(
        ecommpay_codegen::Generator::from_dir(spec_dir())
            .check(None)
            .expect("spec checks"),
    )
}

/// Every exported JSON Schema and `index.json`.
pub fn schemas() -> (Vec<ecommpay_codegen::SchemaFile>, Value) {
    ecommpay_codegen::__private::emit_schemas(&ir())
}

/// A draft 2020-12 validator per operation id, from the exported schemas.
pub fn schema_validators() -> std::collections::BTreeMap<String, jsonschema::Validator> {
    let (files, _) = schemas();
    files
        .into_iter()
        .map(|f| {
            let id = f.file_name.trim_end_matches(".json").to_owned();
            let validator = jsonschema::draft202012::new(&f.schema)
                .unwrap_or_else(|e| panic!("schema {id}: {e}"));
            (id, validator)
        })
        .collect()
}

/// The schema's errors for a payload, readable.
pub fn schema_errors(validator: &jsonschema::Validator, payload: &Value) -> Vec<String> {
    validator
        .iter_errors(payload)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

/// The JSON of one example of the spec, by id.
pub fn example_json(id: &str) -> Value {
    cases(&load_spec())
        .into_iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no example {id}"))
        .json
}

/// Sets (or, with `None`, removes) the value at a dot path, creating objects on the way.
pub fn set_path(payload: &mut Value, path: &str, value: Option<Value>) {
    let (parents, last) = match path.rsplit_once('.') {
        Some((parents, last)) => (Some(parents), last),
        None => (None, path),
    };
    let mut current = payload;
    for key in parents.into_iter().flat_map(|p| p.split('.')) {
        let map = current
            .as_object_mut()
            .unwrap_or_else(|| panic!("{path}: {key} is not in an object"));
        current = map
            .entry(key.to_owned())
            .or_insert_with(|| Value::Object(serde_json::Map::new()));
    }
    let map = current
        .as_object_mut()
        .unwrap_or_else(|| panic!("{path}: not an object"));
    match value {
        Some(value) => {
            map.insert(last.to_owned(), value);
        }
        None => {
            map.remove(last);
        }
    }
}

/// Records a case of the cross-language corpus: one JSON file per case under
/// `target/tmp/corpus/SOURCE/`, with the operation, the payload and the verdict the exported
/// schema must give (the Rust validator's, except where the schema cannot see). The TypeScript
/// and Python checks (tests/typescript, tests/python) read them after `cargo test`.
pub fn record(source: &str, name: &str, operation: &str, payload: &Value, schema_valid: bool) {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("corpus")
        .join(source);
    std::fs::create_dir_all(&dir).expect("corpus directory");
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let case = serde_json::json!({
        "source": source,
        "name": name,
        "operation": operation,
        "valid": schema_valid,
        "payload": payload,
    });
    let text = serde_json::to_string_pretty(&case).expect("corpus case");
    std::fs::write(dir.join(format!("{safe}.json")), text).expect("corpus file");
}

/// A name for a payload that is the same on every run.
pub fn payload_name(operation: &str, payload: &Value) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    payload.to_string().hash(&mut hasher);
    format!("{operation}-{:016x}", hasher.finish())
}
