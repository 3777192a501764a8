//! A callback's cost before its signature is known is bounded whatever the body's shape: bodies
//! of the default 1 MiB limit built to be expensive (many empty or small objects, deep arrays,
//! bare numbers, a long key over many values) are refused by the limit on the number of values
//! or on the length of the canonical form, signed correctly or not, and bodies within the
//! limits are accepted. The limits are what bounds the work; no time is measured here (the
//! figures are in `bench/` and the issue's report).

use ecommpay_api::SecretKey;
use ecommpay_api::callback::Callback;
use ecommpay_api::signature::low_level::embed;
use ecommpay_api::signature::{CallbackError, CallbackVerifier, MessageKind};
use ecommpay_api::webhook::{CallbackEndpoint, EndpointError};
use serde_json::Value;

fn key() -> SecretKey {
    SecretKey::new("limits-key").unwrap()
}

/// `{"a":[unit,unit,...]}` as long as the default body limit allows.
fn filled(unit: &str) -> String {
    let room = CallbackVerifier::DEFAULT_MAX_BODY_BYTES - r#"{"a":[],"signature":""}"#.len() - 88;
    let count = room / (unit.len() + 1);
    format!("{{\"a\":[{}]}}", vec![unit; count].join(","))
}

/// The body signed correctly (`signature` last) and with a well-formed wrong signature.
fn both_ways(body: &str) -> [Vec<u8>; 2] {
    let mut value: Value = serde_json::from_str(body).unwrap();
    let signature = key().sign_json(&value).unwrap();
    let mut wrong = value.clone();
    embed(&mut value, MessageKind::Callback, &signature).unwrap();
    embed(
        &mut wrong,
        MessageKind::Callback,
        &format!("{}==", "A".repeat(86)),
    )
    .unwrap();
    [value, wrong].map(|v| serde_json::to_vec(&v).unwrap())
}

