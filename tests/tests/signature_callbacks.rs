//! Callbacks: verified over the raw body, and tampering with any field the scheme sees fails.
//!
//! The callbacks are the documents' examples (AstroPay success and decline, the payout
//! registration callback), signed here with a test key since the printed signatures are elided.

use ecommpay_api::SecretKey;
use ecommpay_api::signature::low_level::embed;
use ecommpay_api::signature::{
    CallbackError, CallbackVerifier, MalformedSignature, MessageKind, SignatureLocation,
};
use serde::Deserialize;
use serde_json::{Map, Value, json};

const KEY: &str = "test-callback-key";

fn key() -> SecretKey {
    SecretKey::new(KEY).unwrap()
}

/// 000_c3cc95ac790d9e4f.txt, the AstroPay purchase success callback.
fn astropay_success() -> Value {
    json!({
        "provider_extra_fields": {"account_id": "ETlGnD42Pdhx"},
        "customer": {"id": "test-user123"},
        "project_id": 8181,
        "payment": {
            "id": "EPaffa-8a12", "type": "purchase", "status": "success",
            "date": "2023-06-23T08:14:20+0000", "method": "astropay",
            "sum": {"amount": 200, "currency": "USD"}, "description": ""
        },
        "operation": {
            "id": 308, "type": "sale", "status": "success",
            "date": "2023-06-23T08:14:20+0000", "created_date": "2023-06-23T08:13:09+0000",
            "request_id": "ae236fbaaf62b18f66b70461f5d7-00000001",
            "sum_initial": {"amount": 200, "currency": "USD"},
            "sum_converted": {"amount": 200, "currency": "USD"},
            "code": "0", "message": "Success",
            "provider": {"id": 20852, "payment_id": "NWsZT1GCMPeUSs5IclfIyoWgFs3UtCp7ydav9yb", "auth_code": ""}
        }
    })
}

/// 000_c3cc95ac790d9e4f.txt, the AstroPay purchase decline callback.
fn astropay_decline() -> Value {
    json!({
        "customer": {"id": "test-user123"},
        "project_id": 8181,
        "payment": {
            "id": "EP7952-f1b2", "type": "purchase", "status": "decline",
            "date": "2023-06-23T08:18:54+0000", "method": "astropay",
            "sum": {"amount": 200, "currency": "USD"}, "description": ""
        },
        "operation": {
            "id": 309, "type": "sale", "status": "decline",
            "date": "2023-06-23T08:18:54+0000", "created_date": "2023-06-23T08:18:43+0000",
            "request_id": "520e094cf38510184b1800da4aecd-00000001",
            "sum_initial": {"amount": 200, "currency": "USD"},
            "sum_converted": {"amount": 200, "currency": "USD"},
            "code": "20000", "message": "General decline",
            "provider": {"id": 20852, "payment_id": "", "auth_code": ""}
        }
    })
}

/// 001_6d33046829e36e91.txt, the payout registration callback: its signature is in `general`.
fn payout_registration() -> Value {
    json!({
        "general": {"project_id": "91348", "payment_id": "cosmoshop_payout_1323"},
        "request_id": "50715",
        "payment": {"id": "cosmoshop_payout_1323", "type": "payout", "status": "awaiting_payout_completion"},
        "operation": {"id": "500359719", "type": "payout", "status": "awaiting_payout_completion"},
        "customer": {"id": "16061314"},
        "uuid": "fbb49e47-3c38-4b4e-8b1c-3ab7e1e0a2c1"
    })
}

/// A callback with its signature in place, as the platform would send it.
fn signed(mut callback: Value, general: bool) -> Value {
    if general {
        callback["general"]["signature"] = json!("placeholder");
    }
    let signature = key().sign_json(&callback).unwrap();
    let location = embed(&mut callback, MessageKind::Callback, &signature).unwrap();
    assert_eq!(location == SignatureLocation::General, general);
    callback
}

fn examples() -> Vec<(&'static str, Value)> {
    vec![
        ("astropay success", signed(astropay_success(), false)),
        ("astropay decline", signed(astropay_decline(), false)),
        ("payout registration", signed(payout_registration(), true)),
    ]
}

fn raw(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}

fn verifies(value: &Value) -> Result<(), CallbackError> {
    CallbackVerifier::new(key()).verify(&raw(value)).map(|_| ())
}

/// Every object path (as key lists) and every leaf path, skipping signatures.
fn walk(
    value: &Value,
    path: &mut Vec<String>,
    objects: &mut Vec<Vec<String>>,
    leaves: &mut Vec<Vec<String>>,
) {
    match value {
        Value::Object(members) => {
            objects.push(path.clone());
            for (k, v) in members {
                if k == "signature" {
                    continue;
                }
                path.push(k.clone());
                walk(v, path, objects, leaves);
                path.pop();
            }
        }
        _ => leaves.push(path.clone()),
    }
}

