//! Signing a typed AstroPay sale (the derive, streaming into the prepared HMAC) and its JSON
//! value, against the floor: HMAC-SHA512 and Base64 over the prepared string to sign under the
//! key's prepared state. Also the floor as it was, keying HMAC for each message.
//! Goal (issue 9): derive-signing at most 1.1x the prepared-key floor.

mod common;

use std::hint::black_box;

use base64::Engine as _;
use ecommpay_api::SecretKey;
use ecommpay_api::astropay::SaleRequest;
use ecommpay_api::signature::{
    MessageKind, SignOptions, sign_canonical, sign_string, sign_value, string_to_sign_value,
};
use hmac::{Hmac, Mac};

const GROUP: &str = "signing";

fn main() {
    let mut criterion = common::criterion();
    let value = common::example("astropay-gate-sale-request");
    let typed: SaleRequest = serde_json::from_value(value.clone()).expect("the example is typed");
    let key = SecretKey::new("benchmark-secret-key");
    let options = SignOptions::new(MessageKind::GateRequest);
    let prepared = string_to_sign_value(&value, options).expect("signable");
    let expected = sign_string(&prepared, &key);
    assert_eq!(sign_canonical(&typed, &key, options).unwrap(), expected);
    assert_eq!(sign_value(&value, &key, options).unwrap(), expected);

    let mut group = criterion.benchmark_group(GROUP);
    group.bench_function("floor_prepared_key", |b| {
        b.iter(|| sign_string(black_box(&prepared), &key))
    });
    group.bench_function("floor_keyed_per_message", |b| {
        b.iter(|| {
            let mut mac = <Hmac<sha2::Sha512> as Mac>::new_from_slice(b"benchmark-secret-key")
                .expect("any length");
            mac.update(black_box(prepared.as_bytes()));
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
        })
    });
    group.bench_function("derive", |b| {
        b.iter(|| sign_canonical(black_box(&typed), &key, options))
    });
    group.bench_function("json_value", |b| {
        b.iter(|| sign_value(black_box(&value), &key, options))
    });
    group.finish();
    criterion.final_summary();
    common::report(
        GROUP,
        "floor_prepared_key",
        &[
            ("floor_keyed_per_message", None),
            ("derive", Some(1.1)),
            ("json_value", None),
        ],
    );
}
