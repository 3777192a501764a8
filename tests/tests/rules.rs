//! One test per rule of the spec: a valid payload from an example, mutated; the exact violations
//! (path and kind) Validate reports, and the exported JSON Schema's verdict agreeing with it
//! (except where the schema cannot see: facts, and `must_differ_from`).

mod support;

use std::collections::BTreeMap;
use std::sync::LazyLock;

use ecommpay_api::{Fact, Facts, ViolationKind as K};
use serde_json::{Value, json};

use support::{example_json, schema_errors, set_path};

static VALIDATORS: LazyLock<BTreeMap<String, jsonschema::Validator>> =
    LazyLock::new(support::schema_validators);

/// What the JSON Schema is expected to say.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Schema {
    /// The schema's verdict equals Validate's.
    Agrees,
    /// The schema cannot see this rule (facts, `must_differ_from`, a number with a zero
    /// fraction or more than 14 significant digits): it accepts the payload.
    Blind,
}

/// Validates `payload` and asserts exactly the `expected` violations (path, kind).
fn expect(operation: &str, payload: &Value, facts: &Facts, expected: &[(&str, K)], schema: Schema) {
    let entry =
        ecommpay_api::operation(operation).unwrap_or_else(|| panic!("no operation {operation}"));
    let violations = entry.validate_json(payload, facts);
    let mut got: Vec<(String, K)> = violations
        .iter()
        .map(|v| (v.path.clone(), v.kind))
        .collect();
    got.sort();
    // `best_before` in payout mode is reported twice (the field is forbidden and a rule forbids it).
    got.dedup();
    let mut want: Vec<(String, K)> = expected
        .iter()
        .map(|(p, k)| ((*p).to_owned(), *k))
        .collect();
    want.sort();
    assert_eq!(
        got, want,
        "{operation}: Validate reports {violations:#?}\nfor {payload:#}"
    );
    let validator = &VALIDATORS[operation];
    let schema_valid = validator.is_valid(payload);
    let expected_valid = match schema {
        Schema::Agrees => expected.is_empty(),
        Schema::Blind => true,
    };
    support::record(
        "rules",
        &support::payload_name(operation, payload),
        operation,
        payload,
        expected_valid,
    );
    assert_eq!(
        schema_valid,
        expected_valid,
        "{operation}: the JSON Schema says valid={schema_valid} ({:?}), Validate reports {violations:?}",
        schema_errors(validator, payload)
    );
}

fn valid(operation: &str, payload: &Value) {
    expect(operation, payload, &Facts::none(), &[], Schema::Agrees);
}

fn with(mut payload: Value, changes: &[(&str, Option<Value>)]) -> Value {
    for (path, value) in changes {
        set_path(&mut payload, path, value.clone());
    }
    payload
}

// ----- one-of groups -----

#[test]
fn astropay_payout_needs_phone_or_account_id() {
    const OP: &str = "astropay.gate.payout";
    let base = example_json("astropay-payout-request");
    assert!(base["customer"].get("phone").is_some());
    valid(OP, &base);
    let neither = with(base.clone(), &[("customer.phone", None)]);
    expect(
        OP,
        &neither,
        &Facts::none(),
        &[("customer", K::OneOf)],
        Schema::Agrees,
    );
    let account_only = with(
        neither.clone(),
        &[("customer.account_id", Some(json!("wallet-42")))],
    );
    valid(OP, &account_only);
    let both = with(base, &[("customer.account_id", Some(json!("wallet-42")))]);
    valid(OP, &both);
}

#[test]
fn pix_payout_needs_email_or_phone() {
    const OP: &str = "astropay.gate.pix_payout";
    let base = example_json("astropay-pix-payout-request");
    assert!(base["customer"].get("email").is_some() && base["customer"].get("phone").is_none());
    valid(OP, &base);
    let neither = with(base.clone(), &[("customer.email", None)]);
    expect(
        OP,
        &neither,
        &Facts::none(),
        &[("customer", K::OneOf)],
        Schema::Agrees,
    );
    let phone_only = with(neither, &[("customer.phone", Some(json!("5511912345678")))]);
    valid(OP, &phone_only);
}

