//! The spec model: what the YAML files say, as typed Rust (serde), plus the JSON Schema of the
//! format itself (schemars) for editors.

mod example;
mod field;
mod method;
mod operation;
mod source;

use indexmap::IndexMap;
#[cfg(feature = "schemars")]
use schemars::JsonSchema;
use serde::Deserialize;

pub(crate) use example::Example;
pub use example::{Erratum, ErratumKind, ErratumRule, ExampleKind};
pub(crate) use field::{FactSpec, FieldSpec, FieldType, Format, ObjectSpec, Requirement, Scalar};
pub(crate) use method::MethodSpec;
#[cfg(feature = "checks")]
pub(crate) use operation::Variant;
pub(crate) use operation::{
    Action, HttpMethod, Interface, Operation, PaymentPageMode, Predicate, RuleKind, RuleSpec,
};
#[cfg(feature = "checks")]
pub(crate) use source::FINGERPRINT_DIGITS;
pub use source::Position;
pub(crate) use source::{LOCATED, LOCATED_FIELDS};
pub(crate) use source::{Located, SourceRef};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// `common.yaml`: facts and shared objects.
    Common,
    /// One vendor document: its method, operations and examples.
    Document,
}

/// One spec file. `common.yaml` holds `facts` and `objects`; a document file holds `document`,
/// `method`, `operations` and `examples`.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", schemars(title = "ecommpay spec file"))]
pub struct SpecFile {
    pub kind: FileKind,
    pub document: Option<DocumentInfo>,
    #[serde(default)]
    pub facts: Vec<Located<FactSpec>>,
    #[serde(default)]
    pub objects: IndexMap<String, Located<ObjectSpec>>,
    pub method: Option<Located<MethodSpec>>,
    #[serde(default)]
    pub operations: Vec<Located<Operation>>,
    #[serde(default)]
    pub examples: Vec<Located<Example>>,
    /// Lines of the document the spec does not transcribe, each range with why (a scheme's
    /// steps, links to other articles, figure captions...): with the references, they account
    /// for every line, so that `check` can name what is new.
    #[serde(default)]
    pub waived: Vec<Waiver>,
}

/// A range of the document the spec leaves out on purpose.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    /// The lines, with the fingerprint of their text (`ecommpay-codegen reanchor` records it).
    pub source: SourceRef,
    /// Why the spec does not transcribe them.
    pub reason: String,
}

#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DocumentInfo {
    /// The vendor document's file name.
    pub file: String,
    pub title: String,
    pub description: Option<String>,
}

/// The JSON Schema of the spec format, for `spec/spec.schema.json`.
#[cfg(feature = "schemars")]
pub fn spec_format_schema() -> serde_json::Value {
    schemars::schema_for!(SpecFile).to_value()
}
