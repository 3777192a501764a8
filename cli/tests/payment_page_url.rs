//! `ecommpay payment-page-url` and `ecommpay verify --url`, run as a user would.

mod support;

use support::{run, stderr, stdout};

/// The parameters of `tests/PaymentPageTest.php` of the official PHP SDK, in its order.
const SDK_PARAMS: &str = r#"{"project_id":100,"interface_type":{"id":23},"payment_id":"test payment id","payment_description":"B&W"}"#;
const SDK_URL: &str = "https://paymentpage.ecommpay.com/payment?project_id=100&interface_type=%7B%22id%22%3A23%7D&payment_id=test+payment+id&payment_description=B%26W&signature=97JFQpAyJ4HPfGVedJh0M1MqQDOFt%2FMCbdh8VrsT7DdRyTBDAF2mvUOsDANx1ZPfbvZg0%2BVUbF43xJnq0jEeLA%3D%3D";
const SDK_DECODED: &str = "project_id=100\ninterface_type={\"id\":23}\npayment_id=test payment id\npayment_description=B&W\nvalid\n";

#[test]
fn payment_page_url_prints_the_php_sdk_vector() {
    let output = run(&["payment-page-url"], Some("secret"), SDK_PARAMS);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), format!("{SDK_URL}\n"));
    assert_eq!(stderr(&output), "");

    // `interface_type` as the SDK holds it: already JSON text.
    let as_text = SDK_PARAMS.replace(r#"{"id":23}"#, r#""{\"id\":23}""#);
    let output = run(&["payment-page-url", "-"], Some("secret"), &as_text);
    assert_eq!(stdout(&output), format!("{SDK_URL}\n"));
}

#[test]
fn payment_page_url_reads_a_file_a_key_file_and_a_base() {
    let params = support::temp_file("ppurl", "params.json", SDK_PARAMS);
    let key = support::temp_file("ppurl", "key", "secret\n");
    let output = run(
        &[
            "payment-page-url",
            params.to_str().unwrap(),
            "--key-file",
            key.to_str().unwrap(),
            "--base",
            "https://sandbox.example.com/payment",
        ],
        None,
        "",
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        format!(
            "{}\n",
            SDK_URL.replace(
                "https://paymentpage.ecommpay.com/payment",
                "https://sandbox.example.com/payment"
            )
        )
    );
}

#[test]
fn verify_url_prints_the_parameters_then_valid() {
    let output = run(&["verify", "--url", SDK_URL], Some("secret"), "");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), SDK_DECODED);
    assert_eq!(stderr(&output), "");

    // Built by the binary, then verified by it.
    let built = run(
        &["payment-page-url"],
        Some("secret"),
        r#"{"project_id":1,"frame_mode":"popup","customer_first_name":"Иван"}"#,
    );
    let url = stdout(&built).trim_end();
    let output = run(&["verify", "--url", url], Some("secret"), "");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "project_id=1\nframe_mode=popup\ncustomer_first_name=Иван\nvalid\n"
    );
    // `frame_mode` is not signed.
    let reframed = url.replace("frame_mode=popup", "frame_mode=iframe");
    let output = run(&["verify", "--url", &reframed], Some("secret"), "");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn verify_url_exit_codes() {
    for tampered in [
        SDK_URL.replace("B%26W", "B%26B"),
        SDK_URL.replace("&payment_description=B%26W", ""),
        SDK_URL.replace("&signature=", "&redirect=1&signature="),
    ] {
        let output = run(&["verify", "--url", &tampered], Some("secret"), "");
        assert_eq!(output.status.code(), Some(1), "{tampered}");
        assert_eq!(stdout(&output), "", "nothing of an invalid URL is printed");
        assert!(
            stderr(&output).contains("does not match"),
            "{}",
            stderr(&output)
        );
    }
    let wrong_key = run(&["verify", "--url", SDK_URL], Some("not-secret"), "");
    assert_eq!(wrong_key.status.code(), Some(1));

    let (unsigned, _) = SDK_URL.split_once("&signature=").unwrap();
    let missing = run(&["verify", "--url", unsigned], Some("secret"), "");
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stderr(&missing).contains("no signature"),
        "{}",
        stderr(&missing)
    );
    let malformed = run(
        &["verify", "--url", &format!("{unsigned}&signature=abc")],
        Some("secret"),
        "",
    );
    assert_eq!(malformed.status.code(), Some(1));
    assert!(stderr(&malformed).contains("malformed"));

    for (url, message) in [
        ("not a url", "not a Payment Page URL"),
        (
            "https://paymentpage.ecommpay.com/payment",
            "not a Payment Page URL",
        ),
        (
            "https://paymentpage.ecommpay.com/payment?a=%zz",
            "percent-encoding",
        ),
        (
            "https://paymentpage.ecommpay.com/payment?a=1&a=2",
            "more than once",
        ),
    ] {
        let output = run(&["verify", "--url", url], Some("secret"), "");
        assert_eq!(output.status.code(), Some(2), "{url}");
        assert!(stderr(&output).contains(message), "{}", stderr(&output));
        assert_eq!(stdout(&output), "");
    }

    let no_key = run(&["verify", "--url", SDK_URL], None, "");
    assert_eq!(no_key.status.code(), Some(2));
    assert!(stderr(&no_key).contains("ECOMMPAY_SECRET_KEY"));
    assert_eq!(stdout(&no_key), "");
}

