//! The typed API: builders, format newtypes, and tolerant callbacks.

mod support;

use ecommpay_api::BuildProblemKind;
use ecommpay_api::SecretKey;
use ecommpay_api::astropay::{PurchaseParams, SaleRequest};
use ecommpay_api::callback::{Callback, CallbackPaymentStatus};
use ecommpay_api::formats::{
    CountryCode, Cpf, CurrencyCode, DateDmy, Email, FormatError, IpAddress, JsonString, Pan, Phone,
    TimeHms, Url,
};
use ecommpay_api::operation::GateRequest;
use ecommpay_api::payment_page::{PaymentPageError, PaymentPageUrl, verify_url};
use ecommpay_api::shared::Customer;
use ecommpay_api::shared::{General, Identify, Payment};
use ecommpay_api::wire::IntOrString;
use ecommpay_api::{Facts, Validate, ViolationKind};
use serde_json::{Value, json};

fn contains_null(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.iter().any(contains_null),
        Value::Object(map) => map.values().any(contains_null),
        _ => false,
    }
}

fn sale_request() -> SaleRequest {
    let general = General::builder()
        .project_id(210)
        .payment_id("order-1")
        .signature("c2lnbmF0dXJl")
        .build()
        .expect("general builds");
    let payment = Payment::builder()
        .amount(1000u64)
        .currency("BRL".parse::<CurrencyCode>().expect("a currency"))
        .build()
        .expect("payment builds");
    let customer = Customer::builder()
        .id("customer123")
        .ip_address("192.0.2.1".parse::<IpAddress>().expect("an IP"))
        .country("BR".parse::<CountryCode>().expect("a country"))
        .email("john@example.com".parse::<Email>().expect("an email"))
        .build()
        .expect("customer builds");
    SaleRequest::builder()
        .general(general)
        .payment(payment)
        .customer(customer)
        .build()
        .expect("the request builds")
}

#[test]
fn a_built_request_serializes_without_nulls_and_validates() {
    let request = sale_request();
    let value = serde_json::to_value(&request).expect("serializes");
    assert!(
        !contains_null(&value),
        "absent fields must be left out, not null: {value:#}"
    );
    assert_eq!(
        value,
        json!({
            "general": {"project_id": 210, "payment_id": "order-1", "signature": "c2lnbmF0dXJl"},
            "payment": {"amount": 1000, "currency": "BRL"},
            "customer": {"id": "customer123", "ip_address": "192.0.2.1", "country": "BR", "email": "john@example.com"}
        })
    );
    request.validate().expect("the built request is valid");
    request
        .validate_with(&Facts::none())
        .expect("valid without facts");
    // The exported schema and the registry agree.
    let entry = ecommpay_api::operation("astropay.gate.sale").expect("registered");
    assert!(entry.validate_json(&value, &Facts::none()).is_empty());
    assert!(support::schema_validators()["astropay.gate.sale"].is_valid(&value));
    assert_eq!((entry.roundtrip)(&value).expect("round-trips"), value);
    let back: SaleRequest = serde_json::from_value(value).expect("deserializes");
    assert_eq!(back, request);
    assert_eq!(SaleRequest::PATH, "/v2/payment/wallet/astropay/sale");
    assert_eq!(SaleRequest::HTTP_METHOD, "POST");
}

#[test]
fn validate_reports_what_the_types_cannot_say() {
    // A general object without its signature builds (the signature is added when signing), but
    // does not validate.
    let mut request = sale_request();
    request.general.signature = None;
    let violations = request.validate().expect_err("the signature is required").0;
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert_eq!(violations[0].path, "general.signature");
    assert_eq!(violations[0].kind, ViolationKind::Required);
    // Validating before signing says to sign first.
    assert_eq!(
        violations[0].to_string(),
        "general.signature: is required: `sign(&key)` sets it, so sign before validating (the \
         Gate client does both) [required]"
    );
}

