//! Callbacks verified and parsed in one pass: the limits checked before parsing, duplicated and
//! ambiguous keys refused before the signature, what the signature cannot see removed from
//! what is handed out, and the typed value the same as a separate parse would give.

use ecommpay_api::SecretKey;
use ecommpay_api::callback::Callback;
use ecommpay_api::signature::low_level::embed;
use ecommpay_api::signature::{BodyTooLarge, CallbackError, CallbackVerifier, MessageKind};
use serde_json::{Value, json};

fn key() -> SecretKey {
    SecretKey::new("one-pass-key").unwrap()
}

fn success() -> Value {
    json!({
        "project_id": 8181,
        "customer": {"id": "test-user123"},
        "payment": {
            "id": "EPaffa-8a12", "type": "purchase", "status": "success",
            "date": "2023-06-23T08:14:20+0000", "method": "astropay",
            "sum": {"amount": 200, "currency": "USD"}, "description": ""
        },
        "operation": {
            "id": 308, "type": "sale", "status": "success",
            "sum_initial": {"amount": 200, "currency": "USD"},
            "code": "0", "message": "Success",
            "provider": {"id": 20852, "payment_id": "NWsZT1", "auth_code": null}
        }
    })
}

fn signed(mut callback: Value) -> Value {
    let signature = key().sign_json(&callback).unwrap();
    embed(&mut callback, MessageKind::Callback, &signature).unwrap();
    callback
}

fn raw(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}

/// The body text with `extra` spliced in right after the opening brace.
fn with_prefix(body: &Value, extra: &str) -> Vec<u8> {
    let text = serde_json::to_string(body).unwrap();
    format!("{{{extra},{}", &text[1..]).into_bytes()
}

#[test]
fn the_typed_value_is_what_a_separate_parse_gives() {
    let body = signed(success());
    let one_pass: Callback = CallbackVerifier::new(key())
        .verify_into(&raw(&body))
        .unwrap();
    let separate: Callback = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(one_pass, separate);
    assert_eq!(Callback::verify(&raw(&body), &key()).unwrap(), separate);
    let verified = CallbackVerifier::new(key()).verify(&raw(&body)).unwrap();
    assert_eq!(Value::Object(verified.body().clone()), body);
    assert!(verified.unsigned().is_empty());
    assert_eq!(verified.deserialize::<Callback>().unwrap(), separate);
}

#[test]
fn escaped_strings_are_decoded() {
    let body = signed(success());
    let text = String::from_utf8(raw(&body))
        .unwrap()
        .replace("+0000", "\\u002b0000");
    let typed: Callback = CallbackVerifier::new(key())
        .verify_into(text.as_bytes())
        .unwrap();
    assert_eq!(
        typed.payment.unwrap().date.as_deref(),
        Some("2023-06-23T08:14:20+0000")
    );
}

#[test]
fn bodies_over_the_limit_are_refused_before_parsing() {
    // Not even JSON: only its length is looked at.
    let big = vec![b'x'; CallbackVerifier::DEFAULT_MAX_BODY_BYTES + 1];
    match CallbackVerifier::new(key()).verify(&big).unwrap_err() {
        CallbackError::TooLarge(BodyTooLarge { bytes, limit }) => {
            assert_eq!(
                (bytes, limit),
                (
                    CallbackVerifier::DEFAULT_MAX_BODY_BYTES + 1,
                    CallbackVerifier::DEFAULT_MAX_BODY_BYTES
                )
            )
        }
        other => panic!("{other}"),
    }
    // The limit is configurable, and a body at the limit is parsed.
    let body = raw(&signed(success()));
    let verifier = CallbackVerifier::new(key()).with_max_body_bytes(body.len());
    verifier.verify(&body).unwrap();
    let verifier = verifier.with_max_body_bytes(body.len() - 1);
    let error = verifier.verify_into::<Callback>(&body).unwrap_err();
    assert!(matches!(error, CallbackError::TooLarge(_)), "{error}");
    assert!(error.to_string().contains("limit"), "{error}");
    // A 52 MB body with a wrong signature, as the fuzzer sent, costs nothing.
    let huge = format!(
        "{{\"signature\":\"{}\",\"pad\":\"{}\"}}",
        "A".repeat(86) + "==",
        "x".repeat(52_000_000)
    );
    assert!(matches!(
        Callback::verify(huge.as_bytes(), &key()),
        Err(CallbackError::TooLarge(_))
    ));
}

