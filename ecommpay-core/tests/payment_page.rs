//! Payment Page URLs: the PHP SDK's vector, the encoder, round trips and malformed URLs.

use ecommpay_core::SecretKey;
use ecommpay_core::payment_page::{
    DEFAULT_BASE_URL, MAX_URL_BYTES, ParsedPaymentPageUrl, PaymentPageError, PaymentPageUrl,
    PaymentPageUrlError, form_encode, verify_url,
};
use ecommpay_core::signature::MessageKind;
use proptest::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value, json};

/// `tests/PaymentPageTest.php` of the official PHP SDK (`ITECOMMPAY/paymentpage-sdk-php`).
const SDK_URL: &str = "https://paymentpage.ecommpay.com/payment?project_id=100&interface_type=%7B%22id%22%3A23%7D&payment_id=test+payment+id&payment_description=B%26W&signature=97JFQpAyJ4HPfGVedJh0M1MqQDOFt%2FMCbdh8VrsT7DdRyTBDAF2mvUOsDANx1ZPfbvZg0%2BVUbF43xJnq0jEeLA%3D%3D";

fn key() -> SecretKey {
    SecretKey::new("secret").unwrap()
}

fn url_of(params: &Value) -> String {
    PaymentPageUrl::from_value(params)
        .unwrap()
        .to_url(&key())
        .unwrap()
}

/// The query of a URL built from one parameter `p`, without the signature.
fn encoded(value: Value) -> String {
    let url = url_of(&json!({ "p": value }));
    let query = url.split_once('?').unwrap().1;
    let (pair, _) = query.split_once("&signature=").unwrap();
    pair.strip_prefix("p=").unwrap().to_owned()
}

#[test]
fn php_sdk_vector_with_interface_type_as_the_sdk_sends_it() {
    // `new Payment(100)` puts `project_id` and `interface_type` (already `json_encode`d) first;
    // the setters append `payment_id` and `payment_description`.
    let params = json!({
        "project_id": "100",
        "interface_type": "{\"id\":23}",
        "payment_id": "test payment id",
        "payment_description": "B&W",
    });
    assert_eq!(url_of(&params), SDK_URL);
}

#[test]
fn php_sdk_vector_with_interface_type_as_an_object_and_project_id_as_an_integer() {
    let params = json!({
        "project_id": 100,
        "interface_type": {"id": 23},
        "payment_id": "test payment id",
        "payment_description": "B&W",
    });
    assert_eq!(url_of(&params), SDK_URL);
}

#[test]
fn php_sdk_vector_from_a_serialized_struct() {
    #[derive(Serialize)]
    struct InterfaceType {
        id: u32,
    }
    #[derive(Serialize)]
    struct Params {
        project_id: i64,
        interface_type: InterfaceType,
        payment_id: String,
        payment_description: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        signature: Option<String>,
    }
    let mut params = Params {
        project_id: 100,
        interface_type: InterfaceType { id: 23 },
        payment_id: "test payment id".to_owned(),
        payment_description: "B&W".to_owned(),
        signature: None,
    };
    let url = PaymentPageUrl::from_value(&serde_json::to_value(&params).unwrap()).unwrap();
    assert_eq!(url.to_url(&key()).unwrap(), SDK_URL);
    params.signature = Some("stale".to_owned());
    let url = PaymentPageUrl::from_value(&serde_json::to_value(&params).unwrap()).unwrap();
    assert_eq!(url.to_url(&key()).unwrap(), SDK_URL);
}

#[test]
fn php_sdk_vector_decodes_and_verifies() {
    let parsed = verify_url(SDK_URL, &key()).unwrap();
    assert_eq!(parsed.base_url(), DEFAULT_BASE_URL);
    let params: Vec<(&str, &str)> = parsed
        .params()
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        params,
        [
            ("project_id", "100"),
            ("interface_type", "{\"id\":23}"),
            ("payment_id", "test payment id"),
            ("payment_description", "B&W"),
        ]
    );
    assert_eq!(
        parsed.signature(),
        Some(
            "97JFQpAyJ4HPfGVedJh0M1MqQDOFt/MCbdh8VrsT7DdRyTBDAF2mvUOsDANx1ZPfbvZg0+VUbF43xJnq0jEeLA=="
        )
    );
}

