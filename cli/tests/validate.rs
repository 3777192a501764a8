//! `ecommpay validate`, run as a user would.

mod support;

use std::process::{Command, Output, Stdio};

const VALID_SALE: &str = r#"{"general":{"project_id":210,"payment_id":"test_payment","signature":"x"},"payment":{"amount":1000,"currency":"BRL"},"customer":{"id":"customer123","ip_address":"192.0.2.0","country":"BR"}}"#;

fn validate(args: &[&str], stdin: &str) -> Output {
    let mut all = vec!["validate"];
    all.extend_from_slice(args);
    support::run(&all, None, stdin)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_valid_payload_exits_0() {
    let out = validate(&["--operation", "astropay.gate.sale"], VALID_SALE);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "valid\n");
}

#[test]
fn every_violation_is_printed_with_its_path_and_exit_1() {
    let payload = VALID_SALE
        .replace(r#""currency":"BRL""#, r#""currency":"brl""#)
        .replace(r#","country":"BR""#, "");
    let out = validate(&["--operation", "astropay.gate.sale"], &payload);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "payment.currency: expected an ISO 4217 alpha-3 currency code (e.g. USD), got \"brl\" [format]\n\
         customer.country: is required [required]\n"
    );
    assert_eq!(
        text(&out.stderr),
        "ecommpay: 2 violation(s) of astropay.gate.sale\n"
    );
}

#[test]
fn facts_switch_conditional_rules_on() {
    let payload = r#"{"project_id":91348,"payment_id":"p1","payment_currency":"EUR","payment_amount":7000,"customer_id":"c1","customer_email":"p.jeltz@mail.com","mode":"payout","uuid":"u","signature":"s"}"#;
    let plain = validate(&["--operation", "card_payout.payment_page.payout"], payload);
    assert_eq!(plain.status.code(), Some(0), "{}", text(&plain.stdout));
    let canada = validate(
        &[
            "--operation",
            "card_payout.payment_page.payout",
            "--fact",
            "visa_card_issued_in_canada",
        ],
        payload,
    );
    assert_eq!(canada.status.code(), Some(1));
    let report = text(&canada.stdout);
    for field in ["recipient_country", "recipient_city", "recipient_address"] {
        assert!(
            report.contains(&format!("{field}: is required when")),
            "{report}"
        );
    }
}

#[test]
fn unreadable_input_and_unknown_operations_exit_2() {
    let out = validate(&["--operation", "astropay.gate.sale"], "{ not json");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("standard input is not JSON"));
    let out = validate(&["--operation", "astropay.gate.sale"], "[1, 2]");
    assert_eq!(out.status.code(), Some(2));
    let out = validate(&["--operation", "no.such.operation"], VALID_SALE);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown operation `no.such.operation`"));
    let out = validate(
        &["--operation", "astropay.gate.sale", "/no/such/file.json"],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read /no/such/file.json"));
}

#[test]
fn list_prints_every_operation() {
    let out = validate(&["--list"], "");
    assert_eq!(out.status.code(), Some(0));
    let listing = text(&out.stdout);
    assert_eq!(listing.lines().count(), ecommpay_api::OPERATIONS.len());
    assert!(listing.contains("astropay.gate.sale"));
    assert!(listing.contains("/v2/payment/wallet/astropay/sale"));
}

/// `ecommpay validate --list` with standard output going to `stdout`: its exit code and stderr.
fn list_into(stdout: Stdio) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ecommpay"))
        .args(["validate", "--list"])
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .expect("the binary runs");
    (out.status.code(), text(&out.stderr))
}

#[test]
fn a_closed_standard_output_is_a_message_not_a_panic() {
    // A pipe whose reader is gone before the binary writes: `ecommpay validate --list | true`.
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let (code, stderr) = list_into(Stdio::from(writer));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.starts_with("ecommpay: cannot write to standard output:"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_a_message_not_a_panic() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("Linux has /dev/full");
    let (code, stderr) = list_into(Stdio::from(full));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("cannot write to standard output: No space left on device"),
        "{stderr}"
    );
}

