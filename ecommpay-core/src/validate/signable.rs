//! Numbers the signature cannot cover ([`ViolationKind::UnsignableNumber`]), anywhere in a body:
//! declared fields, other parameters and whatever they hold. The rule is the signer's
//! ([`is_signable_number`]), so a body that validates clean also signs.

use std::io;

use serde::Serialize;
use serde_json::Value;

use super::check::Path;
use super::{Violation, ViolationKind};
use crate::excerpt::Excerpt;
use crate::signature::{
    MAX_DEPTH, UNSUPPORTED_NUMBER_REASON, fraction_text, is_signable_number, shown_number,
};

/// Reports every number of `value` the signature cannot cover, at its JSON path, in document
/// order. Containers deeper than the signer's [`MAX_DEPTH`] are not entered (the signer refuses
/// them whole).
pub(super) fn check_value(value: &Value, out: &mut Vec<Violation>) {
    walk(value, &Path::Root, 0, out);
}

fn walk(value: &Value, path: &Path, depth: usize, out: &mut Vec<Violation>) {
    match value {
        Value::Number(number) if !is_signable_number(number) => {
            let shown = shown_number(number.as_f64().unwrap_or(f64::NAN));
            out.push(Violation::new(
                path.render(),
                ViolationKind::UnsignableNumber,
                format!(
                    "unsupported number {}: {UNSUPPORTED_NUMBER_REASON}",
                    Excerpt(&shown)
                ),
            ));
        }
        Value::Array(items) if depth < MAX_DEPTH => {
            for (index, item) in items.iter().enumerate() {
                walk(item, &path.index(index), depth + 1, out);
            }
        }
        Value::Object(members) if depth < MAX_DEPTH => {
            for (key, member) in members {
                walk(member, &path.key(key), depth + 1, out);
            }
        }
        _ => {}
    }
}

/// Reports every number of a typed message the signature cannot cover, as [`check_value`] does
/// on the JSON it serializes to. Only a message holding such a number (in a `serde_json::Value`
/// field or among its other parameters) is turned into JSON: the others are serialized once
/// into nothing, each number asked on its way.
pub(super) fn check_typed<T: Serialize + ?Sized>(message: &T, out: &mut Vec<Violation>) {
    let mut serializer = serde_json::Serializer::with_formatter(io::sink(), RefuseUnsignable);
    if message.serialize(&mut serializer).is_ok() {
        return;
    }
    // A message that does not serialize is the signer's to report (it cannot sign it either).
    if let Ok(value) = serde_json::to_value(message) {
        check_value(&value, out);
    }
}

/// Writes JSON nowhere, failing at the first number the signature cannot cover. Integers of
/// at most 64 bits are written by other methods: every `f64` is a number `serde_json` holds as
/// a double, which the signer writes as [`fraction_text`] says.
struct RefuseUnsignable;

impl serde_json::ser::Formatter for RefuseUnsignable {
    fn write_f64<W: ?Sized + io::Write>(&mut self, _: &mut W, value: f64) -> io::Result<()> {
        match fraction_text(value) {
            Some(_) => Ok(()),
            None => Err(io::Error::other("a number the signature cannot cover")),
        }
    }

