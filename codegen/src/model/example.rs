//! The documents' example blocks, as printed, corrected, and with their errata.

#[cfg(feature = "schemars")]
use schemars::JsonSchema;
use serde::Deserialize;

use super::SourceRef;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExampleKind {
    Request,
    Callback,
    /// A piece of a message (`"redirect_data": {...}`).
    Fragment,
    /// A JavaScript snippet.
    JsSnippet,
}

impl ExampleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ExampleKind::Request => "request",
            ExampleKind::Callback => "callback",
            ExampleKind::Fragment => "fragment",
            ExampleKind::JsSnippet => "js_snippet",
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub id: String,
    /// Exactly the printed lines of the block.
    pub source: SourceRef,
    pub caption: Option<String>,
    pub kind: ExampleKind,
    pub operation: Option<String>,
    pub variant: Option<String>,
    /// The block is printed again: the id of its first printing.
    pub duplicate_of: Option<String>,
    pub description: Option<String>,
    /// The text exactly as printed.
    pub printed: String,
    /// Valid JSON, when `printed` is not valid JSON as it stands or is a fragment. Fixes syntax
    /// only: contradictions with the text stay and are recorded as errata.
    pub corrected: Option<String>,
    #[serde(default)]
    pub errata: Vec<Erratum>,
}

impl Example {
    /// The example's JSON text: the corrected form when there is one.
    pub fn json_text(&self) -> &str {
        self.corrected.as_deref().unwrap_or(&self.printed)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErratumKind {
    /// The printed text is not valid JSON; `corrected` fixes it.
    Syntax,
    /// The example contradicts the text; the text's rule is in the spec.
    Contradiction,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErratumRule {
    MalformedJson,
    UndeclaredField,
    MissingRequired,
    WrongValue,
    WrongType,
    WrongPlace,
}

impl ErratumRule {
    pub fn as_str(self) -> &'static str {
        match self {
            ErratumRule::MalformedJson => "malformed_json",
            ErratumRule::UndeclaredField => "undeclared_field",
            ErratumRule::MissingRequired => "missing_required",
            ErratumRule::WrongValue => "wrong_value",
            ErratumRule::WrongType => "wrong_type",
            ErratumRule::WrongPlace => "wrong_place",
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Erratum {
    pub kind: ErratumKind,
    pub rule: ErratumRule,
    /// The JSON path concerned (`customer.identify.doc_number`).
    pub path: Option<String>,
    pub reason: String,
}
