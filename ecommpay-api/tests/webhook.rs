//! The callback endpoint: valid, tampered, unsigned, oversized and malformed bodies, what is
//! answered in each case, the idempotency key and the accessors.

use ecommpay_api::SecretKey;
use ecommpay_api::callback::{CallbackOperationType, CallbackPaymentStatus};
use ecommpay_api::signature::{BodyTooLarge, CallbackVerifier};
use ecommpay_api::webhook::{Answer, CallbackEndpoint, EndpointError, IdempotencyKey};
use serde_json::{Value, json};

const KEY: &str = "webhook-test-secret";

fn endpoint() -> CallbackEndpoint {
    CallbackEndpoint::new(SecretKey::new(KEY).unwrap())
}

/// The body the platform would send: the helper merchants' tests use.
fn signed(body: Value) -> Vec<u8> {
    SecretKey::new(KEY).unwrap().sign_callback(&body).unwrap()
}

/// The Gate sale success callback of `000_c3cc95ac790d9e4f.txt`, amounts as numbers.
fn success() -> Value {
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

fn redirect() -> Value {
    let mut body = success();
    body["payment"]["status"] = json!("processing");
    body["operation"]["status"] = json!("awaiting redirect result");
    body["redirect_data"] =
        json!({"body": {}, "method": "GET", "url": "https://www.example.com/pay"});
    body
}

#[test]
fn a_valid_callback_is_delivered_with_its_accessors_and_answered_200() {
    let raw = signed(success());
    let delivery = endpoint().receive(&raw).unwrap();
    assert_eq!(delivery.answer(), Answer::ok());
    assert_eq!(
        (delivery.answer().status(), delivery.answer().body()),
        (200, "OK")
    );
    assert_eq!(delivery.payment_id(), Some("EPaffa-8a12"));
    assert_eq!(
        delivery.payment_status(),
        Some(&CallbackPaymentStatus::Success)
    );
    assert_eq!(
        delivery.operation_type(),
        Some(&CallbackOperationType::Sale)
    );
    assert_eq!(
        delivery.operation_status().map(|s| s.as_str()),
        Some("success")
    );
    assert_eq!(
        delivery.operation_id().map(ToString::to_string).as_deref(),
        Some("308")
    );
    assert_eq!(
        (delivery.operation_code(), delivery.operation_message()),
        (Some("0"), Some("Success"))
    );
    let amount = delivery.amount().unwrap();
    assert_eq!((amount.minor_units, amount.currency), (200, "USD"));
    assert_eq!(delivery.project_id().and_then(|p| p.as_i64()), Some(8181));
    assert!(delivery.redirect_data().is_none());
    assert_eq!(
        delivery.idempotency_key().to_string(),
        "EPaffa-8a12/308/success"
    );
    // The signature is dropped once verified, so it shows nowhere.
    assert_eq!(delivery.callback().signature, None);
    let signature = serde_json::from_slice::<Value>(&raw).unwrap()["signature"].clone();
    let shown = format!("{delivery:?}");
    assert!(!shown.contains(signature.as_str().unwrap()), "{shown}");
}

#[test]
fn the_redirect_callback_carries_its_data_and_another_key() {
    let delivery = endpoint().receive(&signed(redirect())).unwrap();
    let data = delivery.redirect_data().unwrap();
    assert_eq!(data.url.as_deref(), Some("https://www.example.com/pay"));
    assert_eq!(data.method.as_ref().map(|m| m.as_str()), Some("GET"));
    assert_eq!(
        delivery.operation_status().map(|s| s.as_str()),
        Some("awaiting redirect result"),
        "a status the documents do not list is kept"
    );
    let final_one = endpoint().receive(&signed(success())).unwrap();
    assert_ne!(delivery.idempotency_key(), final_one.idempotency_key());
}

#[test]
fn the_idempotency_key_is_the_same_for_every_copy_and_differs_between_operations() {
    let first = endpoint().receive(&signed(success())).unwrap();
    // The platform sends the same callback again; the key ignores everything but the three parts.
    let mut again = success();
    again["operation"]["date"] = json!("2023-06-23T08:24:20+0000");
    let second = endpoint().receive(&signed(again)).unwrap();
    assert_eq!(first.idempotency_key(), second.idempotency_key());
    // An operation id sent as a string is the same id.
    let mut as_string = success();
    as_string["operation"]["id"] = json!("308");
    let third = endpoint().receive(&signed(as_string)).unwrap();
    assert_eq!(first.idempotency_key(), third.idempotency_key());
    // A refund of the same payment is another operation.
    let mut refund = success();
    refund["operation"]["id"] = json!(309);
    refund["operation"]["type"] = json!("refund");
    let refund = endpoint().receive(&signed(refund)).unwrap();
    assert_ne!(first.idempotency_key(), refund.idempotency_key());
    // Parts are escaped, so that no two keys print the same.
    let mut odd = success();
    odd["payment"]["id"] = json!("a/308%");
    let odd = endpoint().receive(&signed(odd)).unwrap();
    assert_eq!(odd.idempotency_key().to_string(), "a%2F308%25/308/success");
    assert_eq!(odd.idempotency_key().payment_id(), "a/308%");
    let _: &IdempotencyKey = odd.idempotency_key();
}

#[test]
fn the_payout_registration_callback_is_read_from_general() {
    // `001_6d33046829e36e91.txt`: the signature in general, amounts as strings.
    let body = json!({
        "general": {"project_id": "91348", "payment_id": "cosmoshop_payout_1323"},
        "request_id": "50715",
        "payment": {"type": "payout", "status": "awaiting_payout_completion"},
        "operation": {"id": "500359719", "type": "payout", "status": "awaiting_payout_completion"},
        "customer": {"id": "16061314"},
        "sum_request": {"amount": "7000", "currency": "EUR"},
        "transaction": {"type": "payout"},
        "uuid": "Lm3V9lmykig2d51Z/2Yrnue9+o5GTkVvY/sRDLKAnSS+AagnGCJ1nsPg==",
        "uuid_expired_at": "2024-04-24T13:50:37+0000"
    });
    let delivery = endpoint().receive(&signed(body)).unwrap();
    assert_eq!(delivery.payment_id(), Some("cosmoshop_payout_1323"));
    let amount = delivery.amount().unwrap();
    assert_eq!((amount.minor_units, amount.currency), (7000, "EUR"));
    assert_eq!(
        delivery.project_id().map(ToString::to_string).as_deref(),
        Some("91348")
    );
    assert_eq!(
        delivery.callback().general.as_ref().unwrap().signature,
        None
    );
    assert_eq!(
        delivery.idempotency_key().to_string(),
        "cosmoshop_payout_1323/500359719/awaiting_payout_completion"
    );
}

fn refused(raw: &[u8]) -> EndpointError {
    endpoint().receive(raw).unwrap_err()
}

#[test]
fn a_tampered_callback_is_refused_with_401() {
    let raw = String::from_utf8(signed(success())).unwrap();
    let tampered = raw.replace(r#""amount":200"#, r#""amount":20000"#);
    assert_ne!(raw, tampered);
    let error = refused(tampered.as_bytes());
    assert!(matches!(error, EndpointError::Signature { .. }), "{error}");
    assert_eq!(error.answer().status(), 401);
    assert_eq!(
        error.to_string(),
        "callback refused: the callback's signature does not match its body"
    );
    // Signed with another key.
    let other = CallbackEndpoint::new(SecretKey::new("another key").unwrap());
    assert_eq!(
        other.receive(raw.as_bytes()).unwrap_err().answer().status(),
        401
    );
}

#[test]
fn an_unsigned_or_badly_signed_callback_is_refused_with_401() {
    let error = refused(&serde_json::to_vec(&success()).unwrap());
    assert_eq!(error.answer().status(), 401);
    assert_eq!(
        error.to_string(),
        "callback refused: the callback carries no signature at `signature`"
    );
    let mut body = success();
    body["signature"] = json!("SxLFUcKLROs+lOPKKi4cDfnYjwMHSDgqeD+Jt1LYOg==");
    let error = refused(&serde_json::to_vec(&body).unwrap());
    assert_eq!(error.answer().status(), 401);
    assert!(error.to_string().contains("malformed"), "{error}");
}

#[test]
fn an_oversized_body_is_refused_with_413_before_parsing() {
    let mut body = success();
    body["payment"]["description"] = json!("x".repeat(CallbackVerifier::DEFAULT_MAX_BODY_BYTES));
    let raw = signed(body);
    let error = refused(&raw);
    assert!(matches!(error, EndpointError::TooLarge(_)), "{error}");
    assert_eq!(error.answer().status(), 413);
    assert_eq!(
        error.to_string(),
        format!(
            "callback refused: the callback body has {} bytes, more than the limit of 1048576",
            raw.len()
        )
    );
    // Not parsed: garbage over the limit is refused the same way.
    let small = endpoint().with_max_body_bytes(16);
    assert_eq!(small.max_body_bytes(), 16);
    let error = small.receive(&[b'{'; 17]).unwrap_err();
    assert!(matches!(
        error,
        EndpointError::TooLarge(BodyTooLarge {
            bytes: 17,
            limit: 16
        })
    ));
    // A larger limit takes it.
    let large = endpoint().with_max_body_bytes(2 * CallbackVerifier::DEFAULT_MAX_BODY_BYTES);
    assert!(large.receive(&raw).is_ok());
}

#[test]
fn malformed_bodies_are_refused_with_400_and_quoted_short() {
    for (raw, says) in [
        (&b"not json at all"[..], "is not JSON"),
        (&b""[..], "is not JSON"),
        (&b"[1, 2, 3]"[..], "not a JSON object but an array"),
        (&b"\xff\xfe{}"[..], "is not JSON"),
    ] {
        let error = refused(raw);
        assert!(matches!(error, EndpointError::Malformed { .. }), "{error}");
        assert_eq!(error.answer().status(), 400);
        assert!(error.to_string().contains(says), "{error}");
    }
    let long = format!("<html>{}</html>", "a".repeat(500_000));
    let error = refused(long.as_bytes());
    let text = error.to_string();
    assert!(text.len() < 200, "{text}");
    assert!(
        text.ends_with(
            r#"the body starts with "<html>aaaaaaaaaaaaaaaaaaaaaaaaaa…" (500013 bytes)"#
        ),
        "{text}"
    );
    // A number the official SDKs would write differently (`2.0`: PHP and Node `2`, Python
    // `2.0`) cannot be signed as all of them would, so the callback cannot be verified.
    let signature = format!("{}==", "A".repeat(86)); // well-formed: 64 bytes
    let body =
        format!(r#"{{"payment": {{"sum": {{"amount": 2.0}}}}, "signature": "{signature}"}}"#);
    let error = refused(body.as_bytes());
    assert_eq!(error.answer().status(), 400);
    assert!(error.to_string().contains("cannot be verified"), "{error}");
}

#[test]
fn an_authentic_callback_of_another_shape_is_answered_500_to_be_sent_again() {
    let mut body = success();
    body["payment"] = json!("not an object");
    let error = refused(&signed(body));
    assert!(matches!(error, EndpointError::Unreadable { .. }), "{error}");
    assert_eq!(error.answer().status(), 500);
    assert!(error.to_string().contains("at \"payment\""), "{error}");
}

#[test]
fn answers_are_plain_text() {
    assert_eq!(Answer::CONTENT_TYPE, "text/plain; charset=utf-8");
    assert!(Answer::ok().is_ok());
    assert_eq!(Answer::retry_later().status(), 503);
    assert!(!Answer::retry_later().is_ok());
    let shown = format!("{:?}", endpoint());
    assert!(!shown.contains(KEY), "{shown}");
}

#[test]
fn a_refund_callbacks_amount_is_the_refunds() {
    // A partial refund of 50 of the 200 paid: the operation is the refund, the payment keeps
    // what is left.
    let mut body = success();
    body["payment"]["status"] = json!("partially refunded");
    body["payment"]["sum"] = json!({"amount": 150, "currency": "USD"});
    body["operation"]["id"] = json!(309);
    body["operation"]["type"] = json!("refund");
    body["operation"]["sum_initial"] = json!({"amount": 50, "currency": "USD"});
    body["operation"]["sum_converted"] = json!({"amount": 50, "currency": "USD"});
    let delivery = endpoint().receive(&signed(body)).unwrap();
    let refunded = delivery.amount().unwrap();
    assert_eq!((refunded.minor_units, refunded.currency), (50, "USD"));
    let left = delivery.payment_amount().unwrap();
    assert_eq!((left.minor_units, left.currency), (150, "USD"));
    // Without an operation sum, the payment's is what the callback states.
    let mut body = success();
    body["operation"]
        .as_object_mut()
        .unwrap()
        .remove("sum_initial");
    let delivery = endpoint().receive(&signed(body)).unwrap();
    assert_eq!(delivery.amount().map(|a| a.minor_units), Some(200));
}

#[cfg(feature = "http")]
#[test]
fn an_answer_is_an_http_response_axum_sends_as_it_is() {
    use axum::response::IntoResponse;

    /// A callback route's whole handler.
    fn handler(endpoint: &CallbackEndpoint, body: &[u8]) -> http::Response<String> {
        let delivery = endpoint.receive(body).map_err(|error| error.answer());
        delivery
            .map_or_else(|answer| answer, |delivery| delivery.answer())
            .into()
    }

    let ok = handler(&endpoint(), &signed(success()));
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.body(), "OK");
    assert_eq!(ok.headers()["content-type"], Answer::CONTENT_TYPE);
    let refused = handler(&endpoint(), br#"{"payment": {"id": "order-1"}}"#).into_response();
    assert_eq!(refused.status(), 401);
    let retry: http::Response<axum::body::Body> = Answer::retry_later().into();
    assert_eq!(retry.status(), 503);
}
