//! The law: for every type, the canonical form written by `#[derive(Canonical)]` equals the
//! canonical form of `serde_json::to_value` of the same value, under every order and kind.

use std::collections::{BTreeMap, HashMap};

use ecommpay_api::SecretKey;
use ecommpay_api::signature::low_level::{sign_string, string_to_sign, string_to_sign_json};
use ecommpay_api::signature::{Canonical, SortOrder};
use proptest::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// Hand-written message types, shaped like the platform's.

#[derive(Serialize, Canonical, Clone, Debug)]
struct GateRequest {
    general: General,
    customer: Customer,
    payment: Payment,
    #[serde(skip_serializing_if = "Option::is_none")]
    receipt_data: Option<ReceiptData>,
    #[serde(skip_serializing_if = "Option::is_none")]
    return_url: Option<ReturnUrl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    frame_mode: Option<String>,
}

#[derive(Serialize, Canonical, Clone, Debug)]
struct General {
    project_id: u64,
    payment_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    signature: Option<String>,
}

#[derive(Serialize, Canonical, Clone, Debug)]
struct Customer {
    id: String,
    // No `skip_serializing_if`: `None` is `null`, an empty value.
    email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<String>,
    // Without `skip_serializing_if` an absent object is `identify:` (null).
    identify: Option<Identify>,
    ip_address: String,
}

#[derive(Serialize, Canonical, Clone, Debug)]
struct Identify {
    doc_number: String,
}

#[derive(Serialize, Canonical, Clone, Debug)]
struct Payment {
    amount: u64,
    currency: Currency,
    #[serde(skip_serializing_if = "String::is_empty")]
    description: String,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<PaymentType>,
}

#[derive(Serialize, Canonical, Clone, Copy, Debug)]
#[serde(rename_all = "UPPERCASE")]
enum Currency {
    Usd,
    Eur,
    Brl,
}

#[derive(Serialize, Canonical, Clone, Copy, Debug)]
#[serde(rename_all = "snake_case")]
enum PaymentType {
    Purchase,
    AwaitingPayoutCompletion,
}

#[derive(Serialize, Canonical, Clone, Debug)]
struct ReceiptData {
    positions: Vec<Position>,
}

#[derive(Serialize, Canonical, Clone, Debug)]
struct Position {
    quantity: String,
    amount: String,
    description: String,
}

#[derive(Serialize, Canonical, Clone, Debug)]
struct ReturnUrl {
    success: String,
    decline: String,
}

/// Payment Page parameters: flat, camel-cased Rust names renamed, a top-level signature.
#[derive(Serialize, Canonical, Clone, Debug)]
#[serde(rename_all = "snake_case")]
struct PaymentPage {
    project_id: ProjectId,
    payment_id: String,
    payment_amount: u64,
    payment_currency: Currency,
    customer_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    payment_methods_options: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    force_payment_method: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signature: Option<String>,
}

/// A newtype: the inner value.
#[derive(Serialize, Canonical, Clone, Copy, Debug)]
struct ProjectId(u64);

/// Keys chosen to stress the order: prefixes, digits, colons, whitespace, leading zeros,
/// Cyrillic, and fields whose entries are leaves or containers depending on the value.
#[derive(Serialize, Canonical, Clone, Debug)]
#[serde(rename_all = "camelCase")]
struct Tricky {
    #[serde(rename = "a")]
    a: Option<Inner>,
    #[serde(rename = "a0")]
    a0: bool,
    #[serde(rename = "a:b")]
    a_colon_b: String,
    #[serde(rename = "a-b")]
    a_dash_b: Vec<u8>,
    #[serde(rename = "имя")]
    name: String,
    item2: i8,
    item10: u64,
    some_map: BTreeMap<String, i64>,
    hash_map: HashMap<String, Vec<Option<bool>>>,
    value: Value,
    #[serde(rename = "x 1")]
    x_space_1: u16,
    #[serde(rename = "x1")]
    x1: u16,
    #[serde(rename = "01")]
    zero_one: Option<u32>,
    #[serde(rename = "1")]
    one: Option<u32>,
    big: u64,
    negative: i64,
    wide: i128,
    empty: Vec<Inner>,
    nested: Vec<Vec<Option<bool>>>,
    frame_mode: String,
    choice: Choice,
    either: IntOrString,
    transparent: Label,
    #[serde(skip)]
    #[allow(dead_code)]
    not_sent: u8,
    #[signature]
    signature: String,
}

