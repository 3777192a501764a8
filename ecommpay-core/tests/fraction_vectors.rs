//! Numbers that are not integers, signed as the official SDKs sign them where they agree and
//! refused, naming their path, where they would not.
//!
//! The signatures below were made by the SDKs themselves under the key `fraction-key`: the Python
//! SDK (`ecommpay-sdk` 1.0.6, `SignatureHandler(key).sign(json.loads(text))`) and the Node SDK
//! (`ecommpay` 0.1.7, `require('ecommpay/src/signer')(JSON.parse(text), key)`). The PHP SDK
//! (`ITECOMMPAY/paymentpage-sdk-php`, `SignatureHandler::flattenParamsArray`) writes a value
//! with `(string)`, PHP's `precision` of 14 significant digits; no PHP was at hand to run it, so
//! its column is the string to sign read from that source, not a signature it made.

use ecommpay_core::SecretKey;
use ecommpay_core::payment_page::{PaymentPageError, PaymentPageUrl, verify_url};
use ecommpay_core::signature::low_level::{embed, string_to_sign_json};
use ecommpay_core::signature::{
    CallbackError, CallbackVerifier, CanonicalError, MessageKind, SortOrder, VerifyError,
};
use ecommpay_core::validate::shape::{Body, ObjectShape, OperationSchema};
use ecommpay_core::validate::{Facts, Violation, ViolationKind, validate_value};
use ecommpay_core::{Action, Interface};
use serde_json::Value;

/// An operation that declares nothing: every key of a vector is another parameter, which the
/// documents allow, so the only thing the validator can say of it is whether it can be signed.
static ANYTHING: OperationSchema = OperationSchema {
    id: "vectors.payment_page.purchase",
    title: "vectors",
    interface: Interface::PaymentPage,
    action: Action::Purchase,
    method: "vectors",
    http_method: None,
    path: None,
    mode: None,
    known_facts: &[],
    body: Body {
        shape: &ObjectShape { fields: &[] },
        rules: |_, _, _| {},
    },
    variants: &[],
};

fn validated(message: &Value) -> Vec<Violation> {
    validate_value(&ANYTHING, message, &Facts::none())
}

const KEY: &str = "fraction-key";

struct Agreed {
    message: &'static str,
    /// The string to sign every SDK builds (PHP's read from its source).
    string_to_sign: &'static str,
    /// Made by the Python SDK.
    python: &'static str,
    /// Made by the Node SDK.
    node: &'static str,
}

const AGREED: [Agreed; 4] = [
    Agreed {
        message: r#"{"amount": 1.5, "id": "p-1"}"#,
        string_to_sign: "amount:1.5;id:p-1",
        python: "MXYT5fhsIXZVLR5lhrAv6SAcYzKMRy3i4+TAaHx/XzW7TmVcBRDFYfLrFM6MjjyGgdfaFsXvrdKKISvdcgZ4jw==",
        node: "MXYT5fhsIXZVLR5lhrAv6SAcYzKMRy3i4+TAaHx/XzW7TmVcBRDFYfLrFM6MjjyGgdfaFsXvrdKKISvdcgZ4jw==",
    },
    Agreed {
        message: r#"{"rate": 0.0015, "nested": {"x": -12.25}, "id": "p-1"}"#,
        string_to_sign: "id:p-1;nested:x:-12.25;rate:0.0015",
        python: "F7rCu977OQKRZwKIATGFalz5hD7fbsI3MlyJSBouIFlk5qKKncCGrEDgDpd4oXTdxaR32eyYF/JtomDnLcxieg==",
        node: "F7rCu977OQKRZwKIATGFalz5hD7fbsI3MlyJSBouIFlk5qKKncCGrEDgDpd4oXTdxaR32eyYF/JtomDnLcxieg==",
    },
    Agreed {
        message: r#"{"x": 0.1}"#,
        string_to_sign: "x:0.1",
        python: "MsTUL4UvH9neQNKdLN8akErb7YOz8IpipbVOdiDUJZWgDqPubVedFP3EHHgIizIdDTcgXYDQuFj6/a1/8MIhUA==",
        node: "MsTUL4UvH9neQNKdLN8akErb7YOz8IpipbVOdiDUJZWgDqPubVedFP3EHHgIizIdDTcgXYDQuFj6/a1/8MIhUA==",
    },
    Agreed {
        message: r#"{"x": 123456789.123}"#,
        string_to_sign: "x:123456789.123",
        python: "mOdyYnHy8jT+gYqU4yxL4TxV+pLHujlC0zktmaPQw3+WCzCUxgtmR4X1M+cRqJP2X0iwjNyQwj5v/iGgyJNkbw==",
        node: "mOdyYnHy8jT+gYqU4yxL4TxV+pLHujlC0zktmaPQw3+WCzCUxgtmR4X1M+cRqJP2X0iwjNyQwj5v/iGgyJNkbw==",
    },
];

