//! The signature over every example of the spec: the derived canonical form of each typed
//! request equals the canonical form of its JSON, and every callback example, once signed,
//! verifies over its raw body and stops verifying after any change the scheme can see.

mod support;

use ecommpay_api::SecretKey;
use ecommpay_api::callback::Callback;
use ecommpay_api::signature::low_level::{embed, string_to_sign_json};
use ecommpay_api::signature::{CallbackVerifier, MessageKind, SortOrder};
use serde_json::{Map, Value};

use support::{cases, load_spec};

fn key() -> SecretKey {
    SecretKey::new("spec-examples-test-key").unwrap()
}

#[test]
fn derived_canonical_form_equals_the_json_one_for_every_request_example() {
    let spec = load_spec();
    let requests: Vec<_> = cases(&spec)
        .into_iter()
        .filter(|c| c.kind != ecommpay_codegen::__private::ExampleKind::Callback)
        .collect();
    let mut compared = 0;
    let mut skipped = 0;
    for case in &requests {
        let entry = ecommpay_api::operation(&case.operation).expect("operation is registered");
        let derive = entry
            .derived_string_to_sign
            .expect("every request type derives Canonical");
        // Examples whose errata make them invalid may not deserialize into the typed request.
        let Ok(derived) = derive(&case.json) else {
            assert!(
                case.contradictions().next().is_some(),
                "{} does not deserialize yet records no contradiction",
                case.id
            );
            skipped += 1;
            continue;
        };
        let typed_json =
            (entry.roundtrip)(&case.json).expect("a value that deserializes round-trips");
        let from_json = string_to_sign_json(&typed_json, SortOrder::Natural)
            .expect("canonical form of the JSON");
        assert_eq!(
            derived, from_json,
            "{}: derived and JSON canonical forms differ",
            case.id
        );
        compared += 1;
    }
    assert_eq!(compared + skipped, requests.len());
    assert!(compared > skipped, "{compared} compared, {skipped} skipped");
    eprintln!("{compared} request examples compared, {skipped} invalid ones skipped");
}

/// Every scheme-visible change of a callback: each scalar changed, each entry-bearing key
/// removed, a key added at the root and inside every object.
fn tampered(original: &Map<String, Value>) -> Vec<(String, Map<String, Value>)> {
    fn visible(key: &str, value: &Value) -> bool {
        // Invisible to the scheme: `frame_mode`, the signature itself, empty containers.
        key != "frame_mode"
            && key != "signature"
            && match value {
                Value::Object(map) => map.iter().any(|(k, v)| visible(k, v)),
                Value::Array(items) => items.iter().any(|v| visible("", v)),
                _ => true,
            }
    }
    fn changed(value: &Value) -> Value {
        match value {
            Value::String(s) => Value::String(format!("{s}x")),
            Value::Number(n) => Value::from(n.as_i64().map_or(1, |i| i.wrapping_add(1))),
            Value::Bool(b) => Value::Bool(!b),
            Value::Null => Value::String("x".into()),
            other => other.clone(),
        }
    }
    // Paths to every object and scalar, as key sequences (arrays by index).
    fn walk(value: &Value, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, bool)>) {
        match value {
            Value::Object(map) => {
                out.push((path.clone(), true));
                for (k, v) in map {
                    if k == "signature" || k == "frame_mode" {
                        continue;
                    }
                    path.push(k.clone());
                    walk(v, path, out);
                    path.pop();
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    path.push(i.to_string());
                    walk(v, path, out);
                    path.pop();
                }
            }
            _ => out.push((path.clone(), false)),
        }
    }
    fn at<'a>(root: &'a mut Value, path: &[String]) -> &'a mut Value {
        path.iter().fold(root, |v, k| match v {
            Value::Object(map) => map.get_mut(k).expect("path exists"),
            Value::Array(items) => &mut items[k.parse::<usize>().expect("index")],
            other => other,
        })
    }
    let root = Value::Object(original.clone());
    let mut places = Vec::new();
    walk(&root, &mut Vec::new(), &mut places);
    let mut out = Vec::new();
    for (path, is_object) in places {
        let name = path.join(".");
        if is_object {
            let mut added = root.clone();
            if let Value::Object(map) = at(&mut added, &path) {
                map.insert("tampered".into(), Value::from("1"));
            }
            out.push((format!("add tampered under `{name}`"), added));
        } else {
            let mut changed_value = root.clone();
            let target = at(&mut changed_value, &path);
            *target = changed(target);
            out.push((format!("change `{name}`"), changed_value));
        }
        if let Some((last, parent_path)) = path.split_last() {
            let mut removed = root.clone();
            let parent = at(&mut removed, parent_path);
            if let Value::Object(map) = parent
                && map.get(last).is_some_and(|v| visible(last, v))
            {
                map.shift_remove(last);
                out.push((format!("remove `{name}`"), removed));
            }
        }
    }
    out.into_iter()
        .filter_map(|(what, v)| match v {
            Value::Object(map) => Some((what, map)),
            _ => None,
        })
        .collect()
}

#[test]
fn every_callback_example_verifies_once_signed_and_fails_after_any_visible_change() {
    let spec = load_spec();
    let key = key();
    let callback_cases: Vec<_> = cases(&spec)
        .into_iter()
        .filter(|c| c.kind == ecommpay_codegen::__private::ExampleKind::Callback)
        .collect();
    let mut callbacks = 0;
    let mut mutations = 0;
    for case in &callback_cases {
        let mut message = case.json.clone();
        let signature = key.sign_json(&message).expect("signs");
        embed(&mut message, MessageKind::Callback, &signature).expect("embeds");
        let raw = serde_json::to_vec(&message).expect("serializes");
        let verified = CallbackVerifier::new(key.clone())
            .verify(&raw)
            .unwrap_or_else(|e| panic!("{}: {e}", case.id));
        assert_eq!(verified.body(), message.as_object().expect("object"));
        let typed =
            Callback::verify(&raw, &key).unwrap_or_else(|e| panic!("{}: typed: {e}", case.id));
        assert_eq!(
            serde_json::to_value(&typed).expect("serializes"),
            message,
            "{}: typed callback loses data",
            case.id
        );
        callbacks += 1;

        let Value::Object(signed) = &message else {
            unreachable!("embedded into an object")
        };
        for (what, tampered) in tampered(signed) {
            let raw = serde_json::to_vec(&tampered).expect("serializes");
            assert!(
                CallbackVerifier::new(key.clone()).verify(&raw).is_err(),
                "{}: {what} still verifies",
                case.id
            );
            assert!(
                Callback::verify(&raw, &key).is_err(),
                "{}: {what} yields a typed callback",
                case.id
            );
            mutations += 1;
        }
    }
    assert_eq!(callbacks, callback_cases.len());
    assert!(mutations > callbacks * 10, "{mutations} mutations");
    eprintln!("{callbacks} callback examples, {mutations} tampered variants rejected");
}
