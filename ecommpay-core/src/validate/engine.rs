//! Validates a JSON payload against an operation's shape and rules, collecting every violation.

use std::collections::BTreeSet;

use serde_json::Value;

use super::shape::{
    Body, FieldShape, Kind, ObjectShape, OperationSchema, Predicate, Rule, WireType,
};
use super::{Facts, OtherParameter, Violation, ViolationKind};
use crate::excerpt::Excerpt;
use crate::formats::Format;

/// Every violation of `value` against `operation`. With variants, the payload must satisfy at
/// least one (the spec makes variants exclusive where the payload tells them apart); when it
/// satisfies none, the violations of the closest variant are reported: one whose forbidden
/// fields are absent, with the fewest violations.
pub fn validate_value(operation: &OperationSchema, value: &Value, facts: &Facts) -> Vec<Violation> {
    let unknown: Vec<&str> = facts
        .iter()
        .filter(|fact| !operation.known_facts.contains(fact))
        .collect();
    if !unknown.is_empty() {
        // A misspelt fact would silently switch a rule off.
        return unknown
            .into_iter()
            .map(|fact| {
                Violation::new(
                    "",
                    ViolationKind::UnknownFact,
                    format!(
                        "unknown fact {}; the spec knows {}",
                        Excerpt(fact),
                        operation.known_facts.join(", ")
                    ),
                )
            })
            .collect();
    }
    if operation.variants.is_empty() {
        return validate_body(&operation.body, value, facts);
    }
    let mut closest: Option<(bool, usize, &str, Vec<Violation>)> = None;
    for variant in operation.variants {
        let violations = validate_body(&variant.body, value, facts);
        if violations.is_empty() {
            return violations;
        }
        let applicable = !violations
            .iter()
            .any(|v| v.kind == ViolationKind::Forbidden);
        let better = match &closest {
            None => true,
            Some((was_applicable, count, _, _)) => {
                (applicable, std::cmp::Reverse(violations.len()))
                    > (*was_applicable, std::cmp::Reverse(*count))
            }
        };
        if better {
            closest = Some((applicable, violations.len(), variant.id, violations));
        }
    }
    let Some((_, _, id, mut violations)) = closest else {
        return Vec::new();
    };
    for violation in &mut violations {
        violation.message = format!("{} (closest variant: {id})", violation.message);
    }
    violations
}

/// The keys of `value` that the operation does not declare, in document order: the "other
/// parameters of the platform's specification" the documents allow, or typos. With variants, a
/// key is listed only when no variant declares it. Each comes with the declared name at the same
/// place it most likely misspells, if any.
pub fn other_parameters(operation: &OperationSchema, value: &Value) -> Vec<OtherParameter> {
    let mut bodies = std::iter::once(&operation.body)
        .filter(|_| operation.variants.is_empty())
        .chain(operation.variants.iter().map(|v| &v.body));
    let Some(first) = bodies.next() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    collect_others(first.shape, value, "", 0, &mut found);
    for body in bodies {
        let mut also = Vec::new();
        collect_others(body.shape, value, "", 0, &mut also);
        found.retain(|other| also.iter().any(|o: &OtherParameter| o.path == other.path));
    }
    found
}

/// How deep `other_parameters` follows declared objects; payloads are validated far shallower.
const MAX_DEPTH: usize = 64;

fn collect_others(
    shape: &ObjectShape,
    value: &Value,
    path: &str,
    depth: usize,
    out: &mut Vec<OtherParameter>,
) {
    let Value::Object(map) = value else { return };
    if depth > MAX_DEPTH {
        return;
    }
    for (key, child) in map {
        let child_path = join(path, key);
        let Some(field) = shape.fields.iter().find(|f| f.name == key) else {
            out.push(OtherParameter {
                path: child_path,
                did_you_mean: closest_name(shape, key),
            });
            continue;
        };
        match (field.kind, child) {
            (Kind::Object(inner), Value::Object(_)) => {
                collect_others(inner, child, &child_path, depth + 1, out)
            }
            (Kind::Array(item), Value::Array(items)) => {
                if let Kind::Object(inner) = item.kind {
                    for (i, element) in items.iter().enumerate() {
                        collect_others(
                            inner,
                            element,
                            &format!("{child_path}[{i}]"),
                            depth + 1,
                            out,
                        );
                    }
                }
            }
            (Kind::Json(inner), Value::String(text)) => {
                if let Ok(content @ Value::Object(_)) = serde_json::from_str::<Value>(text) {
                    collect_others(inner, &content, &child_path, depth + 1, out);
                }
            }
            _ => {}
        }
    }
}