#[test]
fn expensive_shapes_of_a_mebibyte_are_refused_by_the_value_limit() {
    let deep = |levels: usize| format!("{}{}", "[".repeat(levels), "]".repeat(levels));
    let shapes = [
        ("many empty objects", filled("{}")),
        ("29-deep arrays", filled(&deep(29))),
        ("many small objects", filled(r#"{"b":1}"#)),
        ("bare numbers", filled("1")),
    ];
    for (name, body) in shapes {
        for raw in both_ways(&body) {
            assert!(
                raw.len() <= CallbackVerifier::DEFAULT_MAX_BODY_BYTES,
                "{name}: {}",
                raw.len()
            );
            let error = CallbackVerifier::new(key()).verify(&raw).unwrap_err();
            assert!(
                matches!(error, CallbackError::TooManyValues { limit } if limit == CallbackVerifier::DEFAULT_MAX_VALUES),
                "{name}: {error}"
            );
            assert_eq!(
                error.to_string(),
                "the callback body holds more than 10000 values (arrays, objects and scalars)"
            );
            // The endpoint refuses it the same way, as a body it cannot verify.
            let refused = CallbackEndpoint::new(key()).receive(&raw).unwrap_err();
            assert!(
                matches!(refused, EndpointError::Malformed { .. }),
                "{name}: {refused}"
            );
            assert_eq!(refused.answer().status(), 400, "{name}");
            assert!(refused.to_string().contains("10000 values"), "{refused}");
        }
    }
    // Deeper than the depth limit, the depth is what refuses it.
    for raw in both_ways(&filled(&deep(31))) {
        let error = CallbackVerifier::new(key()).verify(&raw).unwrap_err();
        assert!(
            matches!(error, CallbackError::TooDeep { limit: 32 }),
            "{error}"
        );
    }
}

/// The canonical form repeats a path before each value: a 900 KB key over 5,000 numbers would
/// have the MAC read 4.5 GB. Refused before any of it is written.
#[test]
fn a_long_key_over_many_values_is_refused_by_the_canonical_length() {
    let body = format!(
        "{{\"{}\":[{}]}}",
        "k".repeat(900_000),
        vec!["1"; 5_000].join(",")
    );
    for raw in both_ways_unsigned_only(&body) {
        let error = CallbackVerifier::new(key()).verify(&raw).unwrap_err();
        assert!(
            matches!(error, CallbackError::CanonicalTooLong { limit } if limit == 4 * CallbackVerifier::DEFAULT_MAX_BODY_BYTES),
            "{error}"
        );
        assert!(error.to_string().contains("4194304 bytes"), "{error}");
    }
    // The same shape within the bound is verified (and its signature checked).
    let body = format!(
        "{{\"{}\":[{}]}}",
        "k".repeat(1_000),
        vec!["1"; 1_000].join(",")
    );
    let [signed, wrong] = both_ways(&body);
    CallbackVerifier::new(key()).verify(&signed).unwrap();
    assert!(matches!(
        CallbackVerifier::new(key()).verify(&wrong),
        Err(CallbackError::Mismatch)
    ));
}

/// Signing a 4.5 GB canonical form to make a correct signature is itself what the limit is for,
/// so the long key gets a well-formed wrong signature, placed first and last.
fn both_ways_unsigned_only(body: &str) -> [Vec<u8>; 2] {
    let signature = format!("\"signature\":\"{}==\"", "A".repeat(86));
    [
        format!("{{{signature},{}", &body[1..]).into_bytes(),
        format!("{},{signature}}}", &body[..body.len() - 1]).into_bytes(),
    ]
}

/// Exactly at the limit, and one past it, through the quick parser and through the reference
/// (a `\u` escape sends the body there); the limit is configurable.
#[test]
fn the_value_limit_is_exact_in_both_parsers() {
    // The top-level object and `a` are two values; `b` is a third.
    for (escape, fixed) in [("", 2), (r#","b":"\u0041""#, 3)] {
        let body = |numbers: usize| format!("{{\"a\":[{}]{escape}}}", vec!["7"; numbers].join(","));
        // The signature is one more value.
        let at_limit = CallbackVerifier::DEFAULT_MAX_VALUES - fixed - 1;
        let [signed, _] = both_ways(&body(at_limit));
        let verified = CallbackVerifier::new(key()).verify(&signed).unwrap();
        assert_eq!(verified.body()["a"].as_array().unwrap().len(), at_limit);
        let [signed, wrong] = both_ways(&body(at_limit + 1));
        for raw in [signed, wrong] {
            let error = CallbackVerifier::new(key()).verify(&raw).unwrap_err();
            assert!(
                matches!(
                    error,
                    CallbackError::TooManyValues {
                        limit: CallbackVerifier::DEFAULT_MAX_VALUES
                    }
                ),
                "{escape:?}: {error}"
            );
        }
        let [signed, _] = both_ways(&body(10));
        let verifier = CallbackVerifier::new(key()).with_max_values(10);
        assert!(matches!(
            verifier.verify(&signed),
            Err(CallbackError::TooManyValues { limit: 10 })
        ));
        let verifier = verifier.with_max_values(10 + fixed + 1);
        verifier.verify(&signed).unwrap();
    }
}

/// Within the limits, a signed body of many empty objects is accepted: they are not covered by
/// the signature, so they are pruned, and each is listed once.
#[test]
fn empty_containers_within_the_limit_are_accepted_and_pruned() {
    let body = format!("{{\"a\":[{}],\"b\":1}}", vec!["{}"; 9_000].join(","));
    let [signed, _] = both_ways(&body);
    let verified = CallbackVerifier::new(key()).verify(&signed).unwrap();
    assert_eq!(verified.unsigned().len(), 9_001);
    assert_eq!(verified.unsigned()[0], "a[0]");
    assert_eq!(verified.unsigned()[9_000], "a");
    assert_eq!(verified.body().len(), 2, "b and the signature");
    assert!(Callback::verify(&signed, &key()).is_ok());
}
