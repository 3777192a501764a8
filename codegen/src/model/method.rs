//! A payment method's rules: currencies, limits, timings, codes, sub-methods.

#[cfg(feature = "schemars")]
use schemars::JsonSchema;
use serde::Deserialize;

use super::{Located, SourceRef};

#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MethodSpec {
    /// Module name of the generated code.
    pub id: String,
    pub name: String,
    /// The platform's payment method code (`force_payment_method`, paths).
    pub code: String,
    pub kind: Option<String>,
    pub description: Option<String>,
    pub original: Option<String>,
    pub source: Option<SourceRef>,
    pub currencies: Option<Currencies>,
    #[serde(default)]
    pub limits: Vec<Located<Limit>>,
    #[serde(default)]
    pub timings: Vec<Located<Timing>>,
    #[serde(default)]
    pub codes: Vec<Located<Code>>,
    #[serde(default)]
    pub submethods: Vec<Located<Submethod>>,
    #[serde(default)]
    pub rules: Vec<Located<MethodRule>>,
}

#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Currencies {
    /// Most currencies of the world.
    #[serde(default)]
    pub any: bool,
    /// The only currencies allowed (ISO 4217 alpha-3).
    #[serde(default)]
    pub list: Vec<String>,
    /// Operation ids (or interfaces) the list applies to; all when empty.
    #[serde(default)]
    pub applies_to: Vec<String>,
    #[serde(default)]
    pub restrictions: Vec<Located<CurrencyRestriction>>,
    pub description: Option<String>,
    pub original: Option<String>,
    pub source: Option<SourceRef>,
}

#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CurrencyRestriction {
    pub currency: String,
    /// Amounts must be whole units: a multiple of 100 in minor units.
    #[serde(default)]
    pub no_minor_units: bool,
    /// Only for customers of this country (ISO 3166-1 alpha-2).
    pub only_country: Option<String>,
    pub description: Option<String>,
    pub original: Option<String>,
    pub source: Option<SourceRef>,
}

#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Limit {
    /// An operation id or an operation kind (`purchase`, `payout`, `refund`).
    pub applies_to: String,
    pub currency: Option<String>,
    /// Minimum amount in minor units.
    pub min: Option<i64>,
    /// Maximum amount in minor units.
    pub max: Option<i64>,
    pub description: Option<String>,
    pub original: Option<String>,
    pub source: Option<SourceRef>,
}

#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Timing {
    pub applies_to: String,
    /// Average time to the result callback, as the document states it.
    pub base: Option<String>,
    /// Maximum time to the result callback.
    pub limit: Option<String>,
    pub description: Option<String>,
    pub original: Option<String>,
    pub source: Option<SourceRef>,
}

#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Code {
    pub code: String,
    pub meaning: String,
    pub original: Option<String>,
    pub source: Option<SourceRef>,
}

#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Submethod {
    pub id: String,
    pub name: String,
    /// The parameter that selects it (e.g. `payment_methods_options`).
    pub via: Option<String>,
    /// The value that selects it.
    pub value: Option<String>,
    pub description: Option<String>,
    pub original: Option<String>,
    pub source: Option<SourceRef>,
}

#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schemars", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MethodRule {
    pub id: String,
    pub description: String,
    pub original: Option<String>,
    pub source: Option<SourceRef>,
}
