//! Validation: every request and Payment Page parameter set checks itself against the rules the
//! spec states, and reports every violation with its JSON path.

pub(crate) mod check;
mod engine;
pub mod shape;
mod signable;

use std::collections::BTreeSet;
use std::fmt;

use crate::excerpt::PathExcerpt;

pub(crate) use engine::validate_bodies;
pub use engine::{other_parameters, validate_value};
pub use shape::OperationSchema;

/// What kind of rule a violation breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ViolationKind {
    /// Wrong JSON type.
    Type,
    /// A required field is missing.
    Required,
    /// A string not in its field's format (currency, email...).
    Format,
    /// A value not among the field's values.
    Enum,
    /// A number outside its field's bounds.
    Range,
    /// A string longer or shorter than its field allows.
    Length,
    /// None of a one-of group is present.
    OneOf,
    /// A field the payload's other values make required is missing.
    RequiredIf,
    /// A present field needs another that is missing.
    Requires,
    /// Two fields that must differ are equal.
    MustDiffer,
    /// A value the payload's other values (or facts) do not allow.
    AllowedValues,
    /// A field this operation does not take.
    Forbidden,
    /// A currency the method does not accept.
    Currency,
    /// Minor units in a currency without them.
    WholeUnits,
    /// A currency only for customers of one country.
    CurrencyCountry,
    /// An amount outside the method's limits for its currency.
    AmountLimit,
    /// Not exactly one of the operation's variants holds.
    Variant,
    /// The caller named a fact the spec does not know.
    UnknownFact,
    /// A number the signature cannot cover, anywhere in the body (a declared field, another
    /// parameter, inside either): one the official SDKs would write differently (`1.0`, `1e3`,
    /// `0.00001`, more than 14 significant digits, an integer beyond 64 bits). The signer refuses
    /// such a body by the same rule (`CanonicalError::UnsupportedNumber`, same message).
    UnsignableNumber,
}

impl ViolationKind {
    /// The kind as the CLI and JSON reports write it (`required_if`).
    pub fn as_str(self) -> &'static str {
        match self {
            ViolationKind::Type => "type",
            ViolationKind::Required => "required",
            ViolationKind::Format => "format",
            ViolationKind::Enum => "enum",
            ViolationKind::Range => "range",
            ViolationKind::Length => "length",
            ViolationKind::OneOf => "one_of",
            ViolationKind::RequiredIf => "required_if",
            ViolationKind::Requires => "requires",
            ViolationKind::MustDiffer => "must_differ_from",
            ViolationKind::AllowedValues => "allowed_values_if",
            ViolationKind::Forbidden => "forbidden",
            ViolationKind::Currency => "currency",
            ViolationKind::WholeUnits => "whole_units",
            ViolationKind::CurrencyCountry => "currency_country",
            ViolationKind::AmountLimit => "amount_limit",
            ViolationKind::Variant => "variant",
            ViolationKind::UnknownFact => "unknown_fact",
            ViolationKind::UnsignableNumber => "unsignable_number",
        }
    }
}

/// One broken rule: where, which rule, and a readable message.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Violation {
    /// JSON path (`customer.identify.doc_number`, `receipt_data.positions[0].amount`); empty for
    /// the whole payload.
    pub path: String,
    /// The kind of rule broken.
    pub kind: ViolationKind,
    /// What is wrong and what is allowed; quotes at most a short prefix of the value.
    pub message: String,
}

impl Violation {
    /// A violation at `path` (empty for the whole payload).
    pub fn new(path: impl Into<String>, kind: ViolationKind, message: impl Into<String>) -> Self {
        Violation {
            path: path.into(),
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str("(payload)")?;
        } else {
            write!(f, "{}", PathExcerpt(&self.path))?;
        }
        write!(f, ": {} [{}]", self.message, self.kind.as_str())
    }
}

/// All violations of one payload.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct Violations(pub Vec<Violation>);

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} violation(s)", self.0.len())?;
        for v in &self.0 {
            write!(f, "\n  {v}")?;
        }
        Ok(())
    }
}

impl Violations {
    /// `Ok` when empty.
    pub fn into_result(violations: Vec<Violation>) -> Result<(), Violations> {
        if violations.is_empty() {
            Ok(())
        } else {
            Err(Violations(violations))
        }
    }
}

/// A key of a payload that its operation does not declare. The documents allow a request to
/// carry any other parameter of the platform's specification, so this is no violation; it is
/// listed so that a typo can be caught (a typo in a required name also leaves that field
/// missing, which is a violation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OtherParameter {
    /// JSON path of the key (`general.merchant_callback_url`).
    pub path: String,
    /// A declared name at the same place that the key likely misspells (`amount` for `amout`).
    pub did_you_mean: Option<&'static str>,
}

impl fmt::Display for OtherParameter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: not a parameter the documents name",
            PathExcerpt(&self.path)
        )?;
        if let Some(name) = self.did_you_mean {
            write!(f, " (did you mean `{name}`?)")?;
        }
        Ok(())
    }
}

/// Facts a payload cannot show (e.g. that the card is a Visa card issued in Canada), supplied by
/// the caller. Without them, conditions on facts are taken as not holding.
///
// The example is doc-tested in `ecommpay-api`, with the paths a merchant writes.
#[cfg_attr(not(doctest), doc = include_str!("../../examples-doc/facts.md"))]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facts(BTreeSet<String>);

impl Facts {
    /// No facts: what validation assumes when the caller knows nothing beyond the payload.
    pub fn none() -> Self {
        Facts::default()
    }

    /// With `fact` (the generated `Fact` enum: `Fact::VisaCardIssuedInCanada`).
    pub fn with(mut self, fact: impl FactName) -> Self {
        self.0.insert(fact.name().to_owned());
        self
    }

    /// With a fact named in text from outside the program (a command-line flag, a configuration
    /// file). A name the spec does not know is kept: validation reports it as unknown instead of
    /// ignoring it.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.0.insert(name.into());
        self
    }

    /// Whether the fact named `fact` is among them.
    pub fn contains(&self, fact: &str) -> bool {
        self.0.contains(fact)
    }

    /// The facts, in name order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

/// A fact the spec knows, by name: implemented by the generated `Fact` enum (one variant per
/// fact), so that a misspelt fact does not compile.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a fact the spec knows",
    label = "not a `Fact`",
    note = "name a fact with the generated enum (`Fact::VisaCardIssuedInCanada`); a name read from outside the program goes through `Facts::with_name`"
)]
pub trait FactName: Copy {
    /// The fact's name in the spec (`visa_card_issued_in_canada`).
    fn name(self) -> &'static str;
}

/// Requests and Payment Page parameter sets check themselves before anything is sent.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be validated",
    label = "not a request or parameter set",
    note = "a builder is not the request: call `.build()?` on it first"
)]
pub trait Validate {
    /// Validates with the given facts.
    fn validate_with(&self, facts: &Facts) -> Result<(), Violations>;

    /// Validates without facts: conditions on facts do not hold.
    fn validate(&self) -> Result<(), Violations> {
        self.validate_with(&Facts::none())
    }
}

/// `violations`, then the unsignable numbers `check` reports, unless the violations are unknown
/// facts (reported first and alone).
pub(super) fn with_unsignable_numbers(
    mut violations: Vec<Violation>,
    check: impl FnOnce(&mut Vec<Violation>),
) -> Vec<Violation> {
    if violations
        .first()
        .is_none_or(|v| v.kind != ViolationKind::UnknownFact)
    {
        check(&mut violations);
    }
    violations
}