// ----- facts -----

#[test]
fn partial_refund_needs_amount_and_currency() {
    const OP: &str = "paypal.gate.refund";
    let partial = Facts::none().with(Fact::RefundIsPartial);
    let base = example_json("paypal-gate-refund-request");
    valid(OP, &base);
    expect(OP, &base, &partial, &[], Schema::Agrees);
    let full = with(
        base.clone(),
        &[("payment.amount", None), ("payment.currency", None)],
    );
    // A full refund sends neither.
    valid(OP, &full);
    // A partial refund must send both (the schema cannot see the fact: it accepts).
    expect(
        OP,
        &full,
        &partial,
        &[
            ("payment.amount", K::RequiredIf),
            ("payment.currency", K::RequiredIf),
        ],
        Schema::Blind,
    );
    let no_currency = with(base, &[("payment.currency", None)]);
    expect(
        OP,
        &no_currency,
        &partial,
        &[("payment.currency", K::RequiredIf)],
        Schema::Blind,
    );
}

/// The card payout example with its two errata (strings for integers) corrected.
fn card_payout_params() -> Value {
    with(
        example_json("card_payout-pp-payout-request"),
        &[
            ("project_id", Some(json!(91348))),
            ("payment_amount", Some(json!(7000))),
        ],
    )
}

#[test]
fn visa_card_issued_in_canada_needs_the_recipient_address() {
    const OP: &str = "card_payout.payment_page.payout";
    let canada = Facts::none().with(Fact::VisaCardIssuedInCanada);
    let base = card_payout_params();
    valid(OP, &base);
    expect(
        OP,
        &base,
        &canada,
        &[
            ("recipient_address", K::RequiredIf),
            ("recipient_city", K::RequiredIf),
            ("recipient_country", K::RequiredIf),
        ],
        Schema::Blind,
    );
    let address = |country: &str| {
        with(
            base.clone(),
            &[
                ("recipient_country", Some(json!(country))),
                ("recipient_city", Some(json!("Toronto"))),
                ("recipient_address", Some(json!("1 Front St W"))),
            ],
        )
    };
    // In Canada or the United States the state is required too.
    for country in ["CA", "US"] {
        let without_state = address(country);
        valid(OP, &without_state);
        expect(
            OP,
            &without_state,
            &canada,
            &[("recipient_state", K::RequiredIf)],
            Schema::Blind,
        );
        let with_state = with(without_state, &[("recipient_state", Some(json!("ON")))]);
        expect(OP, &with_state, &canada, &[], Schema::Agrees);
    }
    // Elsewhere it is not.
    expect(OP, &address("FR"), &canada, &[], Schema::Agrees);
}

// ----- values depending on other values -----