fn at<'a>(value: &'a mut Value, path: &[String]) -> &'a mut Value {
    path.iter().fold(value, |v, k| &mut v[k.as_str()])
}

fn parent_members<'a>(value: &'a mut Value, path: &[String]) -> &'a mut Map<String, Value> {
    at(value, &path[..path.len() - 1]).as_object_mut().unwrap()
}

#[test]
fn the_examples_verify_and_say_where_the_signature_was() {
    for (name, callback) in examples() {
        let verified = CallbackVerifier::new(key())
            .verify(&raw(&callback))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            verified.body(),
            callback.as_object().unwrap(),
            "{name}: the body as received"
        );
    }
    let verified = CallbackVerifier::new(key())
        .verify(&raw(&signed(payout_registration(), true)))
        .unwrap();
    assert_eq!(verified.signature_location(), SignatureLocation::General);
}

#[test]
fn changing_any_field_fails() {
    for (name, callback) in examples() {
        let (mut objects, mut leaves) = (Vec::new(), Vec::new());
        walk(&callback, &mut Vec::new(), &mut objects, &mut leaves);
        assert!(leaves.len() >= 5, "{name}");
        for leaf in &leaves {
            let mut tampered = callback.clone();
            let target = at(&mut tampered, leaf);
            *target = match target {
                Value::String(s) => json!(format!("{s}x")),
                Value::Number(n) => json!(n.as_u64().unwrap() + 1),
                other => panic!("{name}: unexpected leaf {other}"),
            };
            let error = verifies(&tampered).unwrap_err();
            assert!(
                matches!(error, CallbackError::Mismatch),
                "{name}: changing {leaf:?} gave {error}"
            );
        }
    }
}

#[test]
fn removing_any_field_fails() {
    for (name, callback) in examples() {
        let (mut objects, mut leaves) = (Vec::new(), Vec::new());
        walk(&callback, &mut Vec::new(), &mut objects, &mut leaves);
        for leaf in &leaves {
            let mut tampered = callback.clone();
            parent_members(&mut tampered, leaf).shift_remove(leaf.last().unwrap().as_str());
            let error = verifies(&tampered).unwrap_err();
            assert!(
                matches!(error, CallbackError::Mismatch),
                "{name}: removing {leaf:?} gave {error}"
            );
        }
    }
}

#[test]
fn adding_a_field_anywhere_fails() {
    for (name, callback) in examples() {
        let (mut objects, mut leaves) = (Vec::new(), Vec::new());
        walk(&callback, &mut Vec::new(), &mut objects, &mut leaves);
        for object in &objects {
            for added in [json!("x"), json!(0), json!(false), json!({"deep": "x"})] {
                let mut tampered = callback.clone();
                at(&mut tampered, object)
                    .as_object_mut()
                    .unwrap()
                    .insert("added".into(), added.clone());
                let error = verifies(&tampered).unwrap_err();
                assert!(
                    matches!(error, CallbackError::Mismatch),
                    "{name}: adding {added} under {object:?} gave {error}"
                );
            }
        }
    }
}