#[derive(Serialize, Canonical, Clone, Debug)]
struct Inner {
    #[serde(rename = "b")]
    b: Option<String>,
    #[serde(rename = "c")]
    c: Vec<u32>,
    signature: String,
}

#[derive(Serialize, Canonical, Clone, Debug)]
struct Holder {
    items: Vec<Inner>,
    by_key: BTreeMap<String, Inner>,
}

#[derive(Serialize, Canonical, Clone, Debug)]
enum Choice {
    Unit,
    Wrapped(Inner),
    #[serde(rename = "num:ber")]
    Number(u8),
}

#[derive(Serialize, Canonical, Clone, Debug)]
#[serde(untagged)]
enum IntOrString {
    Int(i64),
    Text(String),
    Nothing,
}

#[derive(Serialize, Canonical, Clone, Debug)]
#[serde(transparent)]
struct Label {
    text: String,
}

/// Parameters the type does not declare, flattened among the declared ones (as generated request
/// types keep "any other parameter of the platform's specification").
#[derive(Serialize, Canonical, Clone, Debug)]
struct WithOthers {
    amount: u64,
    a10: String,
    #[serde(flatten)]
    others: serde_json::Map<String, Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signature: Option<String>,
}

/// The same with the flattened map last, as generated types have `extra`: the derive streams the
/// declared fields in their static order when the map is empty, and sorts at run time otherwise.
#[derive(Serialize, Canonical, Clone, Debug)]
struct WithTrailingOthers {
    amount: u64,
    a10: String,
    #[serde(flatten)]
    others: serde_json::Map<String, Value>,
}

// ---------------------------------------------------------------------------------------------
// The law.

const ORDERS: [SortOrder; 3] = [
    SortOrder::Natural,
    SortOrder::BytewiseKey,
    SortOrder::BytewiseEntry,
];

/// Signing takes no kind of message (every `signature` is left out whatever the kind), so the
/// law is checked under each order.
fn assert_law<T: Canonical + Serialize>(message: &T) -> Result<(), TestCaseError> {
    let value = serde_json::to_value(message).unwrap();
    for order in ORDERS {
        let derived = string_to_sign(message, order).unwrap();
        let through_json = string_to_sign_json(&value, order).unwrap();
        prop_assert_eq!(&derived, &through_json, "{:?} {}", order, value);
        // The streaming signer (entries straight into the HMAC) signs that very string.
        let key = SecretKey::new("law-key").unwrap();
        prop_assert_eq!(
            key.signer().with_order(order).sign(message).unwrap(),
            sign_string(&through_json, &key),
            "{:?} {}",
            order,
            value
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Generated values.

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9:_ ]{0,8}",
        "[а-яё0-9 ]{0,6}",
        Just(String::new()),
        Just("signature".to_owned()),
        Just("frame_mode".to_owned()),
        Just("a:b".to_owned()),
        Just("{\"submethod_code\": \"PIX\"}".to_owned()),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-c0-9:_ ]{0,4}",
        "[a-c]{1,2}[0-9]{1,3}",
        "0[0-9]{0,2}",
        "[бв]{1,2}",
        Just("signature".to_owned()),
        Just("frame_mode".to_owned()),
        Just(String::new()),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 12, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..13).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

prop_compose! {
    fn inner()(b in prop::option::of(text()), c in prop::collection::vec(any::<u32>(), 0..13), signature in text()) -> Inner {
        Inner { b, c, signature }
    }
}