#[test]
fn pix_submethod_needs_customer_country_br() {
    const OP: &str = "astropay.payment_page.purchase";
    let base = example_json("astropay-pp-purchase-request");
    assert_eq!(base["customer_country"], "BR");
    let pix = with(
        base,
        &[
            (
                "payment_methods_options",
                Some(json!("{\"submethod_code\": \"PIX\"}")),
            ),
            ("force_payment_method", Some(json!("astropay"))),
        ],
    );
    valid(OP, &pix);
    let argentina = with(pix.clone(), &[("customer_country", Some(json!("AR")))]);
    expect(
        OP,
        &argentina,
        &Facts::none(),
        &[("customer_country", K::AllowedValues)],
        Schema::Agrees,
    );
    // PIX preselected also needs force_payment_method=astropay.
    let unforced = with(pix.clone(), &[("force_payment_method", None)]);
    expect(
        OP,
        &unforced,
        &Facts::none(),
        &[("force_payment_method", K::RequiredIf)],
        Schema::Agrees,
    );
    let other_method = with(
        pix.clone(),
        &[("force_payment_method", Some(json!("card")))],
    );
    // The method's own code is the only one its Payment Page names (line 99); with PIX the rule
    // says so too.
    expect(
        OP,
        &other_method,
        &Facts::none(),
        &[
            ("force_payment_method", K::Enum),
            ("force_payment_method", K::AllowedValues),
        ],
        Schema::Agrees,
    );
    // Without PIX, any country.
    let card = with(
        argentina.clone(),
        &[(
            "payment_methods_options",
            Some(json!("{\"submethod_code\": \"CARD\"}")),
        )],
    );
    valid(OP, &card);
    // The PIX button (a fact) needs BR too; the schema cannot see it.
    let no_options = with(
        argentina,
        &[
            ("payment_methods_options", None),
            ("force_payment_method", None),
        ],
    );
    valid(OP, &no_options);
    expect(
        OP,
        &no_options,
        &Facts::none().with(Fact::AstropayPixButtonChosen),
        &[("customer_country", K::AllowedValues)],
        Schema::Blind,
    );
}

/// A valid PayPal Payment Page recurring registration: the documented example with
/// `payment_methods_options` as the JSON string the text asks for.
/// The documented recurring registration with its errata corrected: `payment_methods_options`
/// as a string, and the `interval` its `period` goes with.
fn paypal_recurring_params() -> Value {
    let mut params = example_json("paypal-pp-recurring-request");
    let options = params["payment_methods_options"].to_string();
    params["payment_methods_options"] = Value::String(options);
    params["recurring"]["interval"] = json!(1);
    params
}

#[test]
fn recurring_period_and_interval_go_together_both_ways() {
    const OP: &str = "paypal.payment_page.recurring_registration";
    let base = paypal_recurring_params();
    valid(OP, &base);
    expect(
        OP,
        &with(base.clone(), &[("recurring.interval", None)]),
        &Facts::none(),
        &[("recurring.interval", K::Requires)],
        Schema::Agrees,
    );
    expect(
        OP,
        &with(
            base,
            &[("recurring.period", None), ("recurring.time", None)],
        ),
        &Facts::none(),
        // A regular payment (type R) needs its period anyway.
        &[
            ("recurring.period", K::RequiredIf),
            ("recurring.period", K::Requires),
        ],
        Schema::Agrees,
    );
}

#[test]
fn start_date_requires_a_scheduled_payment_id_that_differs_from_payment_id() {
    const OP: &str = "paypal.payment_page.recurring_registration";
    let base = paypal_recurring_params();
    assert!(base["recurring"].get("start_date").is_some());
    valid(OP, &base);
    let missing = with(base.clone(), &[("recurring.scheduled_payment_id", None)]);
    expect(
        OP,
        &missing,
        &Facts::none(),
        &[("recurring.scheduled_payment_id", K::Requires)],
        Schema::Agrees,
    );
    // Without start_date, scheduled_payment_id is optional.
    let no_start = with(missing, &[("recurring.start_date", None)]);
    valid(OP, &no_start);
    // Equal to payment_id: the schema states the rule in a `$comment` only.
    let same = base["payment_id"].clone();
    let equal = with(
        base.clone(),
        &[("recurring.scheduled_payment_id", Some(same))],
    );
    expect(
        OP,
        &equal,
        &Facts::none(),
        &[("recurring.scheduled_payment_id", K::MustDiffer)],
        Schema::Blind,
    );
    let different = with(
        base,
        &[(
            "recurring.scheduled_payment_id",
            Some(json!("another-payment")),
        )],
    );
    valid(OP, &different);
}

