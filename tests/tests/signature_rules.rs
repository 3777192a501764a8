//! Every rule of the canonical form, one edge at a time, through the JSON path.

use ecommpay_api::SecretKey;
use ecommpay_api::signature::low_level::{embed, string_to_sign_json};
use ecommpay_api::signature::{
    CallbackVerifier, CanonicalError, MessageKind, SortOrder, VerifyError,
};
use serde_json::{Value, json};

fn canonical(message: Value) -> String {
    string_to_sign_json(&message, SortOrder::Natural).unwrap()
}

fn canonical_in(message: Value, order: SortOrder) -> String {
    string_to_sign_json(&message, order).unwrap()
}

#[test]
fn booleans_are_one_and_zero() {
    assert_eq!(
        canonical(json!({"t": true, "f": false, "n": {"t": [true]}})),
        "f:0;n:t:0:1;t:1"
    );
}

#[test]
fn null_is_the_empty_string() {
    assert_eq!(
        canonical(json!({"a": null, "b": {"c": null}, "d": [null]})),
        "a:;b:c:;d:0:"
    );
}

#[test]
fn empty_containers_contribute_nothing_at_any_depth() {
    assert_eq!(
        canonical(json!({"a": {}, "b": [], "c": {"d": {}, "e": [[], {}]}, "f": 1})),
        "f:1"
    );
    assert_eq!(canonical(json!({"a": [[]], "b": [{}]})), "");
}

#[test]
fn frame_mode_is_skipped_at_every_depth() {
    let message = json!({
        "frame_mode": "popup",
        "a": {"frame_mode": "iframe", "b": 1},
        "c": [{"frame_mode": {"x": 1}, "d": 2}],
        "frame_mode_x": 3,
    });
    assert_eq!(canonical(message), "a:b:1;c:0:d:2;frame_mode_x:3");
}

#[test]
fn colons_in_keys_are_doubled() {
    assert_eq!(canonical(json!({"a:b": {"c:": "v:w"}})), "a::b:c:::v:w");
}

#[test]
fn cyrillic_keys_and_values_are_verbatim_utf8() {
    let message = json!({"покупатель": {"имя": "Иван Петров"}, "a": "ё"});
    assert_eq!(canonical(message), "a:ё;покупатель:имя:Иван Петров");
}

#[test]
fn strings_are_verbatim_without_trimming_or_escaping() {
    let message =
        json!({"a": "  spaced  ", "b": "semi;colon", "c": "quote\"slash/\\", "d": "line\nbreak"});
    assert_eq!(
        canonical(message),
        "a:  spaced  ;b:semi;colon;c:quote\"slash/\\;d:line\nbreak"
    );
}

#[test]
fn a_string_holding_json_is_just_a_string() {
    let message = json!({"payment_methods_options": "{\"submethod_code\": \"PIX\"}"});
    assert_eq!(
        canonical(message),
        "payment_methods_options:{\"submethod_code\": \"PIX\"}"
    );
}

#[test]
fn keys_keep_their_case_and_sort_case_sensitively() {
    assert_eq!(
        canonical(json!({"b": 1, "B": 2, "a": 3, "A": 4})),
        "A:4;B:2;a:3;b:1"
    );
}

#[test]
fn integers_are_exact_beyond_two_to_the_53() {
    let message: Value = serde_json::from_str(
        r#"{"a": 9007199254740993, "b": 18446744073709551615, "c": -9223372036854775808}"#,
    )
    .unwrap();
    assert_eq!(
        canonical(message),
        "a:9007199254740993;b:18446744073709551615;c:-9223372036854775808"
    );
}

