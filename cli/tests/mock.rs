//! `ecommpay mock` as a merchant in another language runs it: a process on loopback, its base
//! URL on the first line, a signed sale answered and its callbacks delivered, every event a JSON
//! line, and a clean stop on SIGTERM.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use axum::routing::post;
use ecommpay_api::SecretKey;
use ecommpay_api::client::{ReqwestTransport, Transport, TransportRequest, TransportResponse};
use serde_json::{Value, json};

const KEY: &str = "cli-mock-secret";

/// Kills the process if the test fails before it stops it.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn(args: &[&str]) -> (Running, mpsc::Receiver<Value>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ecommpay"))
        .arg("mock")
        .args(args)
        .env_remove("ECOMMPAY_SECRET_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let stdout = child.stdout.take().expect("piped");
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let value = serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
            if lines.send(value).is_err() {
                break;
            }
        }
    });
    (Running(child), received)
}

fn next(lines: &mpsc::Receiver<Value>) -> Value {
    lines
        .recv_timeout(Duration::from_secs(20))
        .expect("a line within 20 s")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mock_process_answers_logs_and_stops() {
    let merchant = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let callback_url = format!("http://{}/callback", merchant.local_addr().unwrap());
    let merchant_app = axum::Router::new().route("/callback", post(|| async { "ok" }));
    tokio::spawn(async move { axum::serve(merchant, merchant_app).await });
    let key_file = support::temp_file("mock", "key", &format!("{KEY}\n"));

    let (mut process, lines) = spawn(&[
        "--port",
        "0",
        "--key-file",
        key_file.to_str().unwrap(),
        "--callback-url",
        &callback_url,
        "--time-scale",
        "1000",
        "--decline-amount",
        "1313",
    ]);
    let first = next(&lines);
    assert_eq!(first["event"], "listening");
    let base_url = first["base_url"].as_str().unwrap().to_owned();
    assert!(base_url.starts_with("http://127.0.0.1:"), "{base_url}");

    let answer = send_sale(&base_url, "cli-1", 1313).await;
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );

    let request = next(&lines);
    assert_eq!(
        request,
        json!({"event": "request", "operation": "paypal.gate.sale", "payment_id": "cli-1", "answered": 200, "refused": null})
    );
    let redirect = next(&lines);
    assert_eq!(
        (
            redirect["event"].as_str(),
            redirect["redirect"].as_bool(),
            redirect["answered"].as_u64()
        ),
        (Some("callback"), Some(true), Some(200))
    );
    let decline = next(&lines);
    assert_eq!(
        decline["operation_status"], "decline",
        "--decline-amount 1313: {decline}"
    );
    assert_eq!(decline["answered"], 200);

    // SIGTERM: a clean stop with exit 0.
    let pid = process.0.id().to_string();
    send_signal("-TERM", &pid);
    let status = process.0.wait().unwrap();
    assert!(status.success(), "{status:?}");
}

#[test]
fn without_a_key_it_says_so_and_exits_2() {
    let output = support::run(&["mock", "--port", "0"], None, "");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        support::stderr(&output).contains("no key"),
        "{}",
        support::stderr(&output)
    );
}

#[test]
fn a_port_in_use_is_an_error_not_a_panic() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = support::run(&["mock", "--port", &port], Some(KEY), "");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        support::stderr(&output).contains("cannot listen on 127.0.0.1:"),
        "{}",
        support::stderr(&output)
    );
}