#[test]
fn paypal_gate_registration_scheduled_payment_id_differs_from_payment_id() {
    const OP: &str = "paypal.gate.sale";
    let mut payload = example_json("paypal-gate-sale-request");
    payload["recurring"] = json!({
        "register": true,
        "type": "R",
        "scheduled_payment_id": "series-1",
        "start_date": "01-01-2031",
        "amount": 1000,
        "period": "M",
        "interval": 1,
        "time": "10:00:00"
    });
    valid(OP, &payload);
    let same = payload["general"]["payment_id"].clone();
    let equal = with(payload, &[("recurring.scheduled_payment_id", Some(same))]);
    expect(
        OP,
        &equal,
        &Facts::none(),
        &[("recurring.scheduled_payment_id", K::MustDiffer)],
        Schema::Blind,
    );
}

#[test]
fn best_before_is_forbidden_in_payout_mode() {
    const OP: &str = "card_payout.payment_page.payout";
    let base = card_payout_params();
    valid(OP, &base);
    let limited = with(
        base,
        &[("best_before", Some(json!("2031-01-01T00:00:00+0000")))],
    );
    expect(
        OP,
        &limited,
        &Facts::none(),
        &[("best_before", K::Forbidden)],
        Schema::Agrees,
    );
}

#[test]
fn upi_accepts_inr_and_usd_only() {
    let gate = example_json("upi-gate-sale-channel1-request");
    let page = example_json("upi-pp-purchase-request");
    for currency in ["INR", "USD"] {
        valid(
            "upi.gate.sale",
            &with(gate.clone(), &[("payment.currency", Some(json!(currency)))]),
        );
        valid(
            "upi.payment_page.purchase",
            &with(page.clone(), &[("payment_currency", Some(json!(currency)))]),
        );
    }
    // The field's closed list and the method's currencies both say so.
    let eur = with(gate, &[("payment.currency", Some(json!("EUR")))]);
    expect(
        "upi.gate.sale",
        &eur,
        &Facts::none(),
        &[
            ("payment.currency", K::Currency),
            ("payment.currency", K::Enum),
        ],
        Schema::Agrees,
    );
    let eur = with(page, &[("payment_currency", Some(json!("EUR")))]);
    expect(
        "upi.payment_page.purchase",
        &eur,
        &Facts::none(),
        &[
            ("payment_currency", K::Currency),
            ("payment_currency", K::Enum),
        ],
        Schema::Agrees,
    );
}

#[test]
fn paypal_currencies_without_minor_units_need_whole_amounts() {
    const OP: &str = "paypal.gate.sale";
    let base = example_json("paypal-gate-sale-request");
    for currency in ["HUF", "JPY", "TWD"] {
        let whole = with(
            base.clone(),
            &[
                ("payment.currency", Some(json!(currency))),
                ("payment.amount", Some(json!(150_000))),
            ],
        );
        valid(OP, &whole);
        let fractional = with(whole, &[("payment.amount", Some(json!(150_050)))]);
        expect(
            OP,
            &fractional,
            &Facts::none(),
            &[("payment.amount", K::WholeUnits)],
            Schema::Agrees,
        );
    }
    // Other currencies have minor units.
    valid(
        OP,
        &with(
            base,
            &[
                ("payment.currency", Some(json!("EUR"))),
                ("payment.amount", Some(json!(150_050))),
            ],
        ),
    );
    // On Payment Page too.
    let mut page = example_json("paypal-pp-purchase-request");
    if let Some(options) = page
        .get("payment_methods_options")
        .filter(|o| o.is_object())
    {
        page["payment_methods_options"] = Value::String(options.to_string());
    }
    let page = with(
        page,
        &[
            ("payment_currency", Some(json!("JPY"))),
            ("payment_amount", Some(json!(1_234))),
        ],
    );
    expect(
        "paypal.payment_page.purchase",
        &page,
        &Facts::none(),
        &[("payment_amount", K::WholeUnits)],
        Schema::Agrees,
    );
}

