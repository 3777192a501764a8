//! The three documented vectors, signed through every path.

use ecommpay_api::SecretKey;
use ecommpay_api::signature::low_level::{embed, string_to_sign_json};
use ecommpay_api::signature::{MessageKind, SortOrder};
use serde_json::{Value, json};

const VENDOR_DOC_MESSAGE: &str = r#"{"general":{"project_id":3254,"payment_id":"id_38202316"},"customer":{"id":"585741","email":"johndoe@example.com","first_name":"John","last_name":"Doe","address":"Downing str., 23","identify":{"doc_number":"54122312544"},"ip_address":"198.51.100.47"},"payment":{"amount":10800,"currency":"USD","description":"Computer keyboards"},"receipt_data":{"positions":[{"quantity":"10","amount":"108","description":"Computer keyboard"}]},"return_url":{"success":"https://paymentpage.example.com/complete-redirect?id=success","decline":"https://paymentpage.example.com/complete-redirect?id=decline"}}"#;
const VENDOR_DOC_STRING_TO_SIGN: &str = "customer:address:Downing str., 23;customer:email:johndoe@example.com;customer:first_name:John;customer:id:585741;customer:identify:doc_number:54122312544;customer:ip_address:198.51.100.47;customer:last_name:Doe;general:payment_id:id_38202316;general:project_id:3254;payment:amount:10800;payment:currency:USD;payment:description:Computer keyboards;receipt_data:positions:0:amount:108;receipt_data:positions:0:description:Computer keyboard;receipt_data:positions:0:quantity:10;return_url:decline:https://paymentpage.example.com/complete-redirect?id=decline;return_url:success:https://paymentpage.example.com/complete-redirect?id=success";
const VENDOR_DOC_SIGNATURE: &str =
    "lagSnuspAn+F6XkmQISqwtBg0PsiTy62fF9x33TM+278mnufIDZyi1yP0BQALuCxyikkIxIMbodBn2F8hMdRwA==";

const SDK_PAYMENT: &str = r#"{"payment":{"id":"test-payment","status":"success"},"some_bool_param":true,"frame_mode":"popup"}"#;
const SDK_PAYMENT_SIGNATURE: &str =
    "TZS0J65ReNUMgKzeXUey9xOGGyC7r4OhsFXt/3H8XZM2Le8Wot2E1NIjeSPOyV1F3sUU6F3kfo9om2dhbe3ieA==";

const SDK_CARD: &str = r#"{"customer":{"project_id":0,"id":"sutm_id"},"card":{"pan":"4242424242424242","year":2020,"month":8,"card_holder":"John Smith","cvv":"123","save":true},"frame_mode":"popup"}"#;
const SDK_CARD_SIGNATURE: &str =
    "lY0LTSAzpR7zGce5qfYGacOuYlHGWqkMcQlqmjlsDDZI2gVcE1qVeWANnkIR7mdOqRXJnL1kO0lUmkQ0YYLWRg==";

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

const VECTORS: [(&str, &str, &str); 3] = [
    (VENDOR_DOC_MESSAGE, "secret", VENDOR_DOC_SIGNATURE),
    (SDK_PAYMENT, "qwerty", SDK_PAYMENT_SIGNATURE),
    (SDK_CARD, "secret", SDK_CARD_SIGNATURE),
];

#[test]
fn vendor_documentation_string_to_sign() {
    let message = parse(VENDOR_DOC_MESSAGE);
    let actual = string_to_sign_json(&message, SortOrder::Natural).unwrap();
    let expected: Vec<&str> = VENDOR_DOC_STRING_TO_SIGN.split(';').collect();
    let actual: Vec<&str> = actual.split(';').collect();
    assert_eq!(actual, expected, "compare entry by entry");
}

#[test]
fn the_three_vectors_sign_as_documented_under_every_order() {
    // None of them has an array of 10 or more elements or digit runs in keys, so the three
    // orders agree.
    for (message, key, signature) in VECTORS {
        let message = parse(message);
        let key = SecretKey::new(key).unwrap();
        for order in [
            SortOrder::Natural,
            SortOrder::BytewiseKey,
            SortOrder::BytewiseEntry,
        ] {
            assert_eq!(
                key.signer().with_order(order).sign_json(&message).unwrap(),
                signature,
                "{order:?}"
            );
        }
    }
}

#[test]
fn signatures_are_88_characters_of_padded_base64() {
    for (_, _, signature) in VECTORS {
        assert_eq!(signature.len(), 88);
        assert!(signature.ends_with("=="));
    }
}

#[test]
fn an_existing_signature_is_ignored_when_signing() {
    let key = SecretKey::new("secret").unwrap();
    let mut gate = parse(VENDOR_DOC_MESSAGE);
    gate["general"]["signature"] = json!("stale");
    assert_eq!(key.sign_json(&gate).unwrap(), VENDOR_DOC_SIGNATURE);

    let mut page = parse(SDK_CARD);
    page["signature"] = json!("stale");
    assert_eq!(key.sign_json(&page).unwrap(), SDK_CARD_SIGNATURE);
}

#[test]
fn embedded_signatures_verify() {
    for (message, key, signature) in VECTORS {
        let key = SecretKey::new(key).unwrap();
        for kind in [
            MessageKind::GateRequest,
            MessageKind::PaymentPage,
            MessageKind::Callback,
        ] {
            let mut message = parse(message);
            embed(&mut message, kind, signature).unwrap();
            key.verify_json(&message, kind).unwrap();
        }
    }
    let mut gate = parse(VENDOR_DOC_MESSAGE);
    embed(&mut gate, MessageKind::GateRequest, VENDOR_DOC_SIGNATURE).unwrap();
    assert_eq!(gate["general"]["signature"], VENDOR_DOC_SIGNATURE);
    assert!(gate.get("signature").is_none());
}