/// Waits for the process to exit; fails the test when it is still running after 20 s.
fn exit_status(process: &mut Running) -> std::process::ExitStatus {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = process.0.try_wait().unwrap() {
            return status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the mock still runs 20 s after the signal"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The mock's address, from its first line.
fn listening(lines: &mpsc::Receiver<Value>) -> String {
    let first = next(lines);
    assert_eq!(first["event"], "listening");
    first["base_url"]
        .as_str()
        .unwrap()
        .trim_start_matches("http://")
        .to_owned()
}

/// SIGTERM and SIGINT stop it while a client holds half a request (its head, or its head and
/// part of its body), with read timeouts far longer than the test waits.
#[test]
fn a_signal_stops_it_while_a_client_holds_half_a_request() {
    use std::io::Write;
    let key_file = support::temp_file("mock-stop", "key", KEY);
    for signal in ["-TERM", "-INT"] {
        let (mut process, lines) = spawn(&[
            "--port",
            "0",
            "--key-file",
            key_file.to_str().unwrap(),
            "--header-read-timeout",
            "3600",
            "--body-read-timeout",
            "3600",
        ]);
        let address = listening(&lines);
        let mut half_head = std::net::TcpStream::connect(&address).unwrap();
        half_head
            .write_all(b"POST /v2/payment/wallet/paypal/sale HTTP/1.1\r\nHost: m\r\nContent-")
            .unwrap();
        let mut half_body = std::net::TcpStream::connect(&address).unwrap();
        half_body
            .write_all(
                b"POST /v2/payment/wallet/paypal/sale HTTP/1.1\r\nHost: m\r\n\
                  Content-Length: 500\r\n\r\n{\"general\"",
            )
            .unwrap();
        // Both requests are in the server's hands before the signal.
        std::thread::sleep(Duration::from_millis(200));
        let pid = process.0.id().to_string();
        send_signal(signal, &pid);
        let status = exit_status(&mut process);
        assert!(status.success(), "{signal}: {status:?}");
    }
}

/// A connection that stalls in its head is closed after `--header-read-timeout`.
#[test]
fn a_stalled_connection_is_closed() {
    use std::io::{Read, Write};
    let key_file = support::temp_file("mock-stall", "key", KEY);
    let (_process, lines) = spawn(&[
        "--port",
        "0",
        "--key-file",
        key_file.to_str().unwrap(),
        "--header-read-timeout",
        "0.2",
    ]);
    let mut stalled = std::net::TcpStream::connect(listening(&lines)).unwrap();
    stalled
        .write_all(b"POST /v2/payment/wallet/paypal/sale HTTP/1.1\r\n")
        .unwrap();
    // A read that is still waiting after 20 s fails the test; a close ends it with 0 bytes.
    stalled
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut rest = Vec::new();
    let closed = stalled.read_to_end(&mut rest);
    assert!(closed.is_ok(), "the connection is still open: {closed:?}");
}

#[test]
fn a_timeout_that_is_not_a_number_of_seconds_is_refused() {
    let output = support::run(
        &["mock", "--port", "0", "--body-read-timeout=-1"],
        Some(KEY),
        "",
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        support::stderr(&output).contains("--body-read-timeout must be a number of seconds"),
        "{}",
        support::stderr(&output)
    );
}

/// With a stop deadline longer than the test waits, a second signal stops it at once.
#[test]
fn a_second_signal_stops_it_at_once() {
    use std::io::Write;
    let key_file = support::temp_file("mock-second-signal", "key", KEY);
    let (mut process, lines) = spawn(&[
        "--port",
        "0",
        "--key-file",
        key_file.to_str().unwrap(),
        "--header-read-timeout",
        "3600",
        "--shutdown-deadline",
        "3600",
    ]);
    let mut half_head = std::net::TcpStream::connect(listening(&lines)).unwrap();
    half_head
        .write_all(b"POST /v2/payment/wallet/paypal/sale HTTP/1.1\r\n")
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let pid = process.0.id().to_string();
    send_signal("-TERM", &pid);
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        process.0.try_wait().unwrap().is_none(),
        "the first signal waits for the request in progress"
    );
    send_signal("-INT", &pid);
    let status = exit_status(&mut process);
    assert!(status.success(), "{status:?}");
}

#[test]
fn a_callback_url_that_cannot_be_posted_to_is_refused_at_start() {
    for (url, says) in [
        ("localhost:3000/cb", "the scheme is \"localhost\""),
        ("not a url", "not an absolute URL"),
        ("/callback", "not an absolute URL"),
        ("ftp://example.com/cb", "the scheme is \"ftp\""),
    ] {
        let output = support::run(
            &["mock", "--port", "0", "--callback-url", url],
            Some(KEY),
            "",
        );
        let stderr = support::stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{url}: {stderr}");
        assert!(
            stderr.contains("--callback-url") && stderr.contains(says),
            "{url}: {stderr}"
        );
    }
}

#[test]
fn a_time_scale_too_small_for_a_timer_is_refused() {
    for scale in ["1e-300", "0", "NaN"] {
        let output = support::run(
            &["mock", "--port", "0", &format!("--time-scale={scale}")],
            Some(KEY),
            "",
        );
        let stderr = support::stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{scale}: {stderr}");
        assert!(stderr.contains("--time-scale"), "{scale}: {stderr}");
        assert!(!stderr.contains("panicked"), "{scale}: {stderr}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_failed_delivery_is_logged_with_its_reason() {
    // A port nothing listens on: bound, then closed.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let callback_url = format!("http://{}/callback", closed.local_addr().unwrap());
    drop(closed);
    let key_file = support::temp_file("mock-refused", "key", &format!("{KEY}\n"));
    let (_process, lines) = spawn(&[
        "--port",
        "0",
        "--key-file",
        key_file.to_str().unwrap(),
        "--callback-url",
        &callback_url,
        "--time-scale",
        "1000000",
    ]);
    let base_url = next(&lines)["base_url"].as_str().unwrap().to_owned();
    let answer = send_sale(&base_url, "cli-refused", 100).await;
    assert_eq!(answer.status, 200);
    assert_eq!(next(&lines)["event"], "request");
    let delivery = next(&lines);
    assert_eq!(delivery["event"], "callback", "{delivery}");
    assert_eq!(delivery["answered"], Value::Null, "{delivery}");
    let failure = delivery["failure"].as_str().unwrap_or_default();
    assert!(failure.starts_with("refused: "), "{delivery}");
}

/// A number as another parameter of a sale: signed and accepted where every official SDK writes
/// it alike (`1.5`); where they would not (`1.0`), no signature can be checked, and the mock says
/// so with the signer's own message.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_number_is_taken_as_the_signer_takes_it() {
    let key_file = support::temp_file("mock-numbers", "key", &format!("{KEY}\n"));
    let (_process, lines) = spawn(&["--port", "0", "--key-file", key_file.to_str().unwrap()]);
    let base_url = format!("http://{}", listening(&lines));

    let mut sale = sale_body("cli-rate-1", 1000);
    sale["customer"]["rates"] = json!([1.5]);
    let answer = send_signed(&base_url, sale).await;
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );

    let mut sale = sale_body("cli-rate-2", 1000);
    sale["customer"]["rates"] = serde_json::from_str("[1.0]").unwrap();
    let refused = SecretKey::new(KEY).unwrap().sign_json(&sale).unwrap_err();
    sale["general"]["signature"] = format!("{}==", "A".repeat(86)).into();
    let answer = send(&base_url, &sale).await;
    assert_eq!(answer.status, 400);
    let body: Value = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(body["code"], "invalid_signature", "{body}");
    assert_eq!(body["message"], refused.to_string(), "{body}");
}

/// A PayPal Gate sale of `amount` under `payment_id`, signed with the test key and sent to the
/// mock at `base_url`.
async fn send_sale(base_url: &str, payment_id: &str, amount: u64) -> TransportResponse {
    send_signed(base_url, sale_body(payment_id, amount)).await
}

fn sale_body(payment_id: &str, amount: u64) -> Value {
    json!({
        "general": {"project_id": 210, "payment_id": payment_id},
        "payment": {"amount": amount, "currency": "USD"},
        "customer": {"ip_address": "192.0.2.0", "id": "customer123"},
        "return_url": {"success": "http://example.com/s", "decline": "http://example.com/d"}
    })
}

/// `sale` signed with the test key and sent to the mock at `base_url`.
async fn send_signed(base_url: &str, mut sale: Value) -> TransportResponse {
    let signature = SecretKey::new(KEY).unwrap().sign_json(&sale).unwrap();
    sale["general"]["signature"] = signature.into();
    send(base_url, &sale).await
}

async fn send(base_url: &str, sale: &Value) -> TransportResponse {
    ReqwestTransport::new(Duration::from_secs(5))
        .unwrap()
        .send(TransportRequest::new(
            "POST",
            format!("{base_url}/v2/payment/wallet/paypal/sale"),
            vec![("Content-Type", "application/json".into())],
            serde_json::to_vec(sale).unwrap(),
            Default::default(),
        ))
        .await
        .unwrap()
}

/// Sends `signal` (`-TERM`, `-INT`) to the process `pid`.
fn send_signal(signal: &str, pid: &str) {
    let sent = Command::new("kill").args([signal, pid]).status().unwrap();
    assert!(sent.success(), "kill {signal} {pid}");
}