/// On purpose: these changes are invisible to the platform's scheme, so they verify. The scheme
/// drops `frame_mode` and empty containers, writes `null` and `""` alike, `true` and `1` alike,
/// and a number and its decimal string alike. Code that trusts a callback must therefore not
/// give meaning to these differences.
#[test]
fn changes_invisible_to_the_scheme_do_not_fail() {
    let mut body = astropay_success();
    body["payment"]["flag"] = json!(true);
    let callback = signed(body, false);
    type Change = fn(&mut Value);
    let invisible: [(&str, Change); 10] = [
        ("frame_mode added", |v| v["frame_mode"] = json!("popup")),
        ("nested frame_mode added", |v| {
            v["payment"]["frame_mode"] = json!({"x": 1})
        }),
        ("empty object added", |v| {
            v["operation"]["extra"] = json!({})
        }),
        ("empty arrays added", |v| v["extra"] = json!([[], {}])),
        ("\"\" replaced by null", |v| {
            v["payment"]["description"] = Value::Null
        }),
        ("8181 replaced by \"8181\"", |v| {
            v["project_id"] = json!("8181")
        }),
        ("\"0\" replaced by 0", |v| v["operation"]["code"] = json!(0)),
        ("true replaced by 1", |v| v["payment"]["flag"] = json!(1)),
        ("true replaced by \"1\"", |v| {
            v["payment"]["flag"] = json!("1")
        }),
        ("a signature added deeper", |v| {
            v["customer"]["signature"] = json!("ignored")
        }),
    ];
    for (name, change) in invisible {
        let mut changed = callback.clone();
        change(&mut changed);
        assert_ne!(changed, callback);
        verifies(&changed).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn missing_malformed_and_wrong_signatures_say_which() {
    let callback = signed(astropay_success(), false);

    let mut missing = callback.clone();
    missing.as_object_mut().unwrap().shift_remove("signature");
    let error = verifies(&missing).unwrap_err();
    assert!(
        matches!(
            error,
            CallbackError::MissingSignature {
                location: SignatureLocation::TopLevel
            }
        ),
        "{error}"
    );

    for (value, reason) in [
        (json!("not base64!"), MalformedSignature::NotBase64),
        (
            json!("c2hvcnQ="),
            MalformedSignature::WrongLength { bytes: 5 },
        ),
        (
            json!(42),
            MalformedSignature::NotAString { found: "a number" },
        ),
    ] {
        let mut malformed = callback.clone();
        malformed["signature"] = value;
        match verifies(&malformed).unwrap_err() {
            CallbackError::MalformedSignature { reason: actual, .. } => assert_eq!(actual, reason),
            other => panic!("{other}"),
        }
    }

    let other_key = SecretKey::new("another key").unwrap();
    let error = CallbackVerifier::new(other_key.clone())
        .verify(&raw(&callback))
        .unwrap_err();
    assert!(matches!(error, CallbackError::Mismatch), "{error}");
    assert_eq!(
        error.to_string(),
        "the callback's signature does not match its body"
    );
}

#[test]
fn bodies_that_are_not_json_objects_are_rejected() {
    let error = CallbackVerifier::new(key())
        .verify(b"{\"project_id\": ")
        .unwrap_err();
    assert!(matches!(error, CallbackError::NotJson(_)), "{error}");
    let error = CallbackVerifier::new(key()).verify(b"[1, 2]").unwrap_err();
    assert!(
        matches!(error, CallbackError::NotAnObject { found: "an array" }),
        "{error}"
    );
}

#[test]
fn the_raw_body_is_what_is_verified() {
    // Escapes, whitespace and key order of the raw text do not matter; unknown fields do.
    let callback = signed(astropay_success(), false);
    let signature = callback["signature"].as_str().unwrap();
    let text = format!(
        "{{\n  \"signature\" : \"{signature}\",\n{}",
        &serde_json::to_string_pretty(&astropay_success()).unwrap()[1..]
    );
    CallbackVerifier::new(key())
        .verify(text.as_bytes())
        .unwrap();
    let escaped = text.replace("+0000", "\\u002b0000");
    CallbackVerifier::new(key())
        .verify(escaped.as_bytes())
        .unwrap();
    let unknown = text.replacen(
        "\"project_id\": 8181,",
        "\"project_id\": 8181, \"unknown\": 1,",
        1,
    );
    assert!(matches!(
        CallbackVerifier::new(key()).verify(unknown.as_bytes()),
        Err(CallbackError::Mismatch)
    ));
}

#[test]
fn integers_beyond_64_bits_are_refused_not_rounded() {
    let text = format!(
        "{{\"amount\": 18446744073709551616, \"signature\": \"{}\"}}",
        "A".repeat(86) + "=="
    );
    match CallbackVerifier::new(key())
        .verify(text.as_bytes())
        .unwrap_err()
    {
        CallbackError::Canonical(error) => assert!(error.to_string().contains("amount"), "{error}"),
        other => panic!("{other}"),
    }
}

#[derive(Debug, Deserialize)]
struct Callback {
    project_id: u64,
    payment: CallbackPayment,
}

#[derive(Debug, Deserialize)]
struct CallbackPayment {
    id: String,
    sum: Sum,
}

#[derive(Debug, Deserialize)]
struct Sum {
    amount: u64,
    currency: String,
}

#[test]
fn typed_callbacks_come_only_from_verified_bodies() {
    let callback = signed(astropay_success(), false);
    let typed: Callback = CallbackVerifier::new(key())
        .verify_into(&raw(&callback))
        .unwrap();
    assert_eq!(typed.project_id, 8181);
    assert_eq!(typed.payment.id, "EPaffa-8a12");
    assert_eq!(
        (
            typed.payment.sum.amount,
            typed.payment.sum.currency.as_str()
        ),
        (200, "USD")
    );

    let mut tampered = callback.clone();
    tampered["payment"]["sum"]["amount"] = json!(20000);
    assert!(matches!(
        CallbackVerifier::new(key()).verify_into::<Callback>(&raw(&tampered)),
        Err(CallbackError::Mismatch)
    ));
}

#[test]
fn typed_deserialization_errors_give_the_json_path() {
    let mut body = astropay_success();
    body["payment"]["sum"]["amount"] = json!("two hundred");
    let callback = signed(body, false);
    match CallbackVerifier::new(key())
        .verify_into::<Callback>(&raw(&callback))
        .unwrap_err()
    {
        CallbackError::Deserialize { path, .. } => assert_eq!(path, "payment.sum.amount"),
        other => panic!("{other}"),
    }
}
