//! What the generated validators call: paths rendered only when a violation is reported, a
//! borrowed view of a value (typed or JSON), the checks of one leaf, and each cross-field rule's
//! test and message. Each rule is written here once; the generator writes, per operation, which
//! rules apply to which fields, over the typed value and over raw JSON.

use std::collections::BTreeSet;

use serde_json::Value;

use super::shape::{FieldShape, Kind, ObjectShape, Scalar, WireType};
use super::{Facts, OperationSchema, Violation, ViolationKind, Violations};
use crate::excerpt::Excerpt;
use crate::formats::Format;
use crate::wire::{IntOrString, ObjectOrString};

/// A JSON path, rendered to a string only when a violation is reported: the happy path
/// allocates nothing.
#[derive(Clone, Copy, Debug)]
pub enum Path<'a> {
    /// The whole payload.
    Root,
    /// A path known when the validator was generated (`customer.phone`).
    At(&'static str),
    /// A key under a path found while walking the payload.
    Key(&'a Path<'a>, &'a str),
    /// An array element under a path found while walking the payload.
    Index(&'a Path<'a>, usize),
}

impl Path<'_> {
    /// The member `key` of this path's object, rendered only if a violation needs it.
    pub fn key<'b>(&'b self, key: &'b str) -> Path<'b> {
        Path::Key(self, key)
    }

    /// The element `index` of this path's array.
    pub fn index(&self, index: usize) -> Path<'_> {
        Path::Index(self, index)
    }

    /// `customer.identify.doc_number`, `receipt_data.positions[0].amount`; empty for the root.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Path::Root => {}
            Path::At(path) => out.push_str(path),
            Path::Key(parent, key) => {
                parent.write(out);
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Path::Index(parent, index) => {
                parent.write(out);
                out.push('[');
                out.push_str(itoa::Buffer::new().format(*index));
                out.push(']');
            }
        }
    }
}

/// A value as the rules see it, borrowed from a typed value or from JSON: the same view of the
/// same payload either way, so that the two validators agree.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum View<'a> {
    /// A JSON string.
    Str(&'a str),
    /// Any JSON integer (`i64` and `u64` alike).
    Int(i128),
    /// `true` or `false`.
    Bool(bool),
    /// Anything else in JSON: `null`, a number with a fraction, an array, an object.
    Json(&'a Value),
    /// A typed object or list: present, and nothing a rule compares.
    Other,
}

impl<'a> View<'a> {
    /// The view of a JSON value.
    pub fn of(value: &'a Value) -> View<'a> {
        match value {
            Value::String(s) => View::Str(s),
            Value::Bool(b) => View::Bool(*b),
            Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => View::Int(u.into()),
                (None, Some(i)) => View::Int(i.into()),
                (None, None) => View::Json(value),
            },
            _ => View::Json(value),
        }
    }

    /// The text, when it is a string.
    pub fn as_str(self) -> Option<&'a str> {
        match self {
            View::Str(s) => Some(s),
            _ => None,
        }
    }

    fn type_name(self) -> &'static str {
        match self {
            View::Str(_) => "a string",
            View::Int(_) => "an integer",
            View::Bool(_) => "a boolean",
            View::Json(Value::Null) => "null",
            View::Json(Value::Number(_)) => "a number",
            View::Json(Value::Array(_)) => "an array",
            View::Json(_) | View::Other => "an object",
        }
    }

    /// As messages show it: scalars as JSON (strings cut to a short prefix), containers by
    /// their type.
    fn shown(self) -> String {
        match self {
            View::Str(s) => Excerpt(s).to_string(),
            View::Int(n) => n.to_string(),
            View::Bool(b) => b.to_string(),
            View::Json(scalar @ (Value::Null | Value::Number(_))) => scalar.to_string(),
            View::Json(_) | View::Other => self.type_name().to_owned(),
        }
    }

    /// Strict JSON equality with a constant: `"5"` is not `5`.
    pub fn is(self, expected: &Scalar) -> bool {
        match (expected, self) {
            (Scalar::Str(s), View::Str(v)) => *s == v,
            (Scalar::Int(i), View::Int(n)) => i128::from(*i) == n,
            (Scalar::Bool(b), View::Bool(v)) => *b == v,
            _ => false,
        }
    }

    /// An amount in minor units: an integer, or a string of one.
    fn amount(self) -> Option<u64> {
        match self {
            View::Int(n) => u64::try_from(n).ok(),
            View::Str(s) => s.parse().ok(),
            _ => None,
        }
    }
}

