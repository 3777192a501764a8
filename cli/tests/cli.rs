//! The `ecommpay` binary, run as a user would.

mod support;

use support::{run, stderr, stdout};

const VENDOR_DOC_MESSAGE: &str = r#"{"general":{"project_id":3254,"payment_id":"id_38202316"},"customer":{"id":"585741","email":"johndoe@example.com","first_name":"John","last_name":"Doe","address":"Downing str., 23","identify":{"doc_number":"54122312544"},"ip_address":"198.51.100.47"},"payment":{"amount":10800,"currency":"USD","description":"Computer keyboards"},"receipt_data":{"positions":[{"quantity":"10","amount":"108","description":"Computer keyboard"}]},"return_url":{"success":"https://paymentpage.example.com/complete-redirect?id=success","decline":"https://paymentpage.example.com/complete-redirect?id=decline"}}"#;
const VENDOR_DOC_SIGNATURE: &str =
    "lagSnuspAn+F6XkmQISqwtBg0PsiTy62fF9x33TM+278mnufIDZyi1yP0BQALuCxyikkIxIMbodBn2F8hMdRwA==";
const SDK_PAYMENT: &str = r#"{"payment":{"id":"test-payment","status":"success"},"some_bool_param":true,"frame_mode":"popup"}"#;
const SDK_PAYMENT_SIGNATURE: &str =
    "TZS0J65ReNUMgKzeXUey9xOGGyC7r4OhsFXt/3H8XZM2Le8Wot2E1NIjeSPOyV1F3sUU6F3kfo9om2dhbe3ieA==";
const SDK_CARD: &str = r#"{"customer":{"project_id":0,"id":"sutm_id"},"card":{"pan":"4242424242424242","year":2020,"month":8,"card_holder":"John Smith","cvv":"123","save":true},"frame_mode":"popup"}"#;
const SDK_CARD_SIGNATURE: &str =
    "lY0LTSAzpR7zGce5qfYGacOuYlHGWqkMcQlqmjlsDDZI2gVcE1qVeWANnkIR7mdOqRXJnL1kO0lUmkQ0YYLWRg==";

#[test]
fn sign_prints_the_documented_signatures() {
    for (message, key, signature) in [
        (VENDOR_DOC_MESSAGE, "secret", VENDOR_DOC_SIGNATURE),
        (SDK_PAYMENT, "qwerty", SDK_PAYMENT_SIGNATURE),
        (SDK_CARD, "secret", SDK_CARD_SIGNATURE),
    ] {
        let output = run(&["sign"], Some(key), message);
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(stdout(&output), format!("{signature}\n"));
        assert_eq!(stderr(&output), "");
    }
}

#[test]
fn sign_reads_a_file_and_a_key_file() {
    let message = support::temp_file("test", "message.json", SDK_PAYMENT);
    let key = support::temp_file("test", "key", "qwerty\n");
    let output = run(
        &[
            "sign",
            message.to_str().unwrap(),
            "--key-file",
            key.to_str().unwrap(),
        ],
        None,
        "",
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), format!("{SDK_PAYMENT_SIGNATURE}\n"));
}

#[test]
fn sign_ignores_a_signature_already_there() {
    let message = VENDOR_DOC_MESSAGE.replace(
        r#""payment_id":"id_38202316""#,
        r#""payment_id":"id_38202316","signature":"old""#,
    );
    let output = run(&["sign", "--kind", "gate"], Some("secret"), &message);
    assert_eq!(stdout(&output), format!("{VENDOR_DOC_SIGNATURE}\n"));
}

