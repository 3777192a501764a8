//! Shared by the integration tests: the real spec and its examples.

#![allow(dead_code)]

use std::path::PathBuf;

use ecommpay_codegen::load::LoadedSpec;
use ecommpay_codegen::model::{Erratum, ErratumKind, ErratumRule, ExampleKind};
use serde_json::Value;

pub fn spec_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec")
}

pub fn seeds_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/seeds");
    dir.is_dir().then_some(dir)
}

pub fn load_spec() -> LoadedSpec {
    ecommpay_codegen::load::load_dir(&spec_dir()).expect("the spec directory is readable")
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
        self.errata.iter().filter(|e| e.kind == ErratumKind::Contradiction)
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
            let Some(operation) = &example.operation else { continue };
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
    ecommpay_codegen::check::normalize_path(path)
}

pub fn rule_name(rule: ErratumRule) -> &'static str {
    rule.as_str()
}