impl<'a> From<&'a IntOrString> for View<'a> {
    fn from(value: &'a IntOrString) -> Self {
        match value {
            IntOrString::Int(i) => View::Int((*i).into()),
            IntOrString::UInt(u) => View::Int((*u).into()),
            IntOrString::String(s) => View::Str(s),
        }
    }
}

impl<'a, T> From<&'a ObjectOrString<T>> for View<'a> {
    fn from(value: &'a ObjectOrString<T>) -> Self {
        match value {
            ObjectOrString::Object(_) => View::Other,
            ObjectOrString::String(s) => View::Str(s),
        }
    }
}

/// The value at a path of keys in a JSON payload (`null` included).
pub fn at<'v>(value: &'v Value, keys: &[&str]) -> Option<View<'v>> {
    let mut current = value;
    for key in keys {
        current = member(current.as_object()?, key)?;
    }
    Some(View::of(current))
}

/// Objects up to this many keys are scanned rather than hashed into.
const SCAN_LIMIT: usize = 12;

/// The value of `key` in `map`. Payload objects are small and many declared keys are absent:
/// comparing against a few keys is cheaper than hashing the name.
pub(super) fn member<'v>(map: &'v serde_json::Map<String, Value>, key: &str) -> Option<&'v Value> {
    if map.len() <= SCAN_LIMIT {
        // Most keys differ in their first byte: a cheaper test than a `memcmp` call.
        let first = key.as_bytes().first();
        map.iter()
            .find(|(k, _)| k.as_bytes().first() == first && k.as_str() == key)
            .map(|(_, v)| v)
    } else {
        map.get(key)
    }
}

/// Whether `value` (at `pointer` inside the JSON it holds, when given) is `expected`.
pub fn equals(value: Option<View>, pointer: Option<&str>, expected: &Scalar) -> bool {
    is_in(value, pointer, std::slice::from_ref(expected))
}

/// Whether `value` (at `pointer` inside the JSON it holds, when given) is one of `values`.
pub fn is_in(value: Option<View>, pointer: Option<&str>, values: &[Scalar]) -> bool {
    let Some(value) = value else { return false };
    match pointer {
        None => values.iter().any(|s| value.is(s)),
        Some(pointer) => {
            let Some(text) = value.as_str() else {
                return false;
            };
            let Ok(inner) = serde_json::from_str::<Value>(text) else {
                return false;
            };
            inner
                .pointer(pointer)
                .is_some_and(|v| values.iter().any(|s| View::of(v).is(s)))
        }
    }
}

fn push(out: &mut Vec<Violation>, path: impl Into<String>, kind: ViolationKind, message: String) {
    out.push(Violation::new(path, kind, message));
}

/// A missing message signature says what sets it: `validate()` answers whether a message is
/// ready to send as it is (as `validate_json` and the exported schemas do), so it still
/// requires the signature, but one validating before signing learns to sign first.
pub fn required(path: &Path, out: &mut Vec<Violation>) {
    let path = path.render();
    let message = if matches!(path.as_str(), "signature" | "general.signature") {
        "is required: `sign(&key)` sets it, so sign before validating (the Gate client does both)"
    } else {
        "is required"
    };
    push(out, path, ViolationKind::Required, message.into());
}