fn currency() -> impl Strategy<Value = Currency> {
    prop_oneof![
        Just(Currency::Usd),
        Just(Currency::Eur),
        Just(Currency::Brl)
    ]
}

fn choice() -> impl Strategy<Value = Choice> {
    prop_oneof![
        Just(Choice::Unit),
        inner().prop_map(Choice::Wrapped),
        any::<u8>().prop_map(Choice::Number)
    ]
}

fn int_or_string() -> impl Strategy<Value = IntOrString> {
    prop_oneof![
        any::<i64>().prop_map(IntOrString::Int),
        text().prop_map(IntOrString::Text),
        Just(IntOrString::Nothing)
    ]
}

// Strategies stay small (a few fields each): large `prop_compose!` tuples overflow the test
// thread's stack in debug builds.
prop_compose! {
    fn tricky_keys()(
        a in prop::option::of(inner()),
        a0 in any::<bool>(),
        a_colon_b in text(),
        a_dash_b in prop::collection::vec(any::<u8>(), 0..3),
        name in text(),
        (item2, item10) in (any::<i8>(), any::<u64>()),
    ) -> (Option<Inner>, bool, String, Vec<u8>, String, i8, u64) {
        (a, a0, a_colon_b, a_dash_b, name, item2, item10)
    }
}

prop_compose! {
    fn tricky_containers()(
        some_map in prop::collection::btree_map(key(), any::<i64>(), 0..6),
        hash_map in prop::collection::hash_map(key(), prop::collection::vec(prop::option::of(any::<bool>()), 0..13), 0..4),
        value in json_value(),
        empty in prop::collection::vec(inner(), 0..2),
        nested in prop::collection::vec(prop::collection::vec(prop::option::of(any::<bool>()), 0..3), 0..12),
    ) -> (BTreeMap<String, i64>, HashMap<String, Vec<Option<bool>>>, Value, Vec<Inner>, Vec<Vec<Option<bool>>>) {
        (some_map, hash_map, value, empty, nested)
    }
}

prop_compose! {
    fn tricky_numbers()(
        (x_space_1, x1) in (any::<u16>(), any::<u16>()),
        (zero_one, one) in (prop::option::of(any::<u32>()), prop::option::of(any::<u32>())),
        big in (1u64 << 53)..,
        negative in i64::MIN..0,
        wide in (i128::from(i64::MIN))..=(i128::from(u64::MAX)),
    ) -> (u16, u16, Option<u32>, Option<u32>, u64, i64, i128) {
        (x_space_1, x1, zero_one, one, big, negative, wide)
    }
}

prop_compose! {
    fn tricky()(
        (a, a0, a_colon_b, a_dash_b, name, item2, item10) in tricky_keys(),
        (some_map, hash_map, value, empty, nested) in tricky_containers(),
        (x_space_1, x1, zero_one, one, big, negative, wide) in tricky_numbers(),
        (frame_mode, label, sig) in (text(), text(), text()),
        choice in choice(),
        either in int_or_string(),
    ) -> Tricky {
        Tricky {
            a, a0, a_colon_b, a_dash_b, name, item2, item10, some_map, hash_map, value, x_space_1, x1,
            zero_one, one, big, negative, wide, empty, nested, frame_mode, choice, either,
            transparent: Label { text: label }, not_sent: 7, signature: sig,
        }
    }
}

prop_compose! {
    fn position()(quantity in "[0-9]{1,3}", amount in "[0-9]{1,5}", description in text()) -> Position {
        Position { quantity, amount, description }
    }
}

prop_compose! {
    fn general()(project_id in any::<u64>(), payment_id in text(), signature in prop::option::of(text())) -> General {
        General { project_id, payment_id, signature }
    }
}

prop_compose! {
    fn customer()(
        id in text(),
        email in prop::option::of(text()),
        first_name in prop::option::of(text()),
        address in prop::option::of(text()),
        identify in prop::option::of(text()),
    ) -> Customer {
        Customer {
            id, email, first_name, last_name: None, address,
            identify: identify.map(|doc_number| Identify { doc_number }),
            ip_address: "198.51.100.47".to_owned(),
        }
    }
}

