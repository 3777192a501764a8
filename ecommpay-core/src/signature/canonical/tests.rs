//! Signing through the writer: streaming, depth and numbers.

use super::*;
use crate::secret::SecretKey;
use crate::signature::{
    MessageKind, SignOptions, sign_canonical, sign_string, sign_value, string_to_sign_value,
};
use serde_json::json;
use serde_json::{Map, Value};

/// A hand-written impl on the old API: `entry_count` taken outside any region.
struct OldStyle(Vec<(&'static str, u32)>);

impl Canonical for OldStyle {
    fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
        let start = out.entry_count();
        for (key, value) in &self.0 {
            let mark = out.enter_key(key);
            out.leaf_integer(*value);
            out.leave(mark);
        }
        out.sort_from(start);
        Ok(())
    }
}

#[test]
fn the_old_region_api_still_signs_right() {
    let key = SecretKey::new("k").unwrap();
    let options = SignOptions::new(MessageKind::PaymentPage);
    let message = OldStyle(vec![("b", 1), ("a10", 2), ("a2", 3)]);
    let expected = sign_string("a2:3;a10:2;b:1", &key);
    assert_eq!(sign_canonical(&message, &key, options).unwrap(), expected);
    assert_eq!(
        sign_value(&json!({"b": 1, "a10": 2, "a2": 3}), &key, options).unwrap(),
        expected
    );
}

/// A value nested `depth` levels deep, built and torn down without recursion (dropping it
/// recursively would itself exhaust a test thread's stack).
fn with_nested(depth: usize, test: impl FnOnce(&Value)) {
    let mut value = json!("leaf");
    for i in 0..depth {
        value = if i % 2 == 0 {
            Value::Array(vec![value])
        } else {
            // Not `json!`, which would serialize `value` recursively.
            Value::Object(Map::from_iter([("k".to_owned(), value)]))
        };
    }
    test(&value);
    let mut stack = vec![value];
    while let Some(mut value) = stack.pop() {
        match &mut value {
            Value::Array(elements) => stack.append(elements),
            Value::Object(members) => {
                stack.extend(std::mem::take(members).into_iter().map(|(_, v)| v))
            }
            _ => {}
        }
    }
}

#[test]
fn any_depth_is_an_error_not_a_stack_overflow() {
    let key = SecretKey::new("k").unwrap();
    let options = SignOptions::new(MessageKind::PaymentPage);
    with_nested(100_000, |value| {
        let mut writer = CanonicalWriter::new();
        let error = writer.write(value).unwrap_err();
        assert!(
            matches!(
                error,
                CanonicalError::TooDeep {
                    limit: MAX_DEPTH,
                    ..
                }
            ),
            "{error}"
        );
        assert!(error.to_string().len() < 200, "{error}");
        let error = sign_canonical(value, &key, options).unwrap_err();
        assert!(matches!(error, CanonicalError::TooDeep { .. }), "{error}");
    });
    with_nested(MAX_DEPTH, |value| {
        let mut writer = CanonicalWriter::new();
        writer.write(value).unwrap();
        assert_eq!(writer.entries().len(), 1);
    });
}

#[test]
fn unsupported_numbers_quote_a_short_path() {
    let long_key = "k".repeat(1_000_000);
    let message = json!({ long_key: 0.00001 });
    let error = string_to_sign_value(&message, SignOptions::new(MessageKind::GateRequest))
        .unwrap_err()
        .to_string();
    assert!(error.len() < 500, "{}", error.len());
    assert!(error.contains("1e-5"), "{error}");
}