#[test]
fn payment_page_url_exit_codes() {
    let no_key = run(&["payment-page-url"], None, SDK_PARAMS);
    assert_eq!(no_key.status.code(), Some(2));
    assert!(
        stderr(&no_key).contains("ECOMMPAY_SECRET_KEY"),
        "{}",
        stderr(&no_key)
    );
    assert_eq!(stdout(&no_key), "");
    for (input, message) in [
        ("{not json", "not JSON"),
        ("[1]", "JSON object"),
        (r#"{"project_id":1,"payment_id":null}"#, "payment_id"),
        (
            r#"{"amount":1.0}"#,
            r#"unsupported number "1.0" in parameter "amount""#,
        ),
    ] {
        let output = run(&["payment-page-url"], Some("secret"), input);
        assert_eq!(output.status.code(), Some(2), "{input}");
        assert!(stderr(&output).contains(message), "{}", stderr(&output));
        assert_eq!(stdout(&output), "");
    }
}

#[test]
fn the_key_is_never_printed() {
    let key = "very-secret-key-value";
    let built = run(&["payment-page-url"], Some(key), SDK_PARAMS);
    assert_eq!(built.status.code(), Some(0));
    let url = stdout(&built).trim_end().to_owned();
    let tampered = url.replace("B%26W", "B%26B");
    for (args, input) in [
        (vec!["payment-page-url"], SDK_PARAMS),
        (vec!["payment-page-url"], "{not json"),
        (vec!["payment-page-url"], r#"{"a":null}"#),
        (vec!["verify", "--url", &url], ""),
        (vec!["verify", "--url", &tampered], ""),
        (vec!["verify", "--url", "https://x/?a=%"], ""),
    ] {
        let output = run(&args, Some(key), input);
        assert!(!stdout(&output).contains(key), "{args:?}");
        assert!(!stderr(&output).contains(key), "{args:?}");
    }
    let key_file = support::temp_file("ppurl", "secret-key", &format!("{key}\n"));
    let output = run(
        &["payment-page-url", "--key-file", key_file.to_str().unwrap()],
        None,
        SDK_PARAMS,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!stdout(&output).contains(key));
}

#[test]
fn verify_url_explains_a_boolean_sent_as_text_but_signed_as_a_digit() {
    let built = run(
        &["payment-page-url"],
        Some("secret"),
        r#"{"project_id": 100, "payment_id": "b-1", "redirect": 1}"#,
    );
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    // What the official Python SDK sends for `redirect=True`: `True` in the URL, `1` signed.
    let as_python_sdk = stdout(&built).trim().replace("redirect=1", "redirect=True");
    let output = run(&["verify", "--url", &as_python_sdk], Some("secret"), "");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "");
    let says = stderr(&output);
    for part in [
        "\"redirect\" signed as 1 where the URL sends True",
        "Python SDK (ecommpay-sdk)",
        "Node SDK (ecommpay)",
        "instead of a boolean",
    ] {
        assert!(says.contains(part), "{part}: {says}");
    }
}