/// A declared name at this place that `key` likely misspells: at most two edits away, and fewer
/// than a third of its length.
fn closest_name(shape: &ObjectShape, key: &str) -> Option<&'static str> {
    shape
        .fields
        .iter()
        .map(|f| (strsim::damerau_levenshtein(key, f.name), f.name))
        .filter(|&(distance, name)| distance <= 2 && distance * 3 < name.chars().count().max(3))
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, name)| name)
}

fn validate_body(body: &Body, value: &Value, facts: &Facts) -> Vec<Violation> {
    let mut out = collect_body(body, value, facts);
    // A field can break one rule twice (a forbidden param and a `forbidden` rule): report once.
    let mut seen = std::collections::HashSet::new();
    out.retain(|v| seen.insert((v.path.clone(), v.kind)));
    out
}

fn collect_body(body: &Body, value: &Value, facts: &Facts) -> Vec<Violation> {
    let mut out = Vec::new();
    match value {
        Value::Object(_) => check_object(body.shape, value, "", &mut out),
        _ => out.push(Violation::new(
            "",
            ViolationKind::Type,
            "expected a JSON object",
        )),
    }
    for rule in body.rules {
        check_rule(rule, value, facts, &mut out);
    }
    out
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn check_object(shape: &ObjectShape, value: &Value, path: &str, out: &mut Vec<Violation>) {
    let Value::Object(map) = value else { return };
    for field in shape.fields {
        let field_path = join(path, field.name);
        // `null` counts as present, as in JSON Schema (and a type error unless the field is
        // `any`), so that the validator and the exported schemas agree.
        match map.get(field.name) {
            None => {
                if field.required {
                    out.push(Violation::new(
                        &field_path,
                        ViolationKind::Required,
                        "is required",
                    ));
                }
            }
            Some(child) => {
                if field.forbidden {
                    out.push(Violation::new(
                        &field_path,
                        ViolationKind::Forbidden,
                        "must not be sent",
                    ));
                }
                check_value(field, child, &field_path, out);
            }
        }
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A received value as messages show it: scalars as JSON (strings cut to a short prefix),
/// containers by their type.
fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => Excerpt(s).to_string(),
        Value::Array(_) | Value::Object(_) => type_name(value).to_owned(),
        scalar => scalar.to_string(),
    }
}

fn is_integer_string(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// The integer a value holds: a JSON integer, or a string of digits where the field accepts one.
fn integer_of(field: &FieldShape, value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) if field.also.contains(&WireType::String) && is_integer_string(s) => {
            s.parse().ok()
        }
        _ => None,
    }
}

