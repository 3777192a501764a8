//! Operations: Gate endpoints, Payment Page parameter sets and callbacks, with their rules.

#[cfg(feature = "schemars")]
use schemars::JsonSchema;
use serde::Deserialize;

use super::{FieldSpec, Located, Scalar, SourceRef};

pub(crate) use ecommpay_core::{Action, Interface};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    Get,
    Post,
}

/// The Payment Page mode an operation opens the form in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PaymentPageMode {
    Purchase,
    Payout,
    RecurringRegistration,
}

impl PaymentPageMode {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentPageMode::Purchase => "purchase",
            PaymentPageMode::Payout => "payout",
            PaymentPageMode::RecurringRegistration => "recurring_registration",
        }
    }

    /// The `mode` the platform's Payment Page opens in: a recurring registration is a purchase
    /// that also registers the recurring payment.
    pub fn platform_value(self) -> &'static str {
        match self {
            PaymentPageMode::Purchase | PaymentPageMode::RecurringRegistration => "purchase",
            PaymentPageMode::Payout => "payout",
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// `<method>.<interface>.<name>`, unique across the spec.
    pub id: String,
    pub title: String,
    pub interface: Interface,
    /// Gate and Payment Page: what the operation does to payments (callbacks report).
    pub action: Option<Action>,
    pub source: SourceRef,
    pub description: Option<String>,
    pub original: Option<String>,
    /// Gate: the HTTP method.
    pub http_method: Option<HttpMethod>,
    /// Gate: the endpoint path.
    pub path: Option<String>,
    /// Gate: the path group the document names (`/v2/payment/wallet/{payment_method}/sale`).
    pub path_group: Option<String>,
    /// Payment Page: the mode.
    pub mode: Option<PaymentPageMode>,
    /// Payment Page: the `force_payment_method` code.
    pub force_payment_method: Option<String>,
    /// Callback: the operations it reports on.
    #[serde(default)]
    pub reports_on: Vec<String>,
    /// A Gate body: each named shared object under its own key.
    #[serde(default)]
    pub objects: Vec<String>,
    /// The body is one shared object (`payment_page`, `callback`).
    pub root: Option<String>,
    #[serde(default)]
    pub params: Vec<Located<FieldSpec>>,
    #[serde(default)]
    pub rules: Vec<Located<RuleSpec>>,
    #[serde(default)]
    pub variants: Vec<Located<Variant>>,
}

/// One of several required sets of the same endpoint (UPI sale channel 1 and 2).
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Variant {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    pub original: Option<String>,
    pub source: Option<SourceRef>,
    #[serde(default)]
    pub params: Vec<Located<FieldSpec>>,
    #[serde(default)]
    pub rules: Vec<Located<RuleSpec>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// At least one of `fields` (a named `group`).
    OneOf,
    /// `field` is required when `when` holds.
    RequiredIf,
    /// When `field` is present, every path in `requires` must be too.
    Requires,
    /// `field` must differ from `other`.
    MustDifferFrom,
    /// When `when` holds, `field` may only take `values`.
    AllowedValuesIf,
    /// `field` must not be sent (when `when` holds, if given).
    Forbidden,
}

impl RuleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::OneOf => "one_of",
            RuleKind::RequiredIf => "required_if",
            RuleKind::Requires => "requires",
            RuleKind::MustDifferFrom => "must_differ_from",
            RuleKind::AllowedValuesIf => "allowed_values_if",
            RuleKind::Forbidden => "forbidden",
        }
    }
}

/// A rule as written; `check` verifies that it has exactly the keys its kind takes and turns it
/// into a typed condition.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub kind: RuleKind,
    pub field: Option<String>,
    /// `one_of`: the members.
    #[serde(default)]
    pub fields: Vec<String>,
    /// `one_of`: the group's name.
    pub group: Option<String>,
    pub when: Option<Predicate>,
    #[serde(default)]
    pub requires: Vec<String>,
    pub other: Option<String>,
    #[serde(default)]
    pub values: Vec<Scalar>,
    pub description: Option<String>,
    pub original: Option<String>,
    pub source: Option<SourceRef>,
}

/// A condition over the payload and the caller's facts. Exactly one of `fact`, `field`, `all`,
/// `any`, `not`; with `field`, exactly one of `equals`, `in`, `present`.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Predicate {
    pub fact: Option<String>,
    pub field: Option<String>,
    /// With a `json_string` field: a JSON pointer into the JSON it holds.
    pub json_pointer: Option<String>,
    pub equals: Option<Scalar>,
    #[serde(rename = "in")]
    pub in_values: Option<Vec<Scalar>>,
    pub present: Option<bool>,
    pub all: Option<Vec<Predicate>>,
    pub any: Option<Vec<Predicate>>,
    pub not: Option<Box<Predicate>>,
}