#[test]
fn other_parameters_are_notes_and_errors_with_strict() {
    let payload = VALID_SALE
        .replace(
            r#""amount":1000"#,
            r#""amount":1000,"descripton":"order 1""#,
        )
        .replace(
            r#""payment_id":"test_payment""#,
            r#""payment_id":"test_payment","merchant_callback_url":"https://merchant.example/cb""#,
        );
    let out = validate(&["--operation", "astropay.gate.sale"], &payload);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "valid\n");
    assert_eq!(
        text(&out.stderr),
        "note: general.merchant_callback_url: not a parameter the documents name\n\
         note: payment.descripton: not a parameter the documents name (did you mean `description`?)\n"
    );

    let strict = validate(&["--operation", "astropay.gate.sale", "--strict"], &payload);
    assert_eq!(strict.status.code(), Some(1), "{}", text(&strict.stderr));
    assert_eq!(
        text(&strict.stdout),
        "general.merchant_callback_url: not a parameter the documents name [strict]\n\
         payment.descripton: not a parameter the documents name (did you mean `description`?) [strict]\n"
    );
    assert_eq!(
        text(&strict.stderr),
        "ecommpay: 2 violation(s) of astropay.gate.sale\n"
    );
}

#[test]
fn an_unknown_fact_exits_2_and_lists_the_known_ones() {
    let out = validate(
        &[
            "--operation",
            "astropay.gate.sale",
            "--fact",
            "refund_is_partal",
        ],
        VALID_SALE,
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("ecommpay: unknown fact \"refund_is_partal\"; the spec knows "),
        "{stderr}"
    );
    assert!(stderr.contains("refund_is_partial"), "{stderr}");
    assert!(text(&out.stdout).is_empty());
}

#[test]
fn a_huge_unknown_key_is_named_by_a_short_prefix() {
    let key = "k".repeat(500_000);
    let payload = VALID_SALE.replace(r#""payment_id""#, &format!(r#""{key}":1,"payment_id""#));
    let out = validate(&["--operation", "astropay.gate.sale", "--strict"], &payload);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("general.kkkk"), "{}", &stdout[..80]);
    assert!(
        stdout.contains("… (500008 bytes): not a parameter the documents name"),
        "{}",
        &stdout[..300]
    );
    assert!(
        out.stdout.len() + out.stderr.len() < 1_000,
        "{} bytes of output",
        out.stdout.len()
    );
}

/// A number the signature cannot cover gets the same reason from every command: `validate`
/// reports it as a violation at its JSON path, `sign` and `verify` refuse the message at its
/// canonical path, `payment-page-url` names the parameter. `1.5`, which every official SDK
/// writes alike, passes all of them.
#[test]
fn an_unsignable_number_gets_the_same_reason_everywhere() {
    const REASON: &str = "the official SDKs would write it differently";
    let unsignable = VALID_SALE.replace(r#""country":"BR""#, r#""country":"BR","rates":[1.0]"#);
    let out = validate(&["--operation", "astropay.gate.sale"], &unsignable);
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout);
    assert!(
        report.starts_with(&format!(
            "customer.rates[0]: unsupported number \"1.0\": {REASON}"
        )),
        "{report}"
    );
    assert!(report.ends_with(" [unsignable_number]\n"), "{report}");
    let reason = report
        .split_once(r#"unsupported number "1.0": "#)
        .map(|(_, rest)| rest.trim_end_matches(" [unsignable_number]\n"))
        .unwrap();
    let signed = support::run(&["sign", "--kind", "gate"], Some("k"), &unsignable);
    assert_eq!(signed.status.code(), Some(2));
    assert_eq!(
        text(&signed.stderr),
        format!("ecommpay: unsupported number \"1.0\" at \"customer:rates:0\": {reason}\n")
    );
    // Whatever its signature: no signature over it can be checked.
    let well_formed = unsignable.replace(r#""x""#, &format!("\"{}==\"", "A".repeat(86)));
    let verified = support::run(&["verify", "--kind", "gate"], Some("k"), &well_formed);
    assert_eq!(verified.status.code(), Some(2));
    assert_eq!(
        text(&verified.stderr),
        format!(
            "ecommpay: cannot verify: unsupported number \"1.0\" at \"customer:rates:0\": {reason}\n"
        )
    );
    let page = support::run(&["payment-page-url"], Some("k"), r#"{"rate":1e3}"#);
    assert_eq!(page.status.code(), Some(2));
    assert!(
        text(&page.stderr).contains(&format!("in parameter \"rate\": {REASON}")),
        "{}",
        text(&page.stderr)
    );

    let signable = VALID_SALE.replace(r#""country":"BR""#, r#""country":"BR","rates":[1.5]"#);
    let out = validate(&["--operation", "astropay.gate.sale"], &signable);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let signed = support::run(&["sign", "--kind", "gate"], Some("k"), &signable);
    assert_eq!(signed.status.code(), Some(0), "{}", text(&signed.stderr));
}