#[test]
fn any_depth_is_refused_without_exhausting_the_stack() {
    for depth in [33, 101, 1_000, 100_000] {
        let text = format!("{{\"a\":{}{}}}", "[".repeat(depth), "]".repeat(depth));
        let error = CallbackVerifier::new(key())
            .verify(text.as_bytes())
            .unwrap_err();
        assert!(
            matches!(error, CallbackError::TooDeep { limit: 32 }),
            "{depth}: {error}"
        );
        // Unclosed, too.
        let text = format!("{{\"a\":{}", "{\"b\":".repeat(depth));
        let error = CallbackVerifier::new(key())
            .verify(text.as_bytes())
            .unwrap_err();
        assert!(
            matches!(error, CallbackError::TooDeep { .. }),
            "{depth}: {error}"
        );
    }
    let verifier = CallbackVerifier::new(key()).with_max_depth(usize::MAX);
    assert_eq!(verifier.max_depth(), CallbackVerifier::DEPTH_CAP);
    let text = format!("{{\"a\":{}{}}}", "[".repeat(5_000), "]".repeat(5_000));
    match verifier.verify(text.as_bytes()).unwrap_err() {
        CallbackError::TooDeep { limit } => assert_eq!(limit, CallbackVerifier::DEPTH_CAP),
        other => panic!("{other}"),
    }
    // Within the limit, the depth is no error of its own (the signature is checked next).
    let text = format!("{{\"a\":{}{}}}", "[".repeat(30), "]".repeat(30));
    assert!(matches!(
        CallbackVerifier::new(key()).verify(text.as_bytes()),
        Err(CallbackError::MissingSignature { .. })
    ));
}