prop_compose! {
    fn payment()(
        amount in any::<u64>(),
        currency in currency(),
        description in text(),
        kind in prop::option::of(prop_oneof![Just(PaymentType::Purchase), Just(PaymentType::AwaitingPayoutCompletion)]),
    ) -> Payment {
        Payment { amount, currency, description, kind }
    }
}

prop_compose! {
    fn gate_request()(
        general in general(),
        customer in customer(),
        payment in payment(),
        positions in prop::option::of(prop::collection::vec(position(), 0..15)),
        return_url in prop::option::of((text(), text())),
        frame_mode in prop::option::of(text()),
    ) -> GateRequest {
        GateRequest {
            general,
            customer,
            payment,
            receipt_data: positions.map(|positions| ReceiptData { positions }),
            return_url: return_url.map(|(success, decline)| ReturnUrl { success, decline }),
            frame_mode,
        }
    }
}

prop_compose! {
    fn payment_page()(
        (project_id, payment_id, payment_amount) in (any::<u64>(), text(), any::<u64>()),
        payment_currency in currency(),
        customer_id in text(),
        (payment_methods_options, force_payment_method, signature) in
            (prop::option::of(text()), prop::option::of(text()), prop::option::of(text())),
    ) -> PaymentPage {
        PaymentPage {
            project_id: ProjectId(project_id), payment_id, payment_amount, payment_currency, customer_id,
            payment_methods_options, force_payment_method, signature,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn law_gate_request(message in gate_request()) {
        assert_law(&message)?;
    }

    #[test]
    fn law_payment_page(message in payment_page()) {
        assert_law(&message)?;
    }

    #[test]
    fn law_tricky(message in tricky()) {
        assert_law(&message)?;
    }

    #[test]
    fn law_flattened_other_parameters(
        amount in any::<u64>(),
        a10 in text(),
        others in prop::collection::btree_map(key(), json_value(), 0..6),
        signature in prop::option::of(text()),
    ) {
        // Declared names never reach the map: deserialization keeps them in their fields and
        // builders refuse them as other parameters.
        let others: serde_json::Map<String, Value> = others
            .into_iter()
            .filter(|(k, _)| !["amount", "a10", "signature"].contains(&k.as_str()))
            .collect();
        assert_law(&WithTrailingOthers { amount, a10: a10.clone(), others: others.clone() })?;
        assert_law(&WithOthers { amount, a10, others, signature })?;
    }

    #[test]
    fn law_vec_and_map_of_derived(
        items in prop::collection::vec(inner(), 0..14),
        by_key in prop::collection::btree_map(key(), inner(), 0..5),
    ) {
        assert_law(&Holder { items, by_key })?;
    }
}

// ---------------------------------------------------------------------------------------------
// Fixed cases.

fn vendor_doc_request() -> GateRequest {
    GateRequest {
        general: General {
            project_id: 3254,
            payment_id: "id_38202316".into(),
            signature: None,
        },
        customer: Customer {
            id: "585741".into(),
            email: Some("johndoe@example.com".into()),
            first_name: Some("John".into()),
            last_name: Some("Doe".into()),
            address: Some("Downing str., 23".into()),
            identify: Some(Identify {
                doc_number: "54122312544".into(),
            }),
            ip_address: "198.51.100.47".into(),
        },
        payment: Payment {
            amount: 10800,
            currency: Currency::Usd,
            description: "Computer keyboards".into(),
            kind: None,
        },
        receipt_data: Some(ReceiptData {
            positions: vec![Position {
                quantity: "10".into(),
                amount: "108".into(),
                description: "Computer keyboard".into(),
            }],
        }),
        return_url: Some(ReturnUrl {
            success: "https://paymentpage.example.com/complete-redirect?id=success".into(),
            decline: "https://paymentpage.example.com/complete-redirect?id=decline".into(),
        }),
        frame_mode: Some("popup".into()),
    }
}

#[test]
fn derived_vendor_doc_request_signs_to_the_documented_signature() {
    let mut request = vendor_doc_request();
    let key = SecretKey::new("secret").unwrap();
    let expected =
        "lagSnuspAn+F6XkmQISqwtBg0PsiTy62fF9x33TM+278mnufIDZyi1yP0BQALuCxyikkIxIMbodBn2F8hMdRwA==";
    assert_eq!(key.sign(&request).unwrap(), expected);
    request.general.signature = Some("stale".into());
    assert_eq!(key.sign(&request).unwrap(), expected);
    assert_law(&request).unwrap();
}

#[test]
fn receipt_of_twelve_positions_under_both_orders() {
    let mut request = vendor_doc_request();
    let positions: Vec<Position> = (0..12)
        .map(|i| Position {
            quantity: "1".into(),
            amount: i.to_string(),
            description: format!("item {i}"),
        })
        .collect();
    request.receipt_data = Some(ReceiptData { positions });
    let natural = string_to_sign(&request, SortOrder::Natural).unwrap();
    let amounts = |s: &str| -> Vec<String> {
        s.split(';')
            .filter(|e| e.starts_with("receipt_data:") && e.contains(":amount:"))
            .map(str::to_owned)
            .collect()
    };
    let natural_order: Vec<String> = (0..12)
        .map(|i| format!("receipt_data:positions:{i}:amount:{i}"))
        .collect();
    assert_eq!(amounts(&natural), natural_order);
    let bytewise = string_to_sign(&request, SortOrder::BytewiseKey).unwrap();
    let mut bytewise_order = natural_order.clone();
    bytewise_order.sort();
    assert_eq!(amounts(&bytewise), bytewise_order);
    // `10:` and `11:` sort before `1:` byte-wise, since `:` comes after the digits.
    assert_eq!(
        &bytewise_order[..4],
        [0, 10, 11, 1].map(|i| format!("receipt_data:positions:{i}:amount:{i}"))
    );
    assert_law(&request).unwrap();
}

#[test]
fn tricky_fixed_value() {
    let message = Tricky {
        a: Some(Inner {
            b: None,
            c: vec![1, 2, 3],
            signature: "nested signatures are left out, as verifying leaves them out".into(),
        }),
        a0: true,
        a_colon_b: "colon".into(),
        a_dash_b: vec![],
        name: "Иван".into(),
        item2: -2,
        item10: 10,
        some_map: [
            ("k:1".to_owned(), 1),
            ("k10".to_owned(), 10),
            ("k2".to_owned(), 2),
        ]
        .into_iter()
        .collect(),
        hash_map: HashMap::new(),
        value: json!({"z": [true, false, null], "y": {}, "frame_mode": "x", "signature": "top"}),
        x_space_1: 1,
        x1: 2,
        zero_one: Some(1),
        one: None,
        big: 9_007_199_254_740_993,
        negative: i64::MIN,
        wide: i128::from(u64::MAX),
        empty: vec![],
        nested: vec![vec![], vec![Some(true), None]],
        frame_mode: "popup".into(),
        choice: Choice::Number(5),
        either: IntOrString::Nothing,
        transparent: Label {
            text: "label".into(),
        },
        not_sent: 0,
        signature: "skipped".into(),
    };
    assert_law(&message).unwrap();
    let canonical = string_to_sign(&message, SortOrder::Natural).unwrap();
    assert!(canonical.contains("big:9007199254740993"), "{canonical}");
    assert!(
        canonical.contains("negative:-9223372036854775808"),
        "{canonical}"
    );
    assert!(canonical.contains("имя:Иван"), "{canonical}");
    assert!(canonical.contains("a::b:colon"), "{canonical}");
    assert!(!canonical.contains("signature"), "{canonical}");
    assert!(
        !canonical.contains("frame_mode")
            && !canonical.contains("skipped")
            && !canonical.contains("sig:"),
        "{canonical}"
    );
}