    fn write_f32<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        self.write_f64(writer, f64::from(value))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, json};

    use super::super::check::{no_rules, validate_typed};
    use super::super::shape::{Body, FieldShape, Kind, ObjectShape, OperationSchema};
    use super::super::{Facts, Violations, validate_value};
    use super::*;
    use crate::signature::low_level::string_to_sign_json;
    use crate::signature::{CanonicalError, SortOrder};

    static FIELDS: [FieldShape; 2] = [
        FieldShape::new("amount", Kind::Integer).required(),
        FieldShape::new("data", Kind::Any),
    ];
    static SHAPE: ObjectShape = ObjectShape { fields: &FIELDS };
    static OPERATION: OperationSchema = OperationSchema {
        id: "test.gate.sale",
        title: "test",
        interface: crate::Interface::Gate,
        action: crate::Action::Purchase,
        method: "test",
        http_method: None,
        path: None,
        mode: None,
        known_facts: &["known"],
        body: Body {
            shape: &SHAPE,
            rules: no_rules,
        },
        variants: &[],
    };

    /// A typed message as the generator writes one: declared fields, and the others in `extra`.
    #[derive(Serialize)]
    struct Typed {
        amount: u64,
        #[serde(skip_serializing_if = "Option::is_none")]
        data: Option<Value>,
        #[serde(flatten)]
        extra: Map<String, Value>,
    }

    fn typed_violations(message: &Typed, facts: &Facts) -> Vec<Violation> {
        validate_typed(&OPERATION, facts, message, |_, _| {})
            .err()
            .map(|Violations(v)| v)
            .unwrap_or_default()
    }

    fn unsignable(violations: &[Violation]) -> Vec<&str> {
        violations
            .iter()
            .filter(|v| v.kind == ViolationKind::UnsignableNumber)
            .map(|v| v.path.as_str())
            .collect()
    }

    #[test]
    fn every_unsignable_number_is_reported_at_its_path_as_the_signer_refuses_it() {
        let body: Value = serde_json::from_str(
            r#"{
                "amount": 1000,
                "data": {"rate": 1.5, "list": [2, 1.0, {"x": 0.00001}]},
                "other": {"deep": [[1e300]], "fine": 0.0015},
                "big": 18446744073709551616,
                "text": "1.0"
            }"#,
        )
        .unwrap();
        let violations = validate_value(&OPERATION, &body, &Facts::none());
        assert_eq!(
            unsignable(&violations),
            ["data.list[1]", "data.list[2].x", "other.deep[0][0]", "big"]
        );
        // The typed value holding the same JSON (other parameters in `extra`) says the same.
        let Value::Object(mut extra) = body.clone() else {
            unreachable!()
        };
        extra.shift_remove("amount");
        let data = extra.shift_remove("data");
        let typed = Typed {
            amount: 1000,
            data,
            extra,
        };
        let held = serde_json::to_value(&typed).unwrap();
        assert_eq!(
            typed_violations(&typed, &Facts::none()),
            validate_value(&OPERATION, &held, &Facts::none())
        );
        assert_eq!(
            unsignable(&typed_violations(&typed, &Facts::none())),
            ["data.list[1]", "data.list[2].x", "other.deep[0][0]", "big"]
        );
        // The message is the signer's, apart from where the path goes.
        let signer = string_to_sign_json(&json!({"x": 0.00001}), SortOrder::default()).unwrap_err();
        assert!(matches!(signer, CanonicalError::UnsupportedNumber { .. }));
        let violation = &violations[1];
        assert_eq!(
            violation.to_string(),
            format!(
                "data.list[2].x: {} [unsignable_number]",
                signer.to_string().replace(" at \"x\"", "")
            )
        );
    }

    #[test]
    fn a_body_that_validates_clean_signs() {
        let body = json!({"amount": 1, "data": [1.5, -12.25], "other": {"rate": 0.0001}});
        assert!(validate_value(&OPERATION, &body, &Facts::none()).is_empty());
        string_to_sign_json(&body, SortOrder::default()).unwrap();
        let typed = Typed {
            amount: 1,
            data: Some(json!([1.5])),
            extra: Map::from_iter([("rate".to_owned(), json!(123456789.123))]),
        };
        assert!(typed_violations(&typed, &Facts::none()).is_empty());
    }

    #[test]
    fn unknown_facts_are_still_reported_alone() {
        let body = json!({"amount": 1, "other": 1.0});
        let facts = Facts::none().with_name("unknown");
        let violations = validate_value(&OPERATION, &body, &facts);
        assert_eq!(violations.len(), 1);
        assert_eq!(violations[0].kind, ViolationKind::UnknownFact);
    }

    #[test]
    fn containers_deeper_than_the_signer_takes_are_not_entered() {
        let mut deep = json!(1.0);
        for _ in 0..MAX_DEPTH + 10 {
            deep = Value::Array(vec![deep]);
        }
        let mut out = Vec::new();
        check_value(&json!({"other": deep}), &mut out);
        assert!(out.is_empty());
    }
}