#[test]
fn recurring_interval_is_between_1_and_100() {
    const OP: &str = "paypal.payment_page.recurring_registration";
    let base = paypal_recurring_params();
    for interval in [1, 3, 100] {
        valid(
            OP,
            &with(
                base.clone(),
                &[("recurring.interval", Some(json!(interval)))],
            ),
        );
    }
    for interval in [0, 101, -1] {
        let out = with(
            base.clone(),
            &[("recurring.interval", Some(json!(interval)))],
        );
        expect(
            OP,
            &out,
            &Facts::none(),
            &[("recurring.interval", K::Range)],
            Schema::Agrees,
        );
    }
    // interval always goes with period.
    let alone = with(
        base,
        &[
            ("recurring.interval", Some(json!(3))),
            ("recurring.period", None),
            ("recurring.time", None),
        ],
    );
    expect(
        OP,
        &alone,
        &Facts::none(),
        &[
            ("recurring.period", K::RequiredIf),
            ("recurring.period", K::Requires),
        ],
        Schema::Agrees,
    );
}

// ----- formats and undeclared fields -----

#[test]
fn format_violations_name_their_paths() {
    const OP: &str = "astropay.gate.sale";
    let base = example_json("astropay-gate-sale-request");
    valid(OP, &base);
    let cases: [(&str, Value); 6] = [
        ("payment.currency", json!("usd")),
        ("payment.currency", json!("US")),
        ("customer.country", json!("BRA")),
        ("customer.country", json!("br")),
        ("customer.email", json!("john.example.com")),
        ("customer.ip_address", json!("256.1.1.1")),
    ];
    for (path, bad) in cases {
        let payload = with(base.clone(), &[(path, Some(bad))]);
        expect(
            OP,
            &payload,
            &Facts::none(),
            &[(path, K::Format)],
            Schema::Agrees,
        );
    }
    // Payment Page parameters too.
    let page = card_payout_params();
    for (path, bad) in [
        ("customer_email", json!("p.jeltz at mail.com")),
        ("payment_currency", json!("euro")),
    ] {
        let payload = with(page.clone(), &[(path, Some(bad))]);
        expect(
            "card_payout.payment_page.payout",
            &payload,
            &Facts::none(),
            &[(path, K::Format)],
            Schema::Agrees,
        );
    }
    // A wrong JSON type is a type violation, not a format one.
    let number = with(base, &[("payment.currency", Some(json!(840)))]);
    expect(
        OP,
        &number,
        &Facts::none(),
        &[("payment.currency", K::Type)],
        Schema::Agrees,
    );
}

/// The paths and suggestions of the other parameters of `payload`.
fn others(operation: &str, payload: &Value) -> Vec<(String, Option<&'static str>)> {
    ecommpay_api::operation(operation)
        .expect("a known operation")
        .other_parameters(payload)
        .into_iter()
        .map(|o| (o.path, o.did_you_mean))
        .collect()
}

#[test]
fn other_parameters_of_the_platform_are_accepted_and_listed_where_they_are() {
    // The documents: a request may carry any other parameter of the platform's specification
    // (000_c3cc95ac790d9e4f.txt:288 and twenty-one more places).
    const OP: &str = "astropay.gate.sale";
    let base = example_json("astropay-gate-sale-request");
    let other = with(
        base.clone(),
        &[
            (
                "general.merchant_callback_url",
                Some(json!("https://merchant.example/cb")),
            ),
            (
                "return_url",
                Some(json!({"success": "https://merchant.example/ok"})),
            ),
            ("customer.nickname", Some(json!("jd"))),
        ],
    );
    valid(OP, &other);
    assert_eq!(
        others(OP, &other),
        [
            ("general.merchant_callback_url".to_owned(), None),
            ("customer.nickname".to_owned(), None),
            ("return_url".to_owned(), None),
        ]
    );
    // Payment Page parameters too.
    const PAGE: &str = "card_payout.payment_page.payout";
    let page = with(
        card_payout_params(),
        &[(
            "redirect_success_url",
            Some(json!("https://merchant.example/ok")),
        )],
    );
    valid(PAGE, &page);
    assert_eq!(
        others(PAGE, &page),
        [("redirect_success_url".to_owned(), None)]
    );
}

