//! Validates a JSON payload against an operation's shape and rules, collecting every violation.

use serde_json::Value;

use super::check::{self, Path, View};
use super::shape::{Body, FieldShape, Kind, ObjectShape, OperationSchema};
use super::{Facts, OtherParameter, Violation, ViolationKind};
use crate::excerpt::Excerpt;

/// Every violation of `value` against `operation`: the shape tables walked over the JSON, each
/// body's generated rules, then every number the signature cannot cover
/// ([`ViolationKind::UnsignableNumber`]).
pub fn validate_value(operation: &OperationSchema, value: &Value, facts: &Facts) -> Vec<Violation> {
    let violations = validate_bodies(operation, facts, |_, body, out| {
        match value {
            Value::Object(map) => check_map(body.shape, map, &Path::Root, out),
            _ => out.push(Violation::new(
                "",
                ViolationKind::Type,
                "expected a JSON object",
            )),
        }
        (body.rules)(value, facts, out);
    });
    super::with_unsignable_numbers(violations, |out| super::signable::check_value(value, out))
}

/// Every violation of a payload of `operation`, `check` reporting those of one body (the
/// operation's, index 0, or the variant's of that index). Facts the spec does not know are reported first and alone.
/// With variants, the payload must satisfy at least one (the spec makes variants exclusive where
/// the payload tells them apart); when it satisfies none, the violations of the closest variant
/// are reported: one whose forbidden fields are absent, with the fewest violations.
pub(crate) fn validate_bodies(
    operation: &OperationSchema,
    facts: &Facts,
    check: impl Fn(usize, &Body, &mut Vec<Violation>),
) -> Vec<Violation> {
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
    let of_body = |index: usize, body: &Body| {
        let mut out = Vec::new();
        check(index, body, &mut out);
        if out.len() > 1 {
            // A field can break one rule twice (a forbidden param and a `forbidden` rule):
            // report once.
            let mut seen = std::collections::HashSet::new();
            out.retain(|v| seen.insert((v.path.clone(), v.kind)));
        }
        out
    };
    if operation.variants.is_empty() {
        return of_body(0, &operation.body);
    }
    let mut closest: Option<(bool, usize, &str, Vec<Violation>)> = None;
    for (index, variant) in operation.variants.iter().enumerate() {
        let violations = of_body(index, &variant.body);
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

pub(super) fn check_map(
    shape: &ObjectShape,
    map: &serde_json::Map<String, Value>,
    path: &Path,
    out: &mut Vec<Violation>,
) {
    // Keys not yet matched to a field: once none is left, the remaining fields are absent
    // without a look (a shape names each field once, and a map holds each key once).
    let mut unmatched = map.len();
    for field in shape.fields {
        let field_path = path.key(field.name);
        // `null` counts as present, as in JSON Schema (and a type error unless the field is
        // `any`), so that the validator and the exported schemas agree.
        let found = match unmatched {
            0 => None,
            _ => check::member(map, field.name),
        };
        unmatched = unmatched.saturating_sub(usize::from(found.is_some()));
        match found {
            None => {
                if field.required {
                    check::required(&field_path, out);
                }
            }
            Some(child) => {
                if field.forbidden {
                    check::forbidden(&field_path, out);
                }
                check_value(field, child, &field_path, out);
            }
        }
    }
}

pub(super) fn check_value(
    field: &FieldShape,
    value: &Value,
    path: &Path,
    out: &mut Vec<Violation>,
) {
    match (field.kind, value) {
        (Kind::Object(shape), Value::Object(map)) => check_map(shape, map, path, out),
        (Kind::Array(item), Value::Array(items)) => {
            for (i, element) in items.iter().enumerate() {
                check_value(item, element, &path.index(i), out);
            }
        }
        (Kind::Json(shape), Value::String(text)) => check_json_text(shape, text, path, out),
        (Kind::Object(_) | Kind::Array(_) | Kind::Json(_), Value::Object(_) | Value::Array(_)) => {
            check::type_violation(field, View::of(value), path, out)
        }
        (Kind::Any, _) => check::leaf(field, View::of(value), path, out),
        (_, Value::Object(_) | Value::Array(_)) => {
            check::type_violation(field, View::of(value), path, out)
        }
        _ => check::leaf(field, View::of(value), path, out),
    }
}

pub(super) fn check_json_text(
    shape: &ObjectShape,
    text: &str,
    path: &Path,
    out: &mut Vec<Violation>,
) {
    // The content is checked; a format check would repeat the parse error.
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(content)) => check_map(shape, &content, path, out),
        Ok(other) => out.push(Violation::new(
            path.render(),
            ViolationKind::Format,
            format!(
                "expected a string holding a JSON object, got {}",
                type_name(&other)
            ),
        )),
        Err(e) => out.push(Violation::new(
            path.render(),
            ViolationKind::Format,
            format!("expected a string holding JSON: {e}"),
        )),
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

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}