#[test]
fn setters_infer_and_build_reports_every_problem_with_its_path() {
    // Typed values, text and plain integer literals all go in as they are written.
    let request = SaleRequest::builder()
        .general(General::builder().project_id(210).payment_id("order-1"))
        .payment(Payment::builder().amount(1000).currency("BRL"))
        .customer(
            Customer::builder()
                .id("c1")
                .ip_address("192.0.2.1")
                .country(CountryCode::new("BR").expect("a country")),
        )
        .build()
        .expect("everything converts");
    assert_eq!(request.payment.amount, Some(1000));
    assert_eq!(
        request.customer.country.as_ref().map(CountryCode::as_str),
        Some("BR")
    );

    // Every problem at once, with the path from the value being built.
    let err = SaleRequest::builder()
        .general(General::builder().project_id(210))
        .payment(Payment::builder().amount(-5).currency("brl"))
        .customer(
            Customer::builder()
                .id("c1")
                .ip_address("999.1.1.1")
                .email("x".repeat(10_000)),
        )
        .build()
        .expect_err("bad values and missing fields");
    let problems: Vec<String> = err.problems.iter().map(ToString::to_string).collect();
    // The members the operation requires inside a part are checked on the parts that built:
    // `customer.country` is named once the customer's values are valid.
    assert_eq!(
        problems,
        [
            "payment.amount: -5 does not fit u64",
            "payment.currency: invalid currency: expected an ISO 4217 alpha-3 currency code (e.g. USD), got \"brl\"",
            "customer.ip_address: invalid ip: expected an IPv4 or IPv6 address, got \"999.1.1.1\"",
            "customer.email: invalid email: expected an email address, got \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…\" (10000 bytes)",
            "general.payment_id: missing",
        ]
    );
    assert_eq!(err.missing(), ["general.payment_id"]);
    let err = SaleRequest::builder()
        .general(General::builder().project_id(210))
        .payment(Payment::builder().amount(5).currency("BRL"))
        .customer(Customer::builder().id("c1").ip_address("192.0.2.1"))
        .build()
        .expect_err("members missing");
    assert_eq!(err.missing(), ["general.payment_id", "customer.country"]);
}

#[test]
fn a_builder_names_every_missing_required_field() {
    let err = SaleRequest::builder().build().expect_err("nothing is set");
    assert_eq!(err.type_name, "SaleRequest");
    assert_eq!(err.missing(), ["general", "payment", "customer"]);
    assert!(
        err.problems
            .iter()
            .all(|p| p.kind == BuildProblemKind::Missing)
    );
    let message = err.to_string();
    for name in ["general", "payment", "customer"] {
        assert!(message.contains(name), "{message}");
    }

    // An object's type leaves every field optional (operations differ in what they require):
    // the request that holds it names each member its operation requires, with its path.
    let customer = Customer::builder()
        .first_name("John")
        .build()
        .expect("an object's type requires nothing");
    let err = SaleRequest::builder()
        .general(General::builder().project_id(210).payment_id("order-1"))
        .payment(Payment::builder().description("no amount"))
        .customer(customer)
        .build()
        .expect_err("required members unset");
    assert_eq!(err.type_name, "SaleRequest");
    assert_eq!(
        err.missing(),
        [
            "payment.amount",
            "payment.currency",
            "customer.id",
            "customer.ip_address",
            "customer.country"
        ]
    );

    // Only what is missing is named.
    let err = SaleRequest::builder()
        .general(General::builder().project_id(210).payment_id("order-1"))
        .payment(Payment::builder().amount(5).currency("BRL"))
        .customer(
            Customer::builder()
                .id("c1")
                .country(CountryCode::new("BR").unwrap()),
        )
        .build()
        .unwrap_err();
    assert_eq!(err.missing(), ["customer.ip_address"]);

    // A nested object with no required field builds empty.
    let identify = Identify::builder().build().expect("nothing is required");
    assert_eq!(serde_json::to_value(identify).unwrap(), json!({}));

    let err = PurchaseParams::builder()
        .project_id(120)
        .payment_id("580")
        .build()
        .expect_err("required fields unset");
    assert_eq!(err.type_name, "PurchaseParams");
    assert_eq!(
        err.missing(),
        [
            "payment_currency",
            "payment_amount",
            "customer_id",
            "customer_country"
        ]
    );
}