fn check_value(field: &FieldShape, value: &Value, path: &str, out: &mut Vec<Violation>) {
    let accepts = |t: WireType| field.also.contains(&t);
    let type_ok = match (field.kind, value) {
        (Kind::Any, _) => true,
        (Kind::String, Value::String(_)) => true,
        (Kind::String, Value::Number(n)) => {
            accepts(WireType::Integer) && (n.is_i64() || n.is_u64())
        }
        (Kind::Integer, Value::Number(n)) => n.is_i64() || n.is_u64(),
        (Kind::Integer, Value::String(s)) => accepts(WireType::String) && is_integer_string(s),
        (Kind::Boolean, Value::Bool(_)) => true,
        (Kind::Boolean, Value::Number(n)) => accepts(WireType::Integer) && n.is_i64(),
        (Kind::Boolean, Value::String(_)) => accepts(WireType::String),
        (Kind::Object(_), Value::Object(_)) => true,
        // Payment Page `recurring`: an object, or the same URL-encoded in a string.
        (Kind::Object(_) | Kind::Array(_), Value::String(_)) => accepts(WireType::String),
        (Kind::Array(_), Value::Array(_)) => true,
        (Kind::Json(_), Value::String(_)) => true,
        _ => false,
    };
    if !type_ok {
        let expected = match field.kind {
            Kind::String => "a string",
            Kind::Integer => "an integer",
            Kind::Boolean => "a boolean",
            Kind::Any => "any value",
            Kind::Object(_) => "an object",
            Kind::Array(_) => "an array",
            Kind::Json(_) => "a string holding JSON",
        };
        let alternatives: Vec<&str> = field
            .also
            .iter()
            .map(|t| match t {
                WireType::String => " or a string of digits",
                WireType::Integer => " or an integer",
                WireType::Boolean => " or a boolean",
            })
            .collect();
        out.push(Violation::new(
            path,
            ViolationKind::Type,
            format!(
                "expected {expected}{}, got {}",
                alternatives.concat(),
                type_name(value)
            ),
        ));
        return;
    }
    match (field.kind, value) {
        (Kind::Object(shape), Value::Object(_)) => check_object(shape, value, path, out),
        (Kind::Array(item), Value::Array(items)) => {
            for (i, element) in items.iter().enumerate() {
                check_value(item, element, &format!("{path}[{i}]"), out);
            }
        }
        (Kind::Json(shape), Value::String(text)) => {
            match serde_json::from_str::<Value>(text) {
                Ok(content @ Value::Object(_)) => check_object(shape, &content, path, out),
                Ok(other) => out.push(Violation::new(
                    path,
                    ViolationKind::Format,
                    format!(
                        "expected a string holding a JSON object, got {}",
                        type_name(&other)
                    ),
                )),
                Err(e) => out.push(Violation::new(
                    path,
                    ViolationKind::Format,
                    format!("expected a string holding JSON: {e}"),
                )),
            }
            // The content is checked; the format check below would repeat the parse error.
            return;
        }
        _ => {}
    }
    if let Some(format) = field.format {
        check_format(format, value, path, out);
    }
    if !field.enum_values.is_empty() && !field.enum_values.iter().any(|s| s.matches(value)) {
        let allowed: Vec<String> = field.enum_values.iter().map(ToString::to_string).collect();
        out.push(Violation::new(
            path,
            ViolationKind::Enum,
            format!(
                "must be one of {}, got {}",
                allowed.join(", "),
                shown(value)
            ),
        ));
    }
    if (field.minimum.is_some() || field.maximum.is_some())
        && let Some(n) = integer_of(field, value)
    {
        let below = field.minimum.is_some_and(|min| n < min);
        let above = field.maximum.is_some_and(|max| n > max);
        if below || above {
            out.push(Violation::new(
                path,
                ViolationKind::Range,
                format!(
                    "must be between {} and {}, got {n}",
                    field.minimum.map_or("-".into(), |m| m.to_string()),
                    field.maximum.map_or("-".into(), |m| m.to_string())
                ),
            ));
        }
    }
    if let Value::String(s) = value {
        let len = u32::try_from(s.chars().count()).unwrap_or(u32::MAX);
        if field.min_length.is_some_and(|min| len < min)
            || field.max_length.is_some_and(|max| len > max)
        {
            out.push(Violation::new(
                path,
                ViolationKind::Length,
                format!(
                    "length must be between {} and {}, got {len}",
                    field.min_length.unwrap_or(0),
                    field.max_length.map_or("-".into(), |m| m.to_string())
                ),
            ));
        }
    }
}