#[test]
fn encoder_keeps_only_unreserved_bytes_and_writes_spaces_as_plus() {
    assert_eq!(encoded(json!("a b  c")), "a+b++c");
    assert_eq!(encoded(json!("AZaz09-_.")), "AZaz09-_.");
    assert_eq!(
        encoded(json!("Привет мир")),
        "%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82+%D0%BC%D0%B8%D1%80"
    );
    for (c, expected) in [
        ('&', "%26"),
        ('=', "%3D"),
        ('+', "%2B"),
        ('%', "%25"),
        (';', "%3B"),
        (':', "%3A"),
        ('/', "%2F"),
        ('?', "%3F"),
        ('#', "%23"),
        ('@', "%40"),
        ('~', "%7E"),
        ('!', "%21"),
        ('*', "%2A"),
        ('\'', "%27"),
        ('(', "%28"),
        (')', "%29"),
    ] {
        assert_eq!(
            encoded(json!(format!("x{c}y"))),
            format!("x{expected}y"),
            "{c}"
        );
        assert_eq!(form_encode(&c.to_string()), expected, "{c}");
    }
    assert_eq!(form_encode("\n\u{0}"), "%0A%00");
}

#[test]
fn names_are_encoded_like_values() {
    let url = url_of(&json!({"a b&c": "1"}));
    assert!(url.contains("?a+b%26c=1&signature="), "{url}");
    let parsed = verify_url(&url, &key()).unwrap();
    assert_eq!(parsed.get("a b&c"), Some("1"));
}