/// A number the signature cannot cover is a violation wherever it is (a declared field, another
/// parameter, inside either), and the schemas agree where JSON Schema can tell (`SignableValue`).
#[test]
fn numbers_the_signature_cannot_cover_are_violations_wherever_they_are() {
    const OP: &str = "astropay.gate.sale";
    let base = example_json("astropay-gate-sale-request");
    let at = |changes: &[(&str, Option<Value>)]| with(base.clone(), changes);
    let float = |text: &str| serde_json::from_str::<Value>(text).unwrap();
    // Numbers every official SDK writes alike: signed, so valid anywhere they are allowed.
    valid(
        OP,
        &at(&[
            ("customer.rates", Some(json!([1.5, {"fee": 0.0015}]))),
            ("rate", Some(json!(123456789.123))),
        ]),
    );
    let none = &Facts::none();
    // In a declared (typed) field: the wrong type, and unsignable.
    expect(
        OP,
        &at(&[("payment.amount", Some(float("0.00001")))]),
        none,
        &[
            ("payment.amount", K::Type),
            ("payment.amount", K::UnsignableNumber),
        ],
        Schema::Agrees,
    );
    // In other parameters, at any depth.
    expect(
        OP,
        &at(&[(
            "customer.rates",
            Some(json!([1.5, {"fee": float("0.00001")}])),
        )]),
        none,
        &[("customer.rates[1].fee", K::UnsignableNumber)],
        Schema::Agrees,
    );
    expect(
        OP,
        &at(&[("rate", Some(float("1e300")))]),
        none,
        &[("rate", K::UnsignableNumber)],
        Schema::Agrees,
    );
    // Payment Page parameters too.
    const PAGE: &str = "card_payout.payment_page.payout";
    expect(
        PAGE,
        &with(
            card_payout_params(),
            &[("rate", Some(float("-123456789012345.5")))],
        ),
        none,
        &[("rate", K::UnsignableNumber)],
        Schema::Agrees,
    );
    // What JSON Schema cannot tell: a zero fraction is an integer to it, and it cannot count
    // significant digits.
    for number in ["1.0", "1e3", "0.30000000000000004"] {
        expect(
            OP,
            &at(&[("customer.rates", Some(json!([float(number)])))]),
            none,
            &[("customer.rates[0]", K::UnsignableNumber)],
            Schema::Blind,
        );
    }
}

#[test]
fn a_misspelt_name_is_listed_with_the_name_it_misspells_and_a_required_one_is_missing() {
    const OP: &str = "astropay.gate.sale";
    let base = example_json("astropay-gate-sale-request");
    // An optional name misspelt: allowed, and listed with a suggestion.
    let optional = with(
        base.clone(),
        &[("payment.descripton", Some(json!("order 1")))],
    );
    valid(OP, &optional);
    assert_eq!(
        others(OP, &optional),
        [("payment.descripton".to_owned(), Some("description"))]
    );
    // A required name misspelt: the required field is missing.
    let required = with(
        base,
        &[
            ("payment.amount", None),
            ("payment.amout", Some(json!(1000))),
        ],
    );
    expect(
        OP,
        &required,
        &Facts::none(),
        &[("payment.amount", K::Required)],
        Schema::Agrees,
    );
    assert_eq!(
        others(OP, &required),
        [("payment.amout".to_owned(), Some("amount"))]
    );
}

#[test]
fn paypal_recurring_period_y_is_accepted() {
    const OP: &str = "paypal.payment_page.recurring_registration";
    let yearly = with(
        paypal_recurring_params(),
        &[("recurring.period", Some(json!("Y")))],
    );
    valid(OP, &yearly);
}