fn check_format(format: Format, value: &Value, path: &str, out: &mut Vec<Violation>) {
    let result = match (format, value) {
        (Format::AmountMinor, Value::Number(n)) => match n.as_u64() {
            Some(_) => Ok(()),
            None => Err(format!("expected {}, got {n}", format.expectation())),
        },
        (Format::Indicator, Value::Number(n)) => match n.as_u64() {
            Some(0 | 1) => Ok(()),
            _ => Err(format!("expected {}, got {n}", format.expectation())),
        },
        (_, Value::String(s)) => format.check_str(s),
        _ => Ok(()),
    };
    if let Err(message) = result {
        out.push(Violation::new(path, ViolationKind::Format, message));
    }
}

/// The value at a dot-separated path (`null` included).
pub(crate) fn lookup<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    let mut current = value;
    for key in path.split('.') {
        current = current.as_object()?.get(key)?;
    }
    Some(current)
}

fn lookup_pointer(value: &Value, path: &str, pointer: Option<&str>) -> Option<Value> {
    let found = lookup(value, path)?;
    match pointer {
        None => Some(found.clone()),
        Some(pointer) => {
            let inner: Value = serde_json::from_str(found.as_str()?).ok()?;
            inner.pointer(pointer).cloned()
        }
    }
}

pub(crate) fn holds(predicate: &Predicate, value: &Value, facts: &Facts) -> bool {
    match predicate {
        Predicate::Fact(fact) => facts.contains(fact),
        Predicate::Equals {
            field,
            pointer,
            value: expected,
        } => lookup_pointer(value, field, *pointer).is_some_and(|v| expected.matches(&v)),
        Predicate::In {
            field,
            pointer,
            values,
        } => lookup_pointer(value, field, *pointer)
            .is_some_and(|v| values.iter().any(|s| s.matches(&v))),
        Predicate::Present { field, present } => lookup(value, field).is_some() == *present,
        Predicate::All(all) => all.iter().all(|p| holds(p, value, facts)),
        Predicate::Any(any) => any.iter().any(|p| holds(p, value, facts)),
        Predicate::Not(p) => !holds(p, value, facts),
    }
}

fn describe(predicate: &Predicate) -> String {
    match predicate {
        Predicate::Fact(fact) => format!("fact `{fact}` holds"),
        Predicate::Equals {
            field,
            pointer,
            value,
        } => {
            format!("{field}{} is {value}", pointer.unwrap_or_default())
        }
        Predicate::In {
            field,
            pointer,
            values,
        } => {
            let list: Vec<String> = values.iter().map(ToString::to_string).collect();
            format!(
                "{field}{} is one of {}",
                pointer.unwrap_or_default(),
                list.join(", ")
            )
        }
        Predicate::Present {
            field,
            present: true,
        } => format!("{field} is present"),
        Predicate::Present {
            field,
            present: false,
        } => format!("{field} is absent"),
        Predicate::All(all) => all.iter().map(describe).collect::<Vec<_>>().join(" and "),
        Predicate::Any(any) => any.iter().map(describe).collect::<Vec<_>>().join(" or "),
        Predicate::Not(p) => format!("not ({})", describe(p)),
    }
}

