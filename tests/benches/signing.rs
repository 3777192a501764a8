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
use ecommpay_api::signature::SortOrder;
use ecommpay_api::signature::low_level::{sign_string, string_to_sign_json};
use hmac::{Hmac, Mac};

const GROUP: &str = "signing";

fn main() {
    let mut criterion = common::criterion();
    let value = common::example("astropay-gate-sale-request");
    let typed: SaleRequest = serde_json::from_value(value.clone()).expect("the example is typed");
    let key = SecretKey::new("benchmark-secret-key").unwrap();
    let prepared = string_to_sign_json(&value, SortOrder::Natural).expect("signable");
    let expected = sign_string(&prepared, &key);
    assert_eq!(key.sign(&typed).unwrap(), expected);
    assert_eq!(key.sign_json(&value).unwrap(), expected);

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
        black_box(key.sign(black_box(&typed))).ok();
    };
    let json_value = || {
        black_box(key.sign_json(black_box(&value))).ok();
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
