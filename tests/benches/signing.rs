//! Signing a typed AstroPay sale (the derive, streaming into the prepared HMAC) and its JSON
//! value, against the floor: HMAC-SHA512 and Base64 over the prepared string to sign under the
//! key's prepared state. Also the floor as it was, keying HMAC for each message.
//! Goal (issue 9): derive-signing at most 1.1x the prepared-key floor.

mod common;

use common::Bench;

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
    let key = SecretKey::new("benchmark-secret-key").unwrap();
    let options = SignOptions::new(MessageKind::GateRequest);
    let prepared = string_to_sign_value(&value, options).expect("signable");
    let expected = sign_string(&prepared, &key);
    assert_eq!(sign_canonical(&typed, &key, options).unwrap(), expected);
    assert_eq!(sign_value(&value, &key, options).unwrap(), expected);

    let floor = || {
        black_box(sign_string(black_box(&prepared), &key));
    };
    let keyed_per_message = || {
        let mut mac = <Hmac<sha2::Sha512> as Mac>::new_from_slice(b"benchmark-secret-key")
            .expect("any length");
        mac.update(black_box(prepared.as_bytes()));
        black_box(base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()));
    };
    let derive = || {
        black_box(sign_canonical(black_box(&typed), &key, options)).ok();
    };
    let json_value = || {
        black_box(sign_value(black_box(&value), &key, options)).ok();
    };
    common::compare(
        &mut criterion,
        GROUP,
        Bench::new("floor_prepared_key", &floor),
        &[
            Bench::new("floor_keyed_per_message", &keyed_per_message),
            Bench::new("derive", &derive).goal(1.1),
            Bench::new("json_value", &json_value),
        ],
    );
}
