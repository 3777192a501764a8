//! Fields of shared objects and the parameters operations declare.

use indexmap::IndexMap;
#[cfg(feature = "schemars")]
use schemars::JsonSchema;
use serde::Deserialize;

use super::{Located, SourceRef};

/// The JSON type of a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    String,
    Integer,
    Boolean,
    Object,
    Array,
    /// Any JSON value (kept as it is).
    Any,
}

impl FieldType {
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Integer => "integer",
            FieldType::Boolean => "boolean",
            FieldType::Object => "object",
            FieldType::Array => "array",
            FieldType::Any => "any",
        }
    }

    /// A listed value whose JSON type differs from the field's (YAML reads a bare `Y` or `no` as a
    /// boolean: quote it).
    pub fn mismatch(self, value: &Scalar) -> Option<String> {
        let fits = matches!(
            (self, value),
            (FieldType::String, Scalar::String(_))
                | (FieldType::Integer, Scalar::Integer(_))
                | (FieldType::Boolean, Scalar::Bool(_))
                | (FieldType::Any, _)
        );
        (!fits).then(|| {
            let hint = if matches!(value, Scalar::Bool(_)) {
                " (YAML reads bare Y, N, yes, no, true as booleans: quote it)"
            } else {
                ""
            };
            let shown = match value {
                Scalar::Bool(b) => b.to_string(),
                other => other.canonical_text(),
            };
            format!("value `{shown}` is not a {}{hint}", self.as_str())
        })
    }
}

pub(crate) use ecommpay_core::formats::Format;

/// How strongly an operation asks for a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    Required,
    Optional,
    Recommended,
    /// Required under a condition stated by a rule naming this field.
    Conditional,
    /// Member of a one-of group: at least one member of the group is required.
    OneOf,
    /// Must not be sent.
    Forbidden,
    /// Operation params only: the operation does not take this field of its shared object. It
    /// leaves the operation's type and schema; a value sent anyway is only another parameter.
    Omitted,
}

impl Requirement {
    pub const ALL: [Requirement; 7] = [
        Requirement::Required,
        Requirement::Optional,
        Requirement::Recommended,
        Requirement::Conditional,
        Requirement::OneOf,
        Requirement::Forbidden,
        Requirement::Omitted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Requirement::Required => "required",
            Requirement::Optional => "optional",
            Requirement::Recommended => "recommended",
            Requirement::Conditional => "conditional",
            Requirement::OneOf => "one_of",
            Requirement::Forbidden => "forbidden",
            Requirement::Omitted => "omitted",
        }
    }
}

/// A scalar value in an enum, a rule or a predicate.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(untagged)]
pub enum Scalar {
    Bool(bool),
    Integer(i64),
    String(String),
}

impl Scalar {
    #[cfg(any(feature = "checks", feature = "schemas"))]
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Scalar::Bool(b) => (*b).into(),
            Scalar::Integer(i) => (*i).into(),
            Scalar::String(s) => s.clone().into(),
        }
    }

    /// The value as the platform's canonical form sees it (`true` is `1`, numbers in decimal).
    pub fn canonical_text(&self) -> String {
        match self {
            Scalar::Bool(b) => if *b { "1" } else { "0" }.to_owned(),
            Scalar::Integer(i) => i.to_string(),
            Scalar::String(s) => s.clone(),
        }
    }
}

/// A field definition. In shared objects it defines a field; in an operation's `params` (with
/// `path`) it states the operation's requirement and wording, and may add a field the shared
/// object lacks.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// Operation params only: dot-separated path of the field (`customer.identify.doc_number`;
    /// array elements as `[]`).
    pub path: Option<String>,
    #[serde(rename = "type")]
    pub ty: Option<FieldType>,
    /// Wire types accepted besides `type` (callback fields printed both as number and string).
    #[serde(default)]
    pub accepts: Vec<FieldType>,
    pub format: Option<Format>,
    /// For `type: object`: the shared object it is.
    pub object: Option<String>,
    /// For `type: object`: an inline object.
    pub fields: Option<IndexMap<String, Located<FieldSpec>>>,
    /// For `type: array`: the element.
    pub items: Option<Box<FieldSpec>>,
    /// Closed list of allowed values.
    #[serde(rename = "enum")]
    pub enum_values: Option<Vec<Scalar>>,
    /// Operation params only, beside an `enum` that narrows a shared one: the shared values this
    /// operation does not take. Every shared value must be in one of the two lists, so that a
    /// value added to the shared enum is decided for each operation that narrows it.
    pub excludes: Option<Vec<Scalar>>,
    /// Documented values of an open enum: other values are accepted and kept.
    pub known_values: Option<Vec<Scalar>>,
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    pub min_length: Option<u32>,
    pub max_length: Option<u32>,
    pub requirement: Option<Requirement>,
    /// Operation params only, with `requirement: one_of`: the group's name.
    pub group: Option<String>,
    /// The message's signature field.
    #[serde(default)]
    pub signature: bool,
    /// English description.
    pub description: Option<String>,
    /// The documents' Russian wording, as printed.
    pub original: Option<String>,
    pub source: Option<SourceRef>,
}

impl FieldSpec {
    /// The requirement, `optional` when unstated.
    pub fn requirement_or_default(&self) -> Requirement {
        self.requirement.unwrap_or(Requirement::Optional)
    }
}

/// A shared object: defined once, used by many operations.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ObjectSpec {
    pub description: Option<String>,
    pub original: Option<String>,
    pub source: Option<SourceRef>,
    pub fields: IndexMap<String, Located<FieldSpec>>,
}

/// A fact a payload cannot show (e.g. the card's issuing country); validation takes it from the
/// caller.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FactSpec {
    pub id: String,
    pub description: String,
    pub original: Option<String>,
    pub source: Option<SourceRef>,
}