/// What each SDK writes where they disagree (Python and Node from running them, PHP read from
/// its source): `1.0` and `1e3` are integral doubles, `0.00001` and `1e16` need an exponent in
/// some of them, `0.30000000000000004` has more than PHP's 14 digits.
const DISAGREED: [(&str, &str, &str, &str); 5] = [
    // (message, PHP, Python, Node)
    (r#"{"x": 1.0}"#, "1", "1.0", "1"),
    (r#"{"x": 1e3}"#, "1000", "1000.0", "1000"),
    (r#"{"x": 0.00001}"#, "1.0E-5", "1e-05", "0.00001"),
    (r#"{"x": 1e16}"#, "1.0E+16", "1e+16", "10000000000000000"),
    (
        r#"{"x": 0.30000000000000004}"#,
        "0.3",
        "0.30000000000000004",
        "0.30000000000000004",
    ),
];

#[test]
fn fractions_sign_as_the_sdks_sign_them_where_they_agree() {
    let key = SecretKey::new(KEY).unwrap();
    for agreed in AGREED {
        let message: Value = serde_json::from_str(agreed.message).unwrap();
        assert_eq!(
            string_to_sign_json(&message, SortOrder::Natural).unwrap(),
            agreed.string_to_sign
        );
        let signature = key.sign_json(&message).unwrap();
        assert_eq!(signature, agreed.python, "Python SDK: {}", agreed.message);
        assert_eq!(signature, agreed.node, "Node SDK: {}", agreed.message);
        // An SDK-signed message verifies, as JSON and as a callback's raw body (its text as
        // sent, not as `serde_json` would write it again).
        let mut signed = message.clone();
        embed(&mut signed, MessageKind::Callback, agreed.python).unwrap();
        key.verify_json(&signed, MessageKind::PaymentPage).unwrap();
        let raw = format!(
            "{}, \"signature\": \"{}\"}}",
            &agreed.message[..agreed.message.len() - 1],
            agreed.node
        );
        let verified = CallbackVerifier::new(key.clone())
            .verify(raw.as_bytes())
            .unwrap();
        assert_eq!(Value::Object(verified.body().clone()), signed);
    }
}

#[test]
fn fractions_the_sdks_would_write_differently_are_refused_at_their_path() {
    let key = SecretKey::new(KEY).unwrap();
    for (text, php, python, node) in DISAGREED {
        assert!(php != python || python != node, "{text}: they differ");
        let message: Value = serde_json::from_str(text).unwrap();
        let error = key.sign_json(&message).unwrap_err();
        assert!(
            matches!(&error, CanonicalError::UnsupportedNumber { path, .. } if path == "x"),
            "{text}: {error}"
        );
        let shown = error.to_string();
        assert!(shown.contains("at \"x\""), "{shown}");
        assert!(shown.contains("official SDKs"), "{shown}");
        // Nested, the path says where.
        let nested: Value = serde_json::from_str(&format!(r#"{{"a": [{text}]}}"#)).unwrap();
        match key.sign_json(&nested).unwrap_err() {
            CanonicalError::UnsupportedNumber { path, .. } => assert_eq!(path, "a:0:x"),
            other => panic!("{other}"),
        }
        // A received body with it cannot be verified, whatever its signature.
        let raw = format!(
            "{}, \"signature\": \"{}==\"}}",
            &text[..text.len() - 1],
            "A".repeat(86)
        );
        assert!(matches!(
            CallbackVerifier::new(key.clone()).verify(raw.as_bytes()),
            Err(CallbackError::Canonical(
                CanonicalError::UnsupportedNumber { .. }
            ))
        ));
        let mut signed = message.clone();
        embed(
            &mut signed,
            MessageKind::PaymentPage,
            &format!("{}==", "A".repeat(86)),
        )
        .unwrap();
        assert!(matches!(
            key.verify_json(&signed, MessageKind::PaymentPage),
            Err(VerifyError::Canonical(
                CanonicalError::UnsupportedNumber { .. }
            ))
        ));
    }
}

/// The validator's verdict on each vector is the signer's: clean where every SDK writes the
/// number alike, `unsignable_number` at the number's JSON path where they do not.
#[test]
fn the_validator_agrees_with_each_sdk_vector() {
    for agreed in AGREED {
        let message: Value = serde_json::from_str(agreed.message).unwrap();
        assert_eq!(validated(&message), [], "{}", agreed.message);
    }
    for (text, php, python, node) in DISAGREED {
        let message: Value = serde_json::from_str(text).unwrap();
        let violations = validated(&message);
        let paths: Vec<(&str, ViolationKind)> = violations
            .iter()
            .map(|v| (v.path.as_str(), v.kind))
            .collect();
        assert_eq!(
            paths,
            [("x", ViolationKind::UnsignableNumber)],
            "{text}: PHP {php}, Python {python}, Node {node}"
        );
        // The signer's reason, word for word.
        let signer = SecretKey::new(KEY)
            .unwrap()
            .sign_json(&message)
            .unwrap_err();
        assert_eq!(
            violations[0].message,
            signer.to_string().replace(" at \"x\"", "")
        );
        let nested: Value = serde_json::from_str(&format!(r#"{{"a": [{text}]}}"#)).unwrap();
        assert_eq!(validated(&nested)[0].path, "a[0].x");
    }
}

/// A Payment Page URL carrying a vector's numbers has the SDKs' signature (its parameters travel
/// as the text every SDK writes and signs), and verifies; where they disagree it is refused,
/// naming the parameter. (The nested vector becomes JSON text, whose signature is the text's.)
#[test]
fn payment_page_urls_sign_each_sdk_vector_as_the_sdks_do() {
    let key = SecretKey::new(KEY).unwrap();
    for agreed in AGREED {
        let message: Value = serde_json::from_str(agreed.message).unwrap();
        let url = PaymentPageUrl::from_value(&message).unwrap();
        // Where every number is a parameter of its own (not inside JSON text), the URL's texts
        // sign as the numbers do.
        if message
            .as_object()
            .unwrap()
            .values()
            .all(|v| !v.is_object())
        {
            assert_eq!(
                url.signature(&key).unwrap(),
                agreed.python,
                "{}",
                agreed.message
            );
            assert_eq!(
                url.signature(&key).unwrap(),
                agreed.node,
                "{}",
                agreed.message
            );
        }
        verify_url(&url.to_url(&key).unwrap(), &key).unwrap();
    }
    for (text, ..) in DISAGREED {
        let message: Value = serde_json::from_str(text).unwrap();
        assert!(
            matches!(
                PaymentPageUrl::from_value(&message),
                Err(PaymentPageError::UnsupportedNumber { parameter, .. }) if parameter == "x"
            ),
            "{text}"
        );
    }
}