#[test]
fn values_become_text_as_in_the_php_sdk() {
    assert_eq!(encoded(json!(true)), "1");
    assert_eq!(encoded(json!(false)), "0");
    assert_eq!(encoded(json!(-42)), "-42");
    assert_eq!(encoded(json!(u64::MAX)), u64::MAX.to_string());
    assert_eq!(encoded(json!("")), "");
    // JSON written by `json_encode` without flags: `\/`, `\uXXXX`, no spaces.
    assert_eq!(
        encoded(json!({"url": "https://a/b", "name": "Žž", "list": [1, true, null]})),
        form_encode(r#"{"url":"https:\/\/a\/b","name":"\u017d\u017e","list":[1,true,null]}"#)
    );
    // A parameter that already holds JSON text is sent verbatim.
    assert_eq!(
        encoded(json!(r#"{"submethod_code": "PIX"}"#)),
        "%7B%22submethod_code%22%3A+%22PIX%22%7D"
    );
}

/// A number that is not an integer travels as the text the signer writes for it (what every
/// official SDK puts into its URL and signs, where they agree): the URL carries exactly the text
/// its signature covers, so it verifies, and the signature is the one over the number itself.
#[test]
fn fractions_travel_as_the_text_the_signer_writes() {
    assert_eq!(encoded(json!(1.5)), "1.5");
    assert_eq!(encoded(json!(-0.0015)), "-0.0015");
    assert_eq!(encoded(json!(123456789.123)), "123456789.123");
    assert_eq!(
        encoded(json!({"rate": 0.25, "list": [1.5]})),
        form_encode(r#"{"rate":0.25,"list":[1.5]}"#)
    );
    let params = json!({"project_id": 7, "rate": 1.5, "options": {"share": 0.25}});
    let url = url_of(&params);
    let parsed = verify_url(&url, &key()).unwrap();
    assert_eq!(parsed.get("rate"), Some("1.5"));
    assert_eq!(parsed.get("options"), Some(r#"{"share":0.25}"#));
    // The parameters as text sign as the numbers do at the top (the JSON text is a string).
    let as_numbers = json!({"project_id": 7, "rate": 1.5, "options": r#"{"share":0.25}"#});
    assert_eq!(
        parsed.signature(),
        Some(key().sign_json(&as_numbers).unwrap().as_str())
    );
}

#[test]
fn signature_is_over_the_parameters_as_text() {
    let params = json!({
        "project_id": 7,
        "redirect": true,
        "interface_type": {"id": 23},
        "frame_mode": "popup",
    });
    let text = json!({
        "project_id": "7",
        "redirect": "1",
        "interface_type": "{\"id\":23}",
        "frame_mode": "popup",
    });
    let builder = PaymentPageUrl::from_value(&params).unwrap();
    let expected = key().sign_json(&text).unwrap();
    assert_eq!(builder.signature(&key()).unwrap(), expected);
    assert_eq!(
        builder.params().collect::<Vec<_>>(),
        [
            ("project_id", "7"),
            ("redirect", "1"),
            ("interface_type", "{\"id\":23}"),
            ("frame_mode", "popup"),
        ]
    );
}

#[test]
fn an_old_signature_is_dropped_and_the_fresh_one_goes_last() {
    let with_old = json!({"signature": "old", "project_id": 1, "payment_id": "p"});
    let without = json!({"project_id": 1, "payment_id": "p"});
    let url = url_of(&with_old);
    assert_eq!(url, url_of(&without));
    assert!(!url.contains("old"));
    let query = url.split_once('?').unwrap().1;
    assert!(query.starts_with("project_id=1&payment_id=p&signature="));
    assert_eq!(query.matches("signature=").count(), 1);
}

#[test]
fn frame_mode_travels_in_the_url_but_is_not_signed() {
    let with = PaymentPageUrl::from_value(&json!({"project_id": 1, "frame_mode": "popup"}))
        .unwrap()
        .to_url(&key())
        .unwrap();
    assert!(with.contains("&frame_mode=popup&"), "{with}");
    let without = url_of(&json!({"project_id": 1}));
    let signature_of = |url: &str| url.split_once("&signature=").unwrap().1.to_owned();
    assert_eq!(signature_of(&with), signature_of(&without));
    let changed = with.replace("frame_mode=popup", "frame_mode=iframe");
    let parsed = verify_url(&changed, &key()).unwrap();
    assert_eq!(parsed.get("frame_mode"), Some("iframe"));
}

#[test]
fn base_url_is_configurable() {
    let url = PaymentPageUrl::from_value(&json!({"project_id": 1}))
        .unwrap()
        .with_base_url("https://sandbox.example.com/pay")
        .to_url(&key())
        .unwrap();
    assert!(url.starts_with("https://sandbox.example.com/pay?project_id=1&signature="));
    let parsed = verify_url(&url, &key()).unwrap();
    assert_eq!(parsed.base_url(), "https://sandbox.example.com/pay");
}

#[test]
fn widget_config_is_the_signed_text_parameters() {
    let params = json!({"project_id": 100, "interface_type": {"id": 23}, "redirect": false});
    let builder = PaymentPageUrl::from_value(&params).unwrap();
    let config = builder.widget_config(&key()).unwrap();
    let signature = builder.signature(&key()).unwrap();
    assert_eq!(
        config,
        json!({
            "project_id": "100",
            "interface_type": "{\"id\":23}",
            "redirect": "0",
            "signature": signature,
        })
    );
    let keys: Vec<&String> = config.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["project_id", "interface_type", "redirect", "signature"]
    );
    key()
        .verify_json(&config, MessageKind::PaymentPage)
        .unwrap();
}

#[test]
fn values_that_cannot_become_text_are_errors_naming_the_parameter() {
    let error =
        PaymentPageUrl::from_value(&json!({"project_id": 1, "payment_id": null})).unwrap_err();
    assert!(
        matches!(&error, PaymentPageError::Null { parameter } if parameter == "payment_id"),
        "{error:?}"
    );
    assert!(error.to_string().contains("payment_id"), "{error}");

    // Numbers the official SDKs would write differently, at the top or inside JSON text: refused
    // as the signer refuses them, with its reason and the parameter's name.
    for (params, parameter, number) in [
        (json!({"amount": 1.0}), "amount", "1.0"),
        (json!({"amount": 1e3}), "amount", "1000.0"),
        (json!({"options": {"rate": [0.00001]}}), "options", "1e-5"),
        (
            json!({"amount": 0.30000000000000004}),
            "amount",
            "0.30000000000000004",
        ),
    ] {
        let error = PaymentPageUrl::from_value(&params).unwrap_err();
        assert!(
            matches!(&error, PaymentPageError::UnsupportedNumber { parameter: p, number: n }
                if p == parameter && n == number),
            "{error:?}"
        );
        let shown = error.to_string();
        assert!(
            shown.starts_with(&format!(
                "unsupported number \"{number}\" in parameter \"{parameter}\": the official SDKs"
            )),
            "{shown}"
        );
        assert!(
            shown.ends_with("send it as a string or an integer"),
            "{shown}"
        );
    }
    assert!(matches!(
        PaymentPageUrl::from_value(&json!([1])),
        Err(PaymentPageError::NotAnObject { found: "an array" })
    ));
    assert!(matches!(
        PaymentPageUrl::from_value(&json!({"": "x"})),
        Err(PaymentPageError::EmptyName)
    ));
    assert!(matches!(
        PaymentPageUrl::from_value(&json!("text")),
        Err(PaymentPageError::NotAnObject { found: "a string" })
    ));
}

#[test]
fn from_map_keeps_insertion_order() {
    let mut params = Map::new();
    for name in ["z", "a", "m", "b"] {
        params.insert(name.to_owned(), Value::from(name));
    }
    let url = PaymentPageUrl::from_map(&params)
        .unwrap()
        .to_url(&key())
        .unwrap();
    assert!(url.contains("?z=z&a=a&m=m&b=b&signature="), "{url}");
}

fn sample_url() -> String {
    url_of(&json!({
        "project_id": 100,
        "payment_id": "order 1",
        "payment_amount": 1000,
        "customer_first_name": "Иван",
    }))
}

#[test]
fn round_trip_build_decode_verify() {
    let url = sample_url();
    let parsed: ParsedPaymentPageUrl = url.parse().unwrap();
    parsed.verify(&key()).unwrap();
    assert_eq!(parsed.get("customer_first_name"), Some("Иван"));
    assert_eq!(parsed.get("payment_id"), Some("order 1"));
    assert_eq!(parsed.get("signature"), None);
    assert_eq!(parsed.params().len(), 4);
    // A fragment is not part of the query.
    verify_url(&format!("{url}#section"), &key()).unwrap();
}

#[test]
fn tampered_urls_fail_verification() {
    let url = sample_url();
    let wrong = |url: &str| {
        let error = verify_url(url, &key()).unwrap_err();
        assert!(
            matches!(error, PaymentPageUrlError::WrongSignature),
            "{url}: {error:?}"
        );
        assert!(error.is_signature_error());
    };
    wrong(&url.replace("payment_amount=1000", "payment_amount=1"));
    wrong(&url.replace("&payment_amount=1000", ""));
    wrong(&url.replace("&signature=", "&extra=1&signature="));
    wrong(&url.replace("project_id=100", "project_id=100&redirect=1"));
    assert!(matches!(
        verify_url(&url, &SecretKey::new("other").unwrap()),
        Err(PaymentPageUrlError::WrongSignature)
    ));
}

#[test]
fn missing_and_malformed_signatures() {
    let url = sample_url();
    let (unsigned, _) = url.split_once("&signature=").unwrap();
    let error = verify_url(unsigned, &key()).unwrap_err();
    assert!(
        matches!(error, PaymentPageUrlError::MissingSignature),
        "{error:?}"
    );
    assert!(error.to_string().contains("no signature"), "{error}");
    assert!(ParsedPaymentPageUrl::parse(unsigned).is_ok());

    let error = verify_url(&format!("{unsigned}&signature=abc"), &key()).unwrap_err();
    assert!(
        matches!(error, PaymentPageUrlError::MalformedSignature { .. }),
        "{error:?}"
    );
    assert!(error.is_signature_error());
}

#[test]
fn malformed_urls_give_the_right_error() {
    let parse = |url: &str| ParsedPaymentPageUrl::parse(url).unwrap_err();
    let base = "https://paymentpage.ecommpay.com/payment";

    assert!(matches!(
        parse(&format!("{base}?a={}", "x".repeat(MAX_URL_BYTES))),
        PaymentPageUrlError::TooLong { .. }
    ));
    for url in [
        "",
        "paymentpage.ecommpay.com/payment?a=1",
        "ftp://paymentpage.ecommpay.com/payment?a=1",
        "/payment?a=1",
        base,
        &format!("{base}?"),
        &format!("{base}#a=1"),
    ] {
        let error = parse(url);
        assert!(
            matches!(error, PaymentPageUrlError::NotAPaymentPageUrl { .. }),
            "{url}: {error:?}"
        );
        assert!(error.to_string().starts_with("not a Payment Page URL"));
        assert!(!error.is_signature_error());
    }
    for (query, part) in [
        ("a=%", "value"),
        ("a=%4", "value"),
        ("a=%G1", "value"),
        ("a=1&b=x%zz", "value"),
        ("a%2=1", "name"),
    ] {
        let error = parse(&format!("{base}?{query}"));
        assert!(
            matches!(&error, PaymentPageUrlError::BadPercentEncoding { part: p, .. } if *p == part),
            "{query}: {error:?}"
        );
        assert!(error.to_string().contains("percent-encoding"), "{error}");
    }
    let error = parse(&format!("{base}?a=1&b=%FF"));
    assert!(
        matches!(
            error,
            PaymentPageUrlError::NotUtf8 {
                position: 2,
                part: "value",
                ..
            }
        ),
        "{error:?}"
    );
    for query in ["a=1&a=2", "a=1&signature=x&signature=y", "a+b=1&a%20b=2"] {
        let error = parse(&format!("{base}?{query}"));
        assert!(
            matches!(error, PaymentPageUrlError::DuplicateParameter { .. }),
            "{query}: {error:?}"
        );
        assert!(error.to_string().contains("more than once"), "{error}");
    }
    for query in ["a=1&&b=2", "a=1&", "=1", "&a=1"] {
        let error = parse(&format!("{base}?{query}"));
        assert!(
            matches!(error, PaymentPageUrlError::EmptyName { .. }),
            "{query}: {error:?}"
        );
    }
    // A pair without `=` has the empty value.
    let parsed = ParsedPaymentPageUrl::parse(&format!("{base}?a&b=2")).unwrap();
    assert_eq!(parsed.get("a"), Some(""));
}

#[test]
fn errors_quote_only_a_short_prefix_of_a_bad_value() {
    let base = "https://paymentpage.ecommpay.com/payment";
    let long = format!("{}%zz", "secret-looking-value-".repeat(50));
    let error = ParsedPaymentPageUrl::parse(&format!("{base}?a={long}"))
        .unwrap_err()
        .to_string();
    assert!(error.len() < 160, "{error}");
    let error = ParsedPaymentPageUrl::parse(&format!("{base}?a=%zz{long}"))
        .unwrap_err()
        .to_string();
    assert!(error.len() < 160, "{error}");
    assert!(error.contains('…'), "{error}");
    let name = "n".repeat(1000);
    let error = ParsedPaymentPageUrl::parse(&format!("{base}?{name}=1&{name}=2"))
        .unwrap_err()
        .to_string();
    assert!(error.len() < 160, "{error}");
}

fn params_strategy() -> impl Strategy<Value = Vec<(String, String)>> {
    proptest::collection::vec(("(?s).{1,12}", "(?s).{0,24}"), 0..6).prop_map(|pairs| {
        let mut seen = std::collections::HashSet::new();
        pairs
            .into_iter()
            .filter(|(name, _)| name != "signature" && seen.insert(name.clone()))
            .collect()
    })
}

proptest! {
    #[test]
    fn build_then_decode_returns_the_same_parameters(params in params_strategy()) {
        let map: Map<String, Value> = params
            .iter()
            .map(|(name, value)| (name.clone(), Value::String(value.clone())))
            .collect();
        let url = PaymentPageUrl::from_map(&map).unwrap().to_url(&key()).unwrap();
        let parsed = verify_url(&url, &key()).unwrap();
        prop_assert_eq!(parsed.params(), &params[..]);
        prop_assert_eq!(parsed.base_url(), DEFAULT_BASE_URL);
    }

    #[test]
    fn decoding_never_panics(query in "(?s).{0,64}") {
        let _ = ParsedPaymentPageUrl::parse(&format!("{DEFAULT_BASE_URL}?{query}"));
        let _ = ParsedPaymentPageUrl::parse(&query);
    }

    #[test]
    fn decoding_query_like_input_never_panics(query in "[a-z=&%+0-9A-F#?]{0,40}") {
        if let Ok(parsed) = ParsedPaymentPageUrl::parse(&format!("{DEFAULT_BASE_URL}?{query}")) {
            let _ = parsed.verify(&key());
        }
    }
}

/// The official Python and Node SDKs sign a boolean as `1`/`0` but send `True`/`true` or
/// `False`/`false`: the refusal names each such parameter, both texts, the SDKs and the way out.
#[test]
fn a_boolean_sent_as_text_but_signed_as_a_digit_is_refused_with_its_explanation() {
    let url = url_of(&json!({
        "project_id": 100,
        "payment_id": "order 1",
        "redirect": 1,
        "close_on_missclick": 0,
    }));
    for (sent_true, sent_false) in [("True", "False"), ("true", "false")] {
        let as_sdk = url
            .replace("redirect=1", &format!("redirect={sent_true}"))
            .replace(
                "close_on_missclick=0",
                &format!("close_on_missclick={sent_false}"),
            );
        let error = verify_url(&as_sdk, &key()).unwrap_err();
        let PaymentPageUrlError::BooleanSpelling { parameters } = &error else {
            panic!("{as_sdk}: {error:?}");
        };
        assert_eq!(parameters.len(), 2);
        assert_eq!(
            (
                parameters[0].name.as_str(),
                parameters[0].sent,
                parameters[0].signed
            ),
            ("\"redirect\"", sent_true, "1")
        );
        assert_eq!(
            (
                parameters[1].name.as_str(),
                parameters[1].sent,
                parameters[1].signed
            ),
            ("\"close_on_missclick\"", sent_false, "0")
        );
        assert!(error.is_signature_error());
        let message = error.to_string();
        for says in [
            &format!("\"redirect\" signed as 1 where the URL sends {sent_true}"),
            "Python SDK (ecommpay-sdk)",
            "Node SDK (ecommpay)",
            "not documented",
            "the number 1 or 0",
        ] {
            assert!(message.contains(says), "{says}: {message}");
        }
    }
    // A boolean's text that is also what was signed verifies; other tampering stays a plain
    // mismatch even when a boolean's text is there.
    let signed_as_text = url_of(&json!({"project_id": 100, "payment_id": "p", "redirect": "True"}));
    verify_url(&signed_as_text, &key()).unwrap();
    let tampered = url
        .replace("redirect=1", "redirect=True")
        .replace("project_id=100", "project_id=101");
    assert!(matches!(
        verify_url(&tampered, &key()),
        Err(PaymentPageUrlError::WrongSignature)
    ));
}