#[test]
fn print_canonical_prints_the_string_to_sign() {
    let output = run(&["sign", "--print-canonical"], None, SDK_PAYMENT);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "payment:id:test-payment;payment:status:success;some_bool_param:1\n"
    );
    let list = r#"{"l":[0,1,2,3,4,5,6,7,8,9,10,11]}"#;
    let output = run(
        &["sign", "--print-canonical", "--sort", "bytewise-key"],
        None,
        list,
    );
    assert!(
        stdout(&output).starts_with("l:0:0;l:1:1;l:10:10;l:11:11;l:2:2"),
        "{}",
        stdout(&output)
    );
    let output = run(
        &["sign", "--print-canonical", "--sort", "bytewise-entry"],
        None,
        list,
    );
    assert!(
        stdout(&output).starts_with("l:0:0;l:10:10;l:11:11;l:1:1;l:2:2"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn embed_then_verify() {
    for (message, key, kind, place) in [
        (VENDOR_DOC_MESSAGE, "secret", "auto", "general"),
        (VENDOR_DOC_MESSAGE, "secret", "gate", "general"),
        (SDK_CARD, "secret", "auto", "top"),
        (SDK_CARD, "secret", "payment-page", "top"),
    ] {
        let output = run(&["sign", "--embed", "--kind", kind], Some(key), message);
        assert!(output.status.success(), "{}", stderr(&output));
        let signed: serde_json::Value = serde_json::from_str(stdout(&output)).unwrap();
        let signature = if place == "general" {
            &signed["general"]["signature"]
        } else {
            &signed["signature"]
        };
        assert!(
            signature.as_str().is_some_and(|s| s.len() == 88),
            "{signed}"
        );

        let output = run(&["verify", "--kind", kind], Some(key), stdout(&output));
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert_eq!(stdout(&output), "valid\n");
    }
}

#[test]
fn verify_exit_codes() {
    let signed = format!(
        r#"{{"payment":{{"id":"test-payment","status":"success"}},"some_bool_param":true,"signature":"{SDK_PAYMENT_SIGNATURE}"}}"#
    );
    assert_eq!(
        run(&["verify"], Some("qwerty"), &signed).status.code(),
        Some(0)
    );

    let wrong_key = run(&["verify"], Some("not-qwerty"), &signed);
    assert_eq!(wrong_key.status.code(), Some(1));
    assert!(
        stderr(&wrong_key).contains("does not match"),
        "{}",
        stderr(&wrong_key)
    );

    let tampered = signed.replace("success", "decline");
    assert_eq!(
        run(&["verify"], Some("qwerty"), &tampered).status.code(),
        Some(1)
    );

    let missing = run(&["verify"], Some("qwerty"), SDK_PAYMENT);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stderr(&missing).contains("no signature"),
        "{}",
        stderr(&missing)
    );

    let malformed = signed.replace(SDK_PAYMENT_SIGNATURE, "bm90IGEgc2lnbmF0dXJl");
    let output = run(&["verify"], Some("qwerty"), &malformed);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("malformed"), "{}", stderr(&output));

    assert_eq!(
        run(&["verify"], None, &signed).status.code(),
        Some(2),
        "no key"
    );
    assert_eq!(
        run(&["verify"], Some("qwerty"), "{not json").status.code(),
        Some(2)
    );
    assert_eq!(
        run(&["verify"], Some("qwerty"), "[1]").status.code(),
        Some(2)
    );
    assert_eq!(
        run(&["verify", "/nonexistent/message.json"], Some("qwerty"), "")
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn verify_reads_a_callback_as_the_callback_endpoint_does() {
    let signed = format!(
        r#"{{"payment":{{"id":"test-payment","status":"success"}},"some_bool_param":true,"signature":"{SDK_PAYMENT_SIGNATURE}"}}"#
    );
    // A second `status`: whichever one a reader takes, the signature covered only one of them.
    let duplicated = signed.replace(
        r#""status":"success""#,
        r#""status":"success","status":"decline""#,
    );
    let output = run(&["verify"], Some("qwerty"), &duplicated);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("payment.status") && stderr(&output).contains("twice"),
        "{}",
        stderr(&output)
    );

    // Fields the signature cannot see keep it valid, and are named on standard error.
    let padded = signed.replace(
        r#""some_bool_param""#,
        r#""frame_mode":"iframe","extra":{},"some_bool_param""#,
    );
    let output = run(&["verify"], Some("qwerty"), &padded);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "valid\n");
    assert!(
        stderr(&output).contains("frame_mode"),
        "{}",
        stderr(&output)
    );
    assert!(stderr(&output).contains("extra"), "{}", stderr(&output));

    // Input beyond 1 MiB is refused before it is parsed.
    let huge = format!(r#"{{"pad":"{}"}}"#, "x".repeat(1 << 20));
    let output = run(&["verify"], Some("qwerty"), &huge);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("longer than the limit"),
        "{}",
        stderr(&output)
    );
    assert!(stderr(&output).len() < 200, "no echo of the input");
}