/// Reports a field the operation does not take, at `path`.
pub fn forbidden(path: &Path, out: &mut Vec<Violation>) {
    push(
        out,
        path.render(),
        ViolationKind::Forbidden,
        "must not be sent".into(),
    );
}

fn is_integer_string(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// The checks of a scalar value: its wire type, format, allowed values, range and length.
pub fn leaf(field: &FieldShape, value: View, path: &Path, out: &mut Vec<Violation>) {
    let accepts = |t: WireType| field.also.contains(&t);
    let type_ok = match (field.kind, value) {
        (Kind::Any, _) => true,
        (Kind::String | Kind::Json(_), View::Str(_)) => true,
        (Kind::String, View::Int(_)) => accepts(WireType::Integer),
        (Kind::Integer, View::Int(_)) => true,
        (Kind::Integer, View::Str(s)) => accepts(WireType::String) && is_integer_string(s),
        (Kind::Boolean, View::Bool(_)) => true,
        (Kind::Boolean, View::Int(n)) => accepts(WireType::Integer) && i64::try_from(n).is_ok(),
        (Kind::Boolean, View::Str(_)) => accepts(WireType::String),
        (Kind::Object(_) | Kind::Array(_), View::Str(_)) => accepts(WireType::String),
        _ => false,
    };
    if !type_ok {
        return type_violation(field, value, path, out);
    }
    if let Some(format) = field.format {
        check_format(format, value, path, out);
    }
    if !field.enum_values.is_empty() && !field.enum_values.iter().any(|s| value.is(s)) {
        let allowed: Vec<String> = field.enum_values.iter().map(ToString::to_string).collect();
        push(
            out,
            path.render(),
            ViolationKind::Enum,
            format!(
                "must be one of {}, got {}",
                allowed.join(", "),
                value.shown()
            ),
        );
    }
    if field.minimum.is_some() || field.maximum.is_some() {
        let integer = match value {
            View::Int(n) => i64::try_from(n).ok(),
            View::Str(s) if accepts(WireType::String) && is_integer_string(s) => s.parse().ok(),
            _ => None,
        };
        if let Some(n) = integer
            && (field.minimum.is_some_and(|min| n < min)
                || field.maximum.is_some_and(|max| n > max))
        {
            push(
                out,
                path.render(),
                ViolationKind::Range,
                format!(
                    "must be between {} and {}, got {n}",
                    field.minimum.map_or("-".into(), |m| m.to_string()),
                    field.maximum.map_or("-".into(), |m| m.to_string())
                ),
            );
        }
    }
    if let View::Str(s) = value
        && (field.min_length.is_some() || field.max_length.is_some())
    {
        let len = u32::try_from(s.chars().count()).unwrap_or(u32::MAX);
        if field.min_length.is_some_and(|min| len < min)
            || field.max_length.is_some_and(|max| len > max)
        {
            push(
                out,
                path.render(),
                ViolationKind::Length,
                format!(
                    "length must be between {} and {}, got {len}",
                    field.min_length.unwrap_or(0),
                    field.max_length.map_or("-".into(), |m| m.to_string())
                ),
            );
        }
    }
}

pub(super) fn type_violation(
    field: &FieldShape,
    value: View,
    path: &Path,
    out: &mut Vec<Violation>,
) {
    let expected = match field.kind {
        Kind::String => "a string",
        Kind::Integer => "an integer",
        Kind::Boolean => "a boolean",
        Kind::Any => "any value",
        Kind::Object(_) => "an object",
        Kind::Array(_) => "an array",
        Kind::Json(_) => "a string holding JSON",
    };
    let alternatives: String = field
        .also
        .iter()
        .map(|t| match t {
            WireType::String => " or a string of digits",
            WireType::Integer => " or an integer",
            WireType::Boolean => " or a boolean",
        })
        .collect();
    push(
        out,
        path.render(),
        ViolationKind::Type,
        format!(
            "expected {expected}{alternatives}, got {}",
            value.type_name()
        ),
    );
}

fn check_format(format: Format, value: View, path: &Path, out: &mut Vec<Violation>) {
    let result = match (format, value) {
        (Format::AmountMinor, View::Int(n)) if u64::try_from(n).is_ok() => Ok(()),
        (Format::Indicator, View::Int(0 | 1)) => Ok(()),
        (Format::AmountMinor | Format::Indicator, View::Int(n)) => {
            Err(format!("expected {}, got {n}", format.expectation()))
        }
        (Format::AmountMinor | Format::Indicator, View::Json(n @ Value::Number(_))) => {
            Err(format!("expected {}, got {n}", format.expectation()))
        }
        (_, View::Str(s)) => format.check_str(s),
        _ => Ok(()),
    };
    if let Err(message) = result {
        push(out, path.render(), ViolationKind::Format, message);
    }
}

// ----- the rules across fields, each its test and its message -----

/// None of a one-of group is present: reported at the object holding all its members
/// (`customer` for `customer.phone` and `customer.account_id`).
pub fn one_of(fields: &[&str], group: &str, out: &mut Vec<Violation>) {
    let parents: BTreeSet<&str> = fields
        .iter()
        .map(|f| f.rsplit_once('.').map_or("", |(parent, _)| parent))
        .collect();
    let path = match parents.into_iter().collect::<Vec<_>>().as_slice() {
        [single] => (*single).to_owned(),
        _ => String::new(),
    };
    push(
        out,
        path,
        ViolationKind::OneOf,
        format!("one of {} is required (group `{group}`)", fields.join(", ")),
    );
}

/// `field` is missing while `condition` (described) holds.
pub fn required_if(field: &str, condition: &str, out: &mut Vec<Violation>) {
    push(
        out,
        field,
        ViolationKind::RequiredIf,
        format!("is required when {condition}"),
    );
}

/// `other` is missing while `field` is present.
pub fn requires(field: &str, other: &str, out: &mut Vec<Violation>) {
    push(
        out,
        other,
        ViolationKind::Requires,
        format!("is required because {field} is present"),
    );
}

/// `field` and `other` must not be equal.
pub fn must_differ(
    field: &str,
    value: Option<View>,
    other: &str,
    other_value: Option<View>,
    out: &mut Vec<Violation>,
) {
    if let (Some(a), Some(b)) = (value, other_value)
        && a == b
    {
        push(
            out,
            field,
            ViolationKind::MustDiffer,
            format!("must differ from {other}"),
        );
    }
}

/// `value` must be one of `values` while `condition` (described) holds; the caller tests the
/// condition.
pub fn allowed_values(
    field: &str,
    value: View,
    values: &[Scalar],
    condition: &str,
    out: &mut Vec<Violation>,
) {
    if !values.iter().any(|s| value.is(s)) {
        let list: Vec<String> = values.iter().map(ToString::to_string).collect();
        push(
            out,
            field,
            ViolationKind::AllowedValues,
            format!(
                "must be one of {} when {condition}, got {}",
                list.join(", "),
                value.shown()
            ),
        );
    }
}

/// `field` is present where it must not be; `reason` is empty or ` when ...`.
pub fn forbidden_by_rule(field: &str, reason: &str, out: &mut Vec<Violation>) {
    push(
        out,
        field,
        ViolationKind::Forbidden,
        format!("must not be sent{reason}"),
    );
}

/// The method accepts only `currencies`.
pub fn currency_in(
    field: &str,
    currency: Option<View>,
    currencies: &[&str],
    out: &mut Vec<Violation>,
) {
    if let Some(View::Str(code)) = currency
        && !currencies.contains(&code)
    {
        push(
            out,
            field,
            ViolationKind::Currency,
            format!(
                "this method accepts {} only, got {}",
                currencies.join(", "),
                Excerpt(code)
            ),
        );
    }
}

/// Amounts in `currencies` are whole units (a multiple of 100 minor units).
pub fn whole_units(
    field: &str,
    amount: Option<View>,
    currency: Option<View>,
    currencies: &[&str],
    out: &mut Vec<Violation>,
) {
    if let (Some(View::Str(code)), Some(n)) = (currency, amount.and_then(View::amount))
        && currencies.contains(&code)
        && n % 100 != 0
    {
        push(
            out,
            field,
            ViolationKind::WholeUnits,
            format!(
                "{code} has no minor units here: the amount must be a multiple of 100, got {n}"
            ),
        );
    }
}

/// `currency_value` is only for customers in `country_value`.
pub fn currency_country(
    currency: Option<View>,
    currency_value: &str,
    field: &str,
    country: Option<View>,
    country_value: &str,
    out: &mut Vec<Violation>,
) {
    if currency.and_then(View::as_str) != Some(currency_value) {
        return;
    }
    let actual = country.and_then(View::as_str);
    if actual != Some(country_value) {
        push(
            out,
            field,
            ViolationKind::CurrencyCountry,
            format!(
                "{currency_value} is only for customers in {country_value}, got {}",
                actual.map_or_else(|| "nothing".to_owned(), |a| Excerpt(a).to_string())
            ),
        );
    }
}

/// The method's amount limits, for one currency (`currency_value`) or all.
pub fn amount_limit(
    field: &str,
    amount: Option<View>,
    currency: Option<View>,
    currency_value: Option<&str>,
    (min, max): (Option<i64>, Option<i64>),
    out: &mut Vec<Violation>,
) {
    let code = currency.and_then(View::as_str);
    if currency_value.is_some_and(|c| code != Some(c)) {
        return;
    }
    let Some(n) = amount.and_then(View::amount) else {
        return;
    };
    let n = i64::try_from(n).unwrap_or(i64::MAX);
    if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
        push(
            out,
            field,
            ViolationKind::AmountLimit,
            format!(
                "must be within the method's limits ({} to {}{}), got {n}",
                min.map_or("-".into(), |m| m.to_string()),
                max.map_or("-".into(), |m| m.to_string()),
                currency_value
                    .map(|c| format!(" for {c}"))
                    .unwrap_or_default()
            ),
        );
    }
}