#[test]
fn numbers_the_sdks_would_write_differently_are_rejected_with_their_path() {
    for raw in [
        r#"{"p": {"n": 18446744073709551616}}"#,
        r#"{"p": {"n": 1.0}}"#,
        r#"{"p": {"n": 1e3}}"#,
        r#"{"p": {"n": 0.00001}}"#,
    ] {
        let message: Value = serde_json::from_str(raw).unwrap();
        let error = string_to_sign_json(&message, SortOrder::Natural).unwrap_err();
        match &error {
            CanonicalError::UnsupportedNumber { path, .. } => assert_eq!(path, "p:n"),
            other => panic!("{other:?}"),
        }
        assert!(error.to_string().contains("p:n"), "{error}");
    }
    // Where they agree, as they write it (vectors from the SDKs: `ecommpay-core/tests/`).
    let message: Value = serde_json::from_str(r#"{"p": {"n": 1.50}}"#).unwrap();
    assert_eq!(
        string_to_sign_json(&message, SortOrder::Natural).unwrap(),
        "p:n:1.5"
    );
}

#[test]
fn a_message_must_be_an_object() {
    let error = string_to_sign_json(&json!([1]), SortOrder::Natural).unwrap_err();
    assert!(
        matches!(error, CanonicalError::NotAnObject { found: "an array" }),
        "{error}"
    );
}

#[test]
fn twelve_elements_natural_and_bytewise() {
    let message = json!({"list": (0..12).collect::<Vec<_>>()});
    let natural: Vec<String> = (0..12).map(|i| format!("list:{i}:{i}")).collect();
    assert_eq!(
        canonical_in(message.clone(), SortOrder::Natural),
        natural.join(";")
    );
    let bytewise = [0, 1, 10, 11, 2, 3, 4, 5, 6, 7, 8, 9]
        .map(|i| format!("list:{i}:{i}"))
        .join(";");
    // By key, `1` is a prefix of `10`; by entry, `1:1` sorts after `10:10` (`:` > `0`).
    assert_eq!(
        canonical_in(message.clone(), SortOrder::BytewiseKey),
        bytewise
    );
    let by_entry = [0, 10, 11, 1, 2, 3, 4, 5, 6, 7, 8, 9]
        .map(|i| format!("list:{i}:{i}"))
        .join(";");
    assert_eq!(canonical_in(message, SortOrder::BytewiseEntry), by_entry);
}

#[test]
fn digit_runs_in_keys_sort_naturally() {
    let message = json!({"item10": 1, "item2": 2, "item1": 3});
    assert_eq!(
        canonical_in(message.clone(), SortOrder::Natural),
        "item1:3;item2:2;item10:1"
    );
    assert_eq!(
        canonical_in(message, SortOrder::BytewiseKey),
        "item1:3;item10:1;item2:2"
    );
}

/// Signing takes no kind of message: every `signature` is left out, wherever it is.
#[test]
fn signing_leaves_out_every_signature() {
    let message = json!({"signature": "top", "general": {"signature": "gen", "id": 1}, "x": {"signature": "deep"}});
    let string = string_to_sign_json(&message, SortOrder::Natural).unwrap();
    assert_eq!(string, "general:id:1");
}

/// What is signed verifies: a nested `payment.signature`, a Gate request with a top-level one,
/// Payment Page parameters with one in `general`; as JSON and as typed messages.
#[test]
fn sign_then_verify_agree_wherever_signature_keys_are() {
    let key = SecretKey::new("k").unwrap();
    let cases = [
        (
            MessageKind::Callback,
            json!({"payment": {"id": "p-1", "signature": "nested"}, "operation": {"id": 3}}),
        ),
        (
            MessageKind::GateRequest,
            json!({"general": {"project_id": 1, "payment_id": "p-1"}, "signature": "top"}),
        ),
        (
            MessageKind::PaymentPage,
            json!({"project_id": 1, "payment_id": "p-1", "general": {"signature": "g"}}),
        ),
        (
            MessageKind::GateRequest,
            json!({"general": {"project_id": 1}, "payment": {"signature": {"a": [1]}}}),
        ),
    ];
    for (kind, message) in cases {
        let signature = key.sign_json(&message).unwrap();
        let mut signed = message.clone();
        embed(&mut signed, kind, &signature).unwrap();
        key.verify_json(&signed, kind)
            .unwrap_or_else(|e| panic!("{kind:?} {message}: {e}"));
        // The typed path signs the same (`Value` through its `Canonical` implementation).
        assert_eq!(key.sign(&message).unwrap(), signature);
        if kind == MessageKind::Callback {
            let raw = serde_json::to_vec(&signed).unwrap();
            CallbackVerifier::new(key.clone()).verify(&raw).unwrap();
        }
    }
    // A generated Gate request carrying another platform parameter named `signature`, at the
    // top and in `payment`: signed by its derived form, verified through its JSON.
    use ecommpay_api::SignedMessage as _;
    use ecommpay_api::astropay::SaleRequest;
    use ecommpay_api::shared::Customer;
    use ecommpay_api::shared::{General, Payment};
    let mut request = SaleRequest::builder()
        .general(General::builder().project_id(210).payment_id("order-1"))
        .payment(
            Payment::builder()
                .amount(1000)
                .currency("BRL")
                .other("signature", json!("nested")),
        )
        .customer(
            Customer::builder()
                .id("c1")
                .ip_address("192.0.2.10")
                .country("BR"),
        )
        .other("signature", json!("top"))
        .build()
        .unwrap();
    request.sign(&key).unwrap();
    let json = serde_json::to_value(&request).unwrap();
    assert_eq!(json["payment"]["signature"], "nested");
    assert_eq!(json["signature"], "top");
    key.verify_json(&json, MessageKind::GateRequest).unwrap();
}

#[test]
fn verifying_removes_every_signature_at_any_depth() {
    let key = SecretKey::new("k").unwrap();
    let plain = json!({"x": {"y": 1}, "list": [{"z": 2}]});
    let signature = key.sign_json(&plain).unwrap();
    let received = json!({
        "x": {"y": 1, "signature": "anything"},
        "list": [{"z": 2, "signature": {"nested": true}}],
        "signature": signature,
    });
    key.verify_json(&received, MessageKind::PaymentPage)
        .unwrap();
    key.verify_json(&received, MessageKind::Callback).unwrap();
    // A Gate request carries it in `general`, which this message lacks.
    let error = key
        .verify_json(&received, MessageKind::GateRequest)
        .unwrap_err();
    assert!(
        matches!(error, VerifyError::MissingSignature { .. }),
        "{error}"
    );
    assert_eq!(
        error.to_string(),
        "the message carries no signature at `general.signature`"
    );
}

#[test]
fn the_key_is_its_utf8_bytes() {
    let message = json!({"a": 1});
    let cyrillic = SecretKey::new("ключ").unwrap().sign_json(&message).unwrap();
    let other = SecretKey::new("kljuch")
        .unwrap()
        .sign_json(&message)
        .unwrap();
    assert_ne!(cyrillic, other);
    assert_eq!(cyrillic.len(), 88);
}