#[test]
fn errors_go_to_stderr_and_never_echo_the_key() {
    let key = "very-secret-key-value";
    for (args, input) in [
        (vec!["sign"], "{not json"),
        (vec!["sign"], "[1]"),
        (vec!["verify"], SDK_PAYMENT),
        (vec!["verify"], r#"{"signature":"AAAA"}"#),
        (vec!["sign"], r#"{"a": 1.0}"#),
    ] {
        let output = run(&args, Some(key), input);
        assert!(!output.status.success());
        assert_eq!(stdout(&output), "", "{args:?}");
        assert!(
            stderr(&output).starts_with("ecommpay: "),
            "{}",
            stderr(&output)
        );
        assert!(!stderr(&output).contains(key), "{}", stderr(&output));
    }
    let no_key = run(&["sign"], None, SDK_PAYMENT);
    assert_eq!(no_key.status.code(), Some(2));
    assert!(
        stderr(&no_key).contains("ECOMMPAY_SECRET_KEY"),
        "{}",
        stderr(&no_key)
    );
    let empty = run(&["sign"], Some(""), SDK_PAYMENT);
    assert_eq!(empty.status.code(), Some(2));
}

#[test]
fn verify_names_each_kind_of_message_as_what_it_is() {
    // A Gate request without its signature, verified with the default `--kind auto`.
    let output = run(&["verify"], Some("secret"), VENDOR_DOC_MESSAGE);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "ecommpay: invalid: the message carries no signature at `general.signature`\n"
    );
    let output = run(
        &["verify", "--kind", "gate"],
        Some("secret"),
        VENDOR_DOC_MESSAGE,
    );
    assert_eq!(
        stderr(&output),
        "ecommpay: invalid: the message carries no signature at `general.signature`\n"
    );
    // Told that it is a callback, it says so.
    let output = run(
        &["verify", "--kind", "callback"],
        Some("qwerty"),
        SDK_PAYMENT,
    );
    assert_eq!(
        stderr(&output),
        "ecommpay: invalid: the callback carries no signature at `signature`\n"
    );
    let output = run(&["verify"], Some("qwerty"), "[1]");
    assert_eq!(
        stderr(&output),
        "ecommpay: cannot verify: the message is not a JSON object but an array\n"
    );
}

#[test]
fn empty_input_is_called_empty() {
    for (args, input) in [
        (&["verify"][..], ""),
        (&["sign"][..], "\n"),
        (&["validate", "--operation", "paypal.gate.sale"][..], "  "),
        (&["payment-page-url"][..], ""),
    ] {
        let output = run(args, Some("secret"), input);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert_eq!(
            stderr(&output),
            "ecommpay: standard input is empty: expected a JSON object\n",
            "{args:?}"
        );
    }
}

#[test]
fn payment_page_url_refuses_a_base_that_is_not_http() {
    for base in [
        "ftp://x/payment",
        "paymentpage.example.com",
        "https://",
        "file:///tmp/p",
    ] {
        let output = run(
            &["payment-page-url", "--base", base],
            Some("secret"),
            r#"{"project_id":100,"payment_id":"p1"}"#,
        );
        assert_eq!(output.status.code(), Some(2), "{base}");
        assert_eq!(
            stderr(&output),
            format!("ecommpay: --base {base:?} is not an http:// or https:// URL\n"),
        );
        assert_eq!(stdout(&output), "");
    }
}
