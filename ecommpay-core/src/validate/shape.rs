//! Static descriptions of operations, emitted by the generator from the spec: the body's shape
//! (fields, types, formats, requirements) and the rules across fields.

pub use crate::Interface;
use crate::formats::Format;

/// A JSON type on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WireType {
    /// A JSON string.
    String,
    /// A JSON number without a fraction.
    Integer,
    /// `true` or `false`.
    Boolean,
}

/// The type of a field.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum Kind {
    /// Text.
    String,
    /// A whole number.
    Integer,
    /// `true` or `false`.
    Boolean,
    /// Any JSON value.
    Any,
    /// An object of this shape.
    Object(&'static ObjectShape),
    /// An array whose elements are this field (named `[]`).
    Array(&'static FieldShape),
    /// A string holding JSON whose content has this shape.
    Json(&'static ObjectShape),
}

/// A constant in an enum, a predicate or a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Scalar {
    /// Text.
    Str(&'static str),
    /// A whole number.
    Int(i64),
    /// `true` or `false`.
    Bool(bool),
}

impl Scalar {
    /// The constant as a JSON value.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Scalar::Str(s) => (*s).into(),
            Scalar::Int(i) => (*i).into(),
            Scalar::Bool(b) => (*b).into(),
        }
    }
}

impl std::fmt::Display for Scalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scalar::Str(s) => write!(f, "{s:?}"),
            Scalar::Int(i) => write!(f, "{i}"),
            Scalar::Bool(b) => write!(f, "{b}"),
        }
    }
}

/// One field of an object, as one operation (or variant) uses it.
#[derive(Clone, Copy, Debug)]
pub struct FieldShape {
    /// The JSON key; `[]` for array elements.
    pub name: &'static str,
    /// What it holds.
    pub kind: Kind,
    /// Wire types accepted besides `kind` (callback fields printed both as number and string).
    pub also: &'static [WireType],
    /// The operation requires it.
    pub required: bool,
    /// The operation does not take it, though its object has it elsewhere.
    pub forbidden: bool,
    /// The format a string value must have.
    pub format: Option<Format>,
    /// Closed list of allowed values (empty: any).
    pub enum_values: &'static [Scalar],
    /// The smallest number allowed.
    pub minimum: Option<i64>,
    /// The largest number allowed.
    pub maximum: Option<i64>,
    /// The fewest characters allowed.
    pub min_length: Option<u32>,
    /// The most characters allowed.
    pub max_length: Option<u32>,
}

impl FieldShape {
    /// An optional field with no further constraints; the methods below add them (usable in
    /// statics, which is how the generated tables are written).
    pub const fn new(name: &'static str, kind: Kind) -> Self {
        FieldShape {
            name,
            kind,
            also: &[],
            required: false,
            forbidden: false,
            format: None,
            enum_values: &[],
            minimum: None,
            maximum: None,
            min_length: None,
            max_length: None,
        }
    }

    /// Required by the operation.
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Not taken by the operation.
    pub const fn forbidden(mut self) -> Self {
        self.forbidden = true;
        self
    }

    /// Also accepted as these wire types.
    pub const fn also(mut self, also: &'static [WireType]) -> Self {
        self.also = also;
        self
    }

    /// With a format its strings must have.
    pub const fn format(mut self, format: Format) -> Self {
        self.format = Some(format);
        self
    }

    /// Only these values.
    pub const fn values(mut self, values: &'static [Scalar]) -> Self {
        self.enum_values = values;
        self
    }

    /// Within these bounds, each optional.
    pub const fn range(mut self, minimum: Option<i64>, maximum: Option<i64>) -> Self {
        self.minimum = minimum;
        self.maximum = maximum;
        self
    }

    /// With these lengths in characters, each optional.
    pub const fn length(mut self, min_length: Option<u32>, max_length: Option<u32>) -> Self {
        self.min_length = min_length;
        self.max_length = max_length;
        self
    }
}

/// The fields of an object the spec declares. Other keys are allowed everywhere: the documents
/// say a request may carry any other parameter of the platform's specification, and callbacks
/// carry fields the documents do not show ([`other_parameters`](super::other_parameters) lists
/// them).
#[derive(Clone, Copy, Debug)]
pub struct ObjectShape {
    /// The fields the spec declares, in its order.
    pub fields: &'static [FieldShape],
}

/// A body: its shape and rules.
#[derive(Clone, Copy, Debug)]
pub struct Body {
    /// Its fields.
    pub shape: &'static ObjectShape,
    /// The rules across fields, as the generator writes them over JSON.
    pub rules: RulesFn,
}

/// Reports every broken rule across the fields of a JSON payload, with the caller's facts.
pub type RulesFn = fn(&serde_json::Value, &super::Facts, &mut Vec<super::Violation>);

/// One of several required sets of an endpoint.
#[derive(Clone, Copy, Debug)]
pub struct VariantSchema {
    /// The variant's id within its operation.
    pub id: &'static str,
    /// What it is for, from the documents.
    pub title: &'static str,
    /// What it requires.
    pub body: Body,
}

/// An operation as the generator describes it.
#[derive(Clone, Copy, Debug)]
pub struct OperationSchema {
    /// The operation id (`paypal.gate.sale`).
    pub id: &'static str,
    /// Its title in the documents.
    pub title: &'static str,
    /// Gate request, Payment Page parameters or callback.
    pub interface: Interface,
    /// What it does to payments, as the spec declares it.
    pub action: crate::Action,
    /// The module (payment method) it belongs to.
    pub method: &'static str,
    /// The Gate's HTTP method (Gate requests).
    pub http_method: Option<&'static str>,
    /// The Gate path (Gate requests).
    pub path: Option<&'static str>,
    /// The Payment Page mode (Payment Page parameters).
    pub mode: Option<&'static str>,
    /// Every fact the spec knows (the same list for every operation): a fact the caller names
    /// that is not among them is reported, never silently ignored.
    pub known_facts: &'static [&'static str],
    /// The body when the operation has no variants; the fields common to all otherwise.
    pub body: Body,
    /// Exactly one variant must hold, when there are any.
    pub variants: &'static [VariantSchema],
}