/// The checks of a JSON value of `field` (typed values keep `serde_json::Value` where the
/// documents allow any JSON).
pub fn value(field: &FieldShape, value: &Value, path: &Path, out: &mut Vec<Violation>) {
    super::engine::check_value(field, value, path, out);
}

/// The checks of a JSON object against `shape`.
pub fn object(
    shape: &ObjectShape,
    map: &serde_json::Map<String, Value>,
    path: &Path,
    out: &mut Vec<Violation>,
) {
    super::engine::check_map(shape, map, path, out);
}

/// The checks of a string holding a JSON object of `shape`.
pub fn json_text(shape: &ObjectShape, text: &str, path: &Path, out: &mut Vec<Violation>) {
    super::engine::check_json_text(shape, text, path, out);
}

/// Every violation of a typed message of `operation`: `check` is the generated validator of one
/// body (the operation's, or the variant's given by its index), over the typed value; then every
/// number of `message` the signature cannot cover ([`ViolationKind::UnsignableNumber`]), as
/// [`validate_value`](super::validate_value) reports them on the JSON it serializes to.
pub fn validate_typed<T: serde::Serialize + ?Sized>(
    operation: &OperationSchema,
    facts: &Facts,
    message: &T,
    check: impl Fn(usize, &mut Vec<Violation>),
) -> Result<(), Violations> {
    let violations = super::validate_bodies(operation, facts, |index, _, out| check(index, out));
    Violations::into_result(super::with_unsignable_numbers(violations, |out| {
        super::signable::check_typed(message, out)
    }))
}

/// The rules of a body that has none.
pub fn no_rules(_: &serde_json::Value, _: &Facts, _: &mut Vec<Violation>) {}
