//! Verifying and parsing a callback (the AstroPay purchase success callback, signed here), in
//! one pass, against the naive floor: parse to `serde_json::Value`, canonical string, HMAC keyed
//! for the message, typed deserialize from the value; and against the previous implementation
//! (parse to `Value`, canonical entries, HMAC keyed per message, deserialize through
//! `serde_path_to_error` from the map). Goal (issue 9): at most 0.5x the naive floor.

mod common;

use common::Bench;

use std::hint::black_box;

use ecommpay_api::SecretKey;
use ecommpay_api::callback::Callback;
use ecommpay_api::signature::low_level::{embed, string_to_sign_json};
use ecommpay_api::signature::{CanonicalWriter, MessageKind, SignatureRemoval, SortOrder};
use hmac::{Hmac, Mac};
use serde_json::Value;

const GROUP: &str = "callback_verify_parse";
const KEY: &str = "benchmark-secret-key";

fn hmac_keyed() -> Hmac<sha2::Sha512> {
    <Hmac<sha2::Sha512> as Mac>::new_from_slice(KEY.as_bytes()).expect("any length")
}

fn decode(signature: &Value) -> Vec<u8> {
    use base64::Engine as _;
    let text = signature.as_str().expect("a signature");
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .expect("base64")
}

/// The naive floor.
fn naive(raw: &[u8]) -> Callback {
    let value: Value = serde_json::from_slice(raw).expect("JSON");
    let expected = decode(&value["signature"]);
    let string = string_to_sign_json(&value, SortOrder::Natural).expect("signable");
    let mut mac = hmac_keyed();
    mac.update(string.as_bytes());
    mac.verify_slice(&expected).expect("verifies");
    serde_json::from_value(value).expect("typed")
}

/// The implementation before the one-pass one.
fn previous(raw: &[u8]) -> Callback {
    let value: Value = serde_json::from_slice(raw).expect("JSON");
    let Value::Object(body) = value else {
        panic!("an object")
    };
    let expected = decode(&body["signature"]);
    let mut writer =
        CanonicalWriter::with_options(SortOrder::Natural, SignatureRemoval::Everywhere);
    writer.write(&body).expect("signable");
    let mut mac = hmac_keyed();
    for (i, entry) in writer.entries().enumerate() {
        if i > 0 {
            mac.update(b";");
        }
        mac.update(entry.as_bytes());
    }
    mac.verify_slice(&expected).expect("verifies");
    serde_path_to_error::deserialize(&body).expect("typed")
}

fn main() {
    let mut criterion = common::criterion();
    let key = SecretKey::new(KEY).unwrap();
    let mut body = common::example("astropay-pp-callback-success");
    body.as_object_mut().expect("an object").remove("signature");
    let signature = key.sign_json(&body).unwrap();
    embed(&mut body, MessageKind::Callback, &signature).unwrap();
    let raw = serde_json::to_vec(&body).unwrap();
    let one_pass = Callback::verify(&raw, &key).expect("verifies");
    assert_eq!(one_pass, naive(&raw));
    assert_eq!(one_pass, previous(&raw));

    let floor = || {
        black_box(naive(black_box(&raw)));
    };
    let previous = || {
        black_box(previous(black_box(&raw)));
    };
    let one_pass = || {
        black_box(Callback::verify(black_box(&raw), &key)).ok();
    };
    let parse_only = || {
        black_box(serde_json::from_slice::<Value>(black_box(&raw))).ok();
    };
    common::compare(
        &mut criterion,
        GROUP,
        Bench::new("naive_floor", &floor),
        &[
            Bench::new("previous_implementation", &previous),
            Bench::new("one_pass", &one_pass).goal(0.5),
            Bench::new("parse_to_value_only", &parse_only),
        ],
    );
    println!("  body: {} bytes", raw.len());
}