#[test]
fn payment_page_integers_travel_as_text_and_sign_the_same() {
    const OP: &str = "card_payout.payment_page.payout";
    // As printed: "project_id": "91348", "payment_amount": "7000".
    let printed = example_json("card_payout-pp-payout-request");
    assert_eq!(printed["project_id"], json!("91348"));
    valid(OP, &printed);
    valid(OP, &card_payout_params());
    let not_digits = with(
        printed.clone(),
        &[("payment_amount", Some(json!("70 EUR")))],
    );
    expect(
        OP,
        &not_digits,
        &Facts::none(),
        &[("payment_amount", K::Type)],
        Schema::Agrees,
    );
    use ecommpay_api::signature::SortOrder;
    use ecommpay_api::signature::low_level::string_to_sign_json;
    assert_eq!(
        string_to_sign_json(&printed, SortOrder::Natural).unwrap(),
        string_to_sign_json(&card_payout_params(), SortOrder::Natural).unwrap()
    );
}

#[test]
fn the_mode_is_fixed_by_the_operation() {
    // Where the document names it (card payouts), it is required and only `payout`.
    const PAYOUT: &str = "card_payout.payment_page.payout";
    let purchase_mode = with(card_payout_params(), &[("mode", Some(json!("purchase")))]);
    expect(
        PAYOUT,
        &purchase_mode,
        &Facts::none(),
        &[("mode", K::Enum)],
        Schema::Agrees,
    );
    // Elsewhere it may be left out, and is only the operation's own.
    const PURCHASE: &str = "astropay.payment_page.purchase";
    let base = example_json("astropay-pp-purchase-request");
    valid(PURCHASE, &base);
    valid(
        PURCHASE,
        &with(base.clone(), &[("mode", Some(json!("purchase")))]),
    );
    expect(
        PURCHASE,
        &with(base, &[("mode", Some(json!("payout")))]),
        &Facts::none(),
        &[("mode", K::Enum)],
        Schema::Agrees,
    );
    // And a parameter another document names is just another parameter here.
    let upi_only = with(
        example_json("astropay-pp-purchase-request"),
        &[("identify_doc_number", Some(json!("not a PAN")))],
    );
    valid(PURCHASE, &upi_only);
}

#[test]
fn an_unknown_fact_is_a_violation_never_a_silent_no_op() {
    let entry = ecommpay_api::operation("astropay.gate.sale").expect("a known operation");
    let payload = example_json("astropay-gate-sale-request");
    let violations = entry.validate_json(&payload, &Facts::none().with_name("refund_is_partal"));
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert_eq!(violations[0].kind, K::UnknownFact);
    assert!(
        violations[0]
            .message
            .starts_with("unknown fact \"refund_is_partal\"; the spec knows "),
        "{}",
        violations[0]
    );
    assert!(ecommpay_api::FACTS.contains(&"refund_is_partial"));
    assert!(
        entry
            .validate_json(&payload, &Facts::none().with(Fact::RefundIsPartial))
            .is_empty()
    );
}

#[test]
fn the_pix_rules_see_through_json_whitespace_and_the_printed_ix_code() {
    const OP: &str = "astropay.payment_page.purchase";
    let base = with(
        example_json("astropay-pp-purchase-request"),
        &[
            ("force_payment_method", Some(json!("astropay"))),
            ("customer_country", Some(json!("AR"))),
        ],
    );
    // However the JSON string is spaced, and with the code as the document prints it (IX), the
    // validator and the schema both apply the rule.
    for options in [
        "{\"submethod_code\": \"PIX\"}",
        "{\"submethod_code\":\"PIX\"}",
        "{\"submethod_code\"\t:\n \"PIX\"}",
        "{\r\n  \"submethod_code\" :\t\"PIX\"\r\n}",
        "{\"submethod_code\": \"IX\"}",
    ] {
        let payload = with(
            base.clone(),
            &[("payment_methods_options", Some(json!(options)))],
        );
        expect(
            OP,
            &payload,
            &Facts::none(),
            &[("customer_country", K::AllowedValues)],
            Schema::Agrees,
        );
    }
}