fn check_rule(rule: &Rule, value: &Value, facts: &Facts, out: &mut Vec<Violation>) {
    match rule {
        Rule::OneOf { group, fields } => {
            if !fields.iter().any(|f| lookup(value, f).is_some()) {
                let path = common_parent(fields);
                out.push(Violation::new(
                    path,
                    ViolationKind::OneOf,
                    format!("one of {} is required (group `{group}`)", fields.join(", ")),
                ));
            }
        }
        Rule::RequiredIf { field, when } => {
            if lookup(value, field).is_none() && holds(when, value, facts) {
                out.push(Violation::new(
                    *field,
                    ViolationKind::RequiredIf,
                    format!("is required when {}", describe(when)),
                ));
            }
        }
        Rule::Requires { field, requires } => {
            if lookup(value, field).is_some() {
                for other in *requires {
                    if lookup(value, other).is_none() {
                        out.push(Violation::new(
                            *other,
                            ViolationKind::Requires,
                            format!("is required because {field} is present"),
                        ));
                    }
                }
            }
        }
        Rule::MustDifferFrom { field, other } => {
            if let (Some(a), Some(b)) = (lookup(value, field), lookup(value, other))
                && a == b
            {
                out.push(Violation::new(
                    *field,
                    ViolationKind::MustDiffer,
                    format!("must differ from {other}"),
                ));
            }
        }
        Rule::AllowedValuesIf {
            field,
            when,
            values,
        } => {
            if let Some(actual) = lookup(value, field)
                && holds(when, value, facts)
                && !values.iter().any(|s| s.matches(actual))
            {
                let list: Vec<String> = values.iter().map(ToString::to_string).collect();
                out.push(Violation::new(
                    *field,
                    ViolationKind::AllowedValues,
                    format!(
                        "must be one of {} when {}, got {}",
                        list.join(", "),
                        describe(when),
                        shown(actual)
                    ),
                ));
            }
        }
        Rule::Forbidden { field, when } => {
            let applies = when.is_none_or(|w| holds(w, value, facts));
            if applies && lookup(value, field).is_some() {
                let reason = when
                    .map(|w| format!(" when {}", describe(w)))
                    .unwrap_or_default();
                out.push(Violation::new(
                    *field,
                    ViolationKind::Forbidden,
                    format!("must not be sent{reason}"),
                ));
            }
        }
        Rule::CurrencyIn { field, currencies } => {
            if let Some(Value::String(currency)) = lookup(value, field)
                && !currencies.contains(&currency.as_str())
            {
                out.push(Violation::new(
                    *field,
                    ViolationKind::Currency,
                    format!(
                        "this method accepts {} only, got {}",
                        currencies.join(", "),
                        Excerpt(currency)
                    ),
                ));
            }
        }
        Rule::WholeUnits {
            amount,
            currency,
            currencies,
        } => {
            if let (Some(Value::String(code)), Some(n)) = (
                lookup(value, currency),
                lookup(value, amount).and_then(amount_of),
            ) && currencies.contains(&code.as_str())
                && n % 100 != 0
            {
                out.push(Violation::new(
                        *amount,
                        ViolationKind::WholeUnits,
                        format!("{code} has no minor units here: the amount must be a multiple of 100, got {n}"),
                    ));
            }
        }
        Rule::CurrencyCountry {
            currency,
            currency_value,
            country,
            country_value,
        } => {
            if lookup(value, currency).and_then(Value::as_str) == Some(currency_value) {
                let actual = lookup(value, country).and_then(Value::as_str);
                if actual != Some(country_value) {
                    out.push(Violation::new(
                        *country,
                        ViolationKind::CurrencyCountry,
                        format!(
                            "{currency_value} is only for customers in {country_value}, got {}",
                            actual.map_or_else(|| "nothing".to_owned(), |a| Excerpt(a).to_string())
                        ),
                    ));
                }
            }
        }
        Rule::AmountLimit {
            amount,
            currency,
            currency_value,
            min,
            max,
        } => {
            let code = lookup(value, currency).and_then(Value::as_str);
            let applies = currency_value.is_none_or(|c| code == Some(c));
            if let (true, Some(n)) = (applies, lookup(value, amount).and_then(amount_of)) {
                let n = i64::try_from(n).unwrap_or(i64::MAX);
                if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                    out.push(Violation::new(
                        *amount,
                        ViolationKind::AmountLimit,
                        format!(
                            "must be within the method's limits ({} to {}{}), got {n}",
                            min.map_or("-".into(), |m| m.to_string()),
                            max.map_or("-".into(), |m| m.to_string()),
                            currency_value
                                .map(|c| format!(" for {c}"))
                                .unwrap_or_default()
                        ),
                    ));
                }
            }
        }
    }
}

fn amount_of(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// The object holding all members of a one-of group (`customer` for `customer.phone` and
/// `customer.account_id`), where the violation is reported.
fn common_parent(fields: &[&str]) -> String {
    let parents: BTreeSet<&str> = fields
        .iter()
        .map(|f| f.rsplit_once('.').map_or("", |(parent, _)| parent))
        .collect();
    match parents.into_iter().collect::<Vec<_>>().as_slice() {
        [single] => (*single).to_owned(),
        _ => String::new(),
    }
}