#[test]
fn a_payment_page_builder_builds_valid_params() {
    let params = PurchaseParams::builder()
        .project_id(120)
        .payment_id("580")
        .payment_currency(CurrencyCode::new("BRL").unwrap())
        .payment_amount(1000u64)
        .customer_id("customer1")
        .customer_country(CountryCode::new("BR").unwrap())
        .force_payment_method("astropay")
        .payment_methods_options(JsonString::new(r#"{"submethod_code": "PIX"}"#).unwrap())
        .signature("c2lnbmF0dXJl")
        .build()
        .expect("builds");
    params.validate().expect("valid");
    let value = serde_json::to_value(&params).unwrap();
    assert!(!contains_null(&value), "{value:#}");
    assert_eq!(
        value["payment_methods_options"],
        json!(r#"{"submethod_code": "PIX"}"#)
    );
    // Signed as the text parameters (a signature the set carries is left out and replaced), then
    // validated with the signature in place, as `Gate::send` does.
    let key = SecretKey::new("secret").unwrap();
    let mut unsigned = params.clone();
    unsigned.signature = None;
    let signed = PaymentPageUrl::from_params(unsigned, &key).expect("valid params sign");
    let resigned = PaymentPageUrl::from_params(params.clone(), &key).expect("valid params sign");
    assert_eq!(resigned.signature(), signed.signature());
    let url = signed.to_url();
    let parsed = verify_url(&url, &key).expect("the URL verifies");
    assert_eq!(parsed.signature(), Some(signed.signature()));
    assert_eq!(parsed.get("customer_country"), Some("BR"));
    assert_eq!(
        signed.widget_config()["signature"],
        json!(signed.signature())
    );

    // PIX outside Brazil breaks a rule the types cannot express.
    let mut abroad = params;
    abroad.customer_country = CountryCode::new("AR").unwrap();
    let violations = abroad.validate().unwrap_err().0;
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert_eq!(
        (violations[0].path.as_str(), violations[0].kind),
        ("customer_country", ViolationKind::AllowedValues)
    );
    // `from_params` refuses it as `Gate::send` refuses an invalid request: no URL is made.
    match PaymentPageUrl::from_params(abroad, &key) {
        Err(PaymentPageError::Invalid {
            operation,
            violations,
        }) => {
            assert_eq!(operation, "astropay.payment_page.purchase");
            assert_eq!(violations.0[0].path, "customer_country");
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
}

fn rejects<T>(name: &str, bad: &[&str])
where
    T: std::str::FromStr<Err = FormatError> + serde::de::DeserializeOwned + std::fmt::Debug,
{
    for input in bad {
        let err = input
            .parse::<T>()
            .expect_err(&format!("{name}: {input:?} parses"));
        assert_eq!(err.format, name, "{input:?}");
        let json = Value::String((*input).to_owned());
        let err = serde_json::from_value::<T>(json)
            .expect_err(&format!("{name}: {input:?} deserializes"));
        assert!(err.to_string().contains(name), "{name}: {err}");
    }
}

fn accepts<T>(good: &[&str])
where
    T: std::str::FromStr<Err = FormatError>
        + serde::de::DeserializeOwned
        + serde::Serialize
        + AsRef<str>
        + std::fmt::Debug,
{
    for input in good {
        let parsed: T = input.parse().unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(parsed.as_ref(), *input);
        let deserialized: T =
            serde_json::from_value(Value::String((*input).to_owned())).expect("deserializes");
        assert_eq!(
            serde_json::to_value(&deserialized).unwrap(),
            Value::String((*input).to_owned())
        );
    }
}

#[test]
fn format_newtypes_reject_bad_input_in_from_str_and_deserialize() {
    rejects::<CurrencyCode>("currency", &["usd", "US", "USDD", "", "840"]);
    accepts::<CurrencyCode>(&["USD", "BRL"]);
    rejects::<CountryCode>("country", &["BRA", "br", "B"]);
    accepts::<CountryCode>(&["BR", "IN"]);
    rejects::<Email>("email", &["john", "john@", "john doe@example.com"]);
    accepts::<Email>(&["john@example.com"]);
    rejects::<IpAddress>("ip", &["256.1.1.1", "1.2.3", "localhost"]);
    accepts::<IpAddress>(&["192.0.2.0", "2001:db8::1"]);
    rejects::<Phone>("phone", &["12", "+1 555 0100", "+5511912345678", "phone"]);
    accepts::<Phone>(&["11231234567", "5511912345678"]);
    rejects::<Pan>("pan", &["ABCD12345F", "abcde1234f"]);
    accepts::<Pan>(&["EHFGA5967A"]);
    rejects::<Cpf>("cpf", &["1234567890", "123.456.789-01"]);
    accepts::<Cpf>(&["12345678901"]);
    rejects::<DateDmy>("date_dmy", &["2020-11-15", "32-01-2020"]);
    accepts::<DateDmy>(&["15-11-2020"]);
    rejects::<TimeHms>("time_hms", &["24:00:00", "10:00"]);
    accepts::<TimeHms>(&["10:00:00"]);
    rejects::<Url>("url", &["example.com", "ftp://example.com"]);
    accepts::<Url>(&["http://example.com/success"]);
    rejects::<JsonString>("json_string", &[r#"{"submethod_code": "IX\}"#]);
    accepts::<JsonString>(&[r#"{"submethod_code": "PIX"}"#]);
}

#[test]
fn a_bad_format_fails_typed_deserialization_at_its_path() {
    let entry = ecommpay_api::operation("astropay.gate.sale").unwrap();
    let mut value = serde_json::to_value(sale_request()).unwrap();
    value["payment"]["currency"] = json!("usd");
    let err = (entry.roundtrip)(&value).expect_err("a bad currency does not deserialize");
    assert_eq!(err.path, "payment.currency");
    assert!(err.message.contains("currency"), "{err}");
}

#[test]
fn other_parameters_round_trip_and_are_signed_in_their_place() {
    use ecommpay_api::signature::low_level::string_to_sign_json;
    use ecommpay_api::signature::{MessageKind, SortOrder};
    use ecommpay_api::{SecretKey, SignedMessage};

    // Deserialized: kept at their level, and written back.
    let entry = ecommpay_api::operation("astropay.gate.sale").unwrap();
    let mut value = serde_json::to_value(sale_request()).unwrap();
    value["general"]["merchant_callback_url"] = json!("https://merchant.example/cb");
    value["customer"]["nickname"] = json!("jd");
    value["return_url"] = json!({"success": "https://merchant.example/ok"});
    assert_eq!(
        (entry.roundtrip)(&value).expect("other parameters deserialize"),
        value
    );
    let typed: SaleRequest = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(typed.customer.extra["nickname"], json!("jd"));
    assert_eq!(
        typed.extra["return_url"]["success"],
        json!("https://merchant.example/ok")
    );
    // The derived string to sign is the JSON's: the other parameters in their natural place.
    let derived = (entry.derived_string_to_sign.expect("a signed request"))(&value).unwrap();
    assert_eq!(
        derived,
        string_to_sign_json(&value, SortOrder::Natural).unwrap()
    );
    assert!(
        derived.contains(";general:merchant_callback_url:https://merchant.example/cb;"),
        "{derived}"
    );

    // Built: `.other(..)` on any builder, a declared name refused.
    let mut built = SaleRequest::builder()
        .general(
            General::builder()
                .project_id(210)
                .payment_id("order-1")
                .other("merchant_callback_url", "https://merchant.example/cb"),
        )
        .payment(Payment::builder().amount(1000).currency("BRL"))
        .customer(john())
        .other(
            "return_url",
            json!({"success": "https://merchant.example/ok"}),
        )
        .build()
        .expect("other parameters build");
    let key = SecretKey::new("secret").unwrap();
    built.sign(&key).unwrap();
    let sent = serde_json::to_value(&built).unwrap();
    assert_eq!(
        sent["general"]["merchant_callback_url"],
        json!("https://merchant.example/cb")
    );
    key.verify_json(&sent, MessageKind::GateRequest)
        .expect("the signature covers the other parameters");
    let mut tampered = sent.clone();
    tampered["return_url"]["success"] = json!("https://evil.example/");
    assert!(
        key.verify_json(&tampered, MessageKind::GateRequest)
            .is_err()
    );
    let err = Payment::builder()
        .amount(1)
        .currency("BRL")
        .other("amount", 5)
        .build()
        .expect_err("a declared name is not another parameter");
    assert_eq!(
        err.to_string(),
        "cannot build Payment: amount: is a parameter of this type: set it with `.amount(..)`, not `.other(..)`"
    );
}

/// A documented callback.
fn callback_json() -> Value {
    let json = support::example_json("astropay-gate-callback-success");
    assert!(
        json["payment"]["status"].is_string(),
        "the example has a payment status"
    );
    json
}

#[test]
fn callback_enums_keep_unknown_values() {
    let mut json = callback_json();
    let known: Callback = serde_json::from_value(json.clone()).expect("the example deserializes");
    assert!(!matches!(
        known.payment.as_ref().and_then(|p| p.status.clone()),
        Some(CallbackPaymentStatus::Unknown(_))
    ));
    json["payment"]["status"] = json!("something_new");
    let callback: Callback =
        serde_json::from_value(json.clone()).expect("an unknown status is kept");
    let status = callback.payment.as_ref().and_then(|p| p.status.clone());
    // Text makes an open enum without failing; an unlisted value is kept, opaque.
    assert_eq!(status, Some(CallbackPaymentStatus::from("something_new")));
    match status.as_ref() {
        Some(CallbackPaymentStatus::Unknown(value)) => assert_eq!(value.as_str(), "something_new"),
        other => panic!("kept as unknown: {other:?}"),
    }
    assert_eq!(status.unwrap().as_str(), "something_new");
    assert_eq!(
        serde_json::to_value(&callback).unwrap(),
        json,
        "round-trips unchanged"
    );
    assert_eq!(
        CallbackPaymentStatus::from("success"),
        CallbackPaymentStatus::Success
    );
}

#[test]
fn a_closed_enum_says_what_it_expected() {
    use ecommpay_api::paypal::RecurringType;
    assert_eq!(RecurringType::try_from("R"), Ok(RecurringType::R));
    let error = RecurringType::try_from("Z").unwrap_err();
    assert_eq!(error.type_name(), "RecurringType");
    assert_eq!(error.value(), "Z");
    assert_eq!(error.expected(), RecurringType::VALUES);
    assert_eq!(
        error.to_string(),
        format!(
            "unknown RecurringType \"Z\": expected one of {}",
            RecurringType::VALUES.join(", ")
        )
    );
}

#[test]
fn a_callback_keeps_unknown_fields() {
    let mut json = callback_json();
    json["brand_new_field"] = json!({"nested": [1, "two", null]});
    json["payment"]["brand_new_payment_field"] = json!(42);
    let callback: Callback =
        serde_json::from_value(json.clone()).expect("unknown fields are accepted");
    assert_eq!(
        callback.extra.get("brand_new_field"),
        Some(&json!({"nested": [1, "two", null]}))
    );
    assert_eq!(
        callback
            .payment
            .as_ref()
            .unwrap()
            .extra
            .get("brand_new_payment_field"),
        Some(&json!(42))
    );
    assert_eq!(
        serde_json::to_value(&callback).unwrap(),
        json,
        "round-trips with the fields preserved"
    );
    // The registry's round trip agrees, and the callback schema is open too.
    let entry = ecommpay_api::operation("astropay.callback.payment").unwrap();
    assert_eq!((entry.roundtrip)(&json).unwrap(), json);
    assert!(entry.validate_json(&json, &Facts::none()).is_empty());
    assert!(support::schema_validators()["astropay.callback.payment"].is_valid(&json));
}

#[test]
fn a_callback_project_id_printed_as_number_or_string_round_trips() {
    for (printed, expected) in [
        (json!(312), IntOrString::Int(312)),
        (json!("312"), IntOrString::String("312".into())),
    ] {
        let mut json = callback_json();
        json["general"] =
            json!({"project_id": printed, "payment_id": "f8827", "signature": "c2ln"});
        let callback: Callback =
            serde_json::from_value(json.clone()).expect("both spellings deserialize");
        let general = callback.general.as_ref().expect("general");
        assert_eq!(general.project_id.as_ref(), Some(&expected));
        // The top-level project_id too.
        json["project_id"] = printed.clone();
        let callback: Callback =
            serde_json::from_value(json.clone()).expect("both spellings deserialize");
        assert_eq!(callback.project_id.as_ref(), Some(&expected));
        assert_eq!(
            serde_json::to_value(&callback).unwrap(),
            json,
            "re-serialized unchanged"
        );
        let entry = ecommpay_api::operation("astropay.callback.payment").unwrap();
        assert!(
            entry.validate_json(&json, &Facts::none()).is_empty(),
            "{printed}"
        );
        assert!(
            support::schema_validators()["astropay.callback.payment"].is_valid(&json),
            "{printed}"
        );
    }
    // Not any string: digits only.
    let mut json = callback_json();
    json["general"] = json!({"project_id": "three-twelve"});
    let entry = ecommpay_api::operation("astropay.callback.payment").unwrap();
    let violations = entry.validate_json(&json, &Facts::none());
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert_eq!(
        (violations[0].path.as_str(), violations[0].kind),
        ("general.project_id", ViolationKind::Type)
    );
    assert!(!support::schema_validators()["astropay.callback.payment"].is_valid(&json));
}

#[test]
fn a_parameter_with_one_possible_value_is_set_by_the_builder() {
    use ecommpay_api::card_payout::{PayoutParams, PayoutParamsMode};
    let builder = PayoutParams::builder();
    // Nothing set yet, but `mode` is not among what is missing: it can only be `payout`.
    let err = builder.clone().build().expect_err("required fields unset");
    assert!(!err.missing().contains(&"mode"), "{err}");
    assert!(err.missing().contains(&"project_id"), "{err}");
    let debug = format!("{builder:?}");
    assert!(debug.contains("mode: Set(Payout)"), "{debug}");
    assert_eq!(PayoutParamsMode::Payout.as_str(), "payout");
}

#[test]
fn debug_output_never_shows_a_signature() {
    use ecommpay_api::{SecretKey, SignedMessage};
    let key = SecretKey::new("secret").unwrap();
    // A Gate request, signed: `general.signature` is set.
    let mut sale = SaleRequest::builder()
        .general(General::builder().project_id(210).payment_id("order-1"))
        .payment(Payment::builder().amount(1000).currency("BRL"))
        .customer(john())
        .build()
        .expect("builds");
    sale.sign(&key).unwrap();
    let signature = sale.general.signature.clone().expect("signed");
    let shown = format!("{sale:?}");
    assert!(!shown.contains(&signature), "{shown}");
    assert!(shown.contains("signature: Some(<redacted>)"), "{shown}");
    // A builder given a signature.
    let builder = General::builder()
        .project_id(210)
        .payment_id("order-1")
        .signature(signature.clone());
    let shown = format!("{builder:?}");
    assert!(!shown.contains(&signature), "{shown}");
    assert!(shown.contains("signature: Set(<redacted>)"), "{shown}");
    // A callback read back: its signature is redacted too.
    let mut body = callback_json();
    let callback_signature = key.sign_json(&body).unwrap();
    body["signature"] = json!(callback_signature.clone());
    let callback: Callback = serde_json::from_value(body).expect("deserializes");
    let shown = format!("{callback:?}");
    assert!(!shown.contains(&callback_signature), "{shown}");
    assert!(shown.contains("<redacted>"), "{shown}");
}

/// The customer of the sales these tests build.
fn john() -> ecommpay_api::shared::builder::CustomerBuilder {
    Customer::builder()
        .id("customer123")
        .ip_address("192.0.2.1")
        .country("BR")
        .email("john@example.com")
}
