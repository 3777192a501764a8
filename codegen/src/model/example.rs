//! The documents' example blocks, as printed, corrected, and with their errata.

#[cfg(feature = "schemars")]
use schemars::JsonSchema;
use serde::Deserialize;

use super::SourceRef;

/// What an example block shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExampleKind {
    /// A whole request, as a merchant sends it.
    Request,
    /// A whole callback, as the platform sends it.
    Callback,
    /// A piece of a message (`"redirect_data": {...}`).
    Fragment,
    /// A JavaScript snippet.
    JsSnippet,
}

impl ExampleKind {
    /// The kind as the spec writes it (`js_snippet`).
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

/// Whether an example is wrong as JSON or wrong against the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErratumKind {
    /// The printed text is not valid JSON; `corrected` fixes it.
    Syntax,
    /// The example contradicts the text; the text's rule is in the spec.
    Contradiction,
}

/// Which check an example fails, named so that the check can expect it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErratumRule {
    /// Not valid JSON as printed.
    MalformedJson,
    /// It has a field the operation does not declare.
    UndeclaredField,
    /// It lacks a field the operation requires.
    MissingRequired,
    /// A value its field does not allow.
    WrongValue,
    /// A value of the wrong JSON type.
    WrongType,
    /// A field declared elsewhere than where the example puts it.
    WrongPlace,
}

impl ErratumRule {
    /// The rule as the spec writes it (`wrong_type`).
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

/// Where an example disagrees with JSON or with the text, recorded so that the checks expect it.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Erratum {
    /// JSON or the text.
    pub kind: ErratumKind,
    /// The check it fails.
    pub rule: ErratumRule,
    /// The JSON path concerned (`customer.identify.doc_number`).
    pub path: Option<String>,
    /// What is wrong and what the text says instead, in one line.
    pub reason: String,
}