#[test]
fn duplicated_keys_are_refused_before_the_signature() {
    let body = signed(success());
    // At the top, with the first occurrence forged: refused, not verified with the last.
    let forged = with_prefix(&body, "\"project_id\": 1");
    match CallbackVerifier::new(key()).verify(&forged).unwrap_err() {
        CallbackError::DuplicateKey { path } => assert_eq!(path, "project_id"),
        other => panic!("{other}"),
    }
    // Nested, in an array, in a large object, and in a body with no signature at all.
    let cases = [
        (
            r#"{"payment": {"sum": {"amount": 1, "amount": 2}}}"#,
            "payment.sum.amount",
        ),
        (r#"{"items": [{"a": 1}, {"b": 1, "b": 1}]}"#, "items[1].b"),
        (r#"{"signature": 1, "signature": 2}"#, "signature"),
    ];
    for (text, path) in cases {
        match CallbackVerifier::new(key())
            .verify(text.as_bytes())
            .unwrap_err()
        {
            CallbackError::DuplicateKey { path: found } => assert_eq!(found, path, "{text}"),
            other => panic!("{text}: {other}"),
        }
    }
    let mut large: String = (0..40).map(|i| format!("\"k{i}\": {i},")).collect();
    large.push_str("\"k7\": 0");
    let text = format!("{{\"o\": {{{large}}}}}");
    match CallbackVerifier::new(key())
        .verify(text.as_bytes())
        .unwrap_err()
    {
        CallbackError::DuplicateKey { path } => assert_eq!(path, "o.k7"),
        other => panic!("{other}"),
    }
    // Typed, too.
    assert!(matches!(
        CallbackVerifier::new(key()).verify_into::<Callback>(&forged),
        Err(CallbackError::DuplicateKey { .. })
    ));
}

#[test]
fn ambiguous_keys_are_refused() {
    // `{"a:": {"b": 1}}` and `{"a": {":b": 1}}` both have the entry `a:::b:1`.
    for (text, path) in [
        (r#"{"a:": {"b": 1}}"#, "a:"),
        (r#"{"a": {":b": 1}}"#, "a.:b"),
        (r#"{"": {"payment": {"status": "success"}}}"#, ""),
        (r#"{"x": [{"": 1}]}"#, "x[0]."),
    ] {
        match CallbackVerifier::new(key())
            .verify(text.as_bytes())
            .unwrap_err()
        {
            CallbackError::AmbiguousKey { path: found } => assert_eq!(found, path, "{text}"),
            other => panic!("{text}: {other}"),
        }
    }
    // Inner colons are fine: `a:b` is written `a::b`.
    let text = r#"{"a:b": 1}"#;
    assert!(matches!(
        CallbackVerifier::new(key()).verify(text.as_bytes()),
        Err(CallbackError::MissingSignature { .. })
    ));
}

#[test]
fn what_the_signature_cannot_see_is_removed() {
    let body = signed(success());
    // Each of these can be added to a signed body without breaking its signature.
    let additions = [
        (r#""frame_mode": "iframe""#, "frame_mode"),
        (r#""extra_empty": {}"#, "extra_empty"),
        (r#""extra_list": []"#, "extra_list"),
        (
            r#""nested": {"signature": "forged", "frame_mode": 1, "e": [{}, []]}"#,
            "nested",
        ),
        (r#""general": {"signature": "forged"}"#, "general"),
    ];
    for (addition, removed) in additions {
        let text = with_prefix(&body, addition);
        let verified = CallbackVerifier::new(key())
            .verify(&text)
            .unwrap_or_else(|e| panic!("{addition}: the signature cannot see it: {e}"));
        assert_eq!(
            Value::Object(verified.body().clone()),
            body,
            "{addition}: removed from the body"
        );
        assert!(
            verified.unsigned().iter().any(|p| p == removed),
            "{addition}: {:?}",
            verified.unsigned()
        );
        let typed: Callback = CallbackVerifier::new(key()).verify_into(&text).unwrap();
        assert!(typed.extra.is_empty(), "{addition}: {:?}", typed.extra);
        assert!(typed.general.is_none(), "{addition}");
        assert_eq!(
            typed,
            serde_json::from_value::<Callback>(body.clone()).unwrap()
        );
    }
    // Inside a known object, too.
    let mut inner = body.clone();
    inner["payment"]["signature"] = json!("forged");
    inner["payment"]["frame_mode"] = json!(true);
    inner["payment"]["sum"]["extra"] = json!({"deeper": {}});
    let verified = CallbackVerifier::new(key()).verify(&raw(&inner)).unwrap();
    assert_eq!(
        verified.unsigned(),
        [
            "payment.sum.extra.deeper",
            "payment.sum.extra",
            "payment.signature",
            "payment.frame_mode"
        ]
    );
    let typed: Callback = CallbackVerifier::new(key())
        .verify_into(&raw(&inner))
        .unwrap();
    let payment = typed.payment.unwrap();
    assert!(payment.extra.is_empty(), "{:?}", payment.extra);
    assert!(payment.sum.unwrap().extra.is_empty());
}

#[test]
fn the_verified_signature_and_nulls_stay() {
    let body = signed(success());
    let verified = CallbackVerifier::new(key()).verify(&raw(&body)).unwrap();
    assert!(verified.body()["signature"].is_string());
    assert!(verified.body()["operation"]["provider"]["auth_code"].is_null());
    let typed: Callback = CallbackVerifier::new(key())
        .verify_into(&raw(&body))
        .unwrap();
    assert_eq!(typed.signature.as_deref(), body["signature"].as_str());

    // The payout registration callback keeps `general.signature` and loses a top-level one
    // (there is none: a top-level `signature` would have been the one checked).
    let mut payout = json!({
        "general": {"project_id": "91348", "payment_id": "p1", "signature": "x"},
        "payment": {"id": "p1", "type": "payout", "status": "awaiting_payout_completion"}
    });
    let signature = key().sign_json(&payout).unwrap();
    embed(&mut payout, MessageKind::Callback, &signature).unwrap();
    payout["payment"]["signature"] = json!("forged");
    let verified = CallbackVerifier::new(key()).verify(&raw(&payout)).unwrap();
    assert_eq!(verified.body()["general"]["signature"], json!(signature));
    assert_eq!(verified.unsigned(), ["payment.signature"]);
}

#[test]
fn tampering_still_fails() {
    let body = signed(success());
    let mut tampered = body.clone();
    tampered["payment"]["status"] = json!("decline");
    assert!(matches!(
        CallbackVerifier::new(key()).verify_into::<Callback>(&raw(&tampered)),
        Err(CallbackError::Mismatch)
    ));
    // An empty object made non-empty is visible.
    let mut tampered = body.clone();
    tampered["added"] = json!({"x": 1});
    assert!(matches!(
        CallbackVerifier::new(key()).verify_into::<Callback>(&raw(&tampered)),
        Err(CallbackError::Mismatch)
    ));
}

#[test]
fn messages_quote_a_short_prefix() {
    let long = "x".repeat(10_000_000);
    let mut body = success();
    body["payment"]["sum"]["amount"] = json!(long);
    body["payment"]["sum"]["currency"] = json!({"not": "a string"});
    let body = signed(body);
    let verifier = CallbackVerifier::new(key()).with_max_body_bytes(usize::MAX);
    let error = verifier.verify_into::<Callback>(&raw(&body)).unwrap_err();
    let message = error.to_string();
    assert!(
        message.len() < 400,
        "{} bytes: {}",
        message.len(),
        &message[..400]
    );
    match &error {
        CallbackError::Deserialize { path, .. } => {
            assert!(path.starts_with("payment.sum"), "{path}")
        }
        other => panic!("{other}"),
    }
    // A duplicated key that is itself huge.
    let text = format!("{{\"{long}\": 1, \"{long}\": 2}}");
    let error = verifier.verify(text.as_bytes()).unwrap_err();
    assert!(matches!(error, CallbackError::DuplicateKey { .. }));
    assert!(error.to_string().len() < 200, "{}", error.to_string().len());
    // A type mismatch through the untyped path.
    let verified = verifier.verify(&raw(&body)).unwrap();
    let error = verified.deserialize::<Callback>().unwrap_err().to_string();
    assert!(error.len() < 400, "{}", error.len());
}

#[test]
fn numbers_the_sdks_would_write_differently_are_refused() {
    for number in [
        "1.0",
        "1e30",
        "18446744073709551616",
        "-9223372036854775809",
    ] {
        let text = format!(
            "{{\"amount\": {number}, \"signature\": \"{}\"}}",
            "A".repeat(86) + "=="
        );
        match CallbackVerifier::new(key())
            .verify(text.as_bytes())
            .unwrap_err()
        {
            CallbackError::Canonical(error) => {
                assert!(error.to_string().contains("amount"), "{error}")
            }
            other => panic!("{number}: {other}"),
        }
    }
}

/// `Debug` of what verification hands out never shows the signature: the verified callback (at
/// the top and in `general`) and the endpoint's delivery.
#[test]
fn debug_redacts_the_signature() {
    let top = signed(success());
    let mut payout = json!({"general": {"project_id": 8181, "payment_id": "po-1"}, "uuid": "u-1"});
    let signature = key().sign_json(&payout).unwrap();
    payout["general"]["signature"] = json!(signature);
    for body in [top, payout] {
        let signature = body
            .get("signature")
            .or_else(|| body["general"].get("signature"))
            .and_then(Value::as_str)
            .unwrap()
            .to_owned();
        let verified = CallbackVerifier::new(key()).verify(&raw(&body)).unwrap();
        assert!(verified.body().values().count() > 1);
        let shown = format!("{verified:?}");
        assert!(!shown.contains(&signature[..16]), "{shown}");
        assert!(shown.contains("\"<redacted>\""), "{shown}");
        assert!(shown.contains("8181"), "the rest is shown: {shown}");
        let shown = format!("{verified:#?}");
        assert!(!shown.contains(&signature[..16]), "{shown}");
        let endpoint = ecommpay_api::webhook::CallbackEndpoint::new(key());
        if let Ok(delivery) = endpoint.receive(&raw(&body)) {
            let shown = format!("{delivery:?}");
            assert!(!shown.contains(&signature[..16]), "{shown}");
        }
    }
}
