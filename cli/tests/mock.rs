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
use ecommpay_api::client::{ReqwestTransport, Transport, TransportRequest};
use ecommpay_api::signature::{MessageKind, SignOptions, sign_value};
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

    let mut sale = json!({
        "general": {"project_id": 210, "payment_id": "cli-1"},
        "payment": {"amount": 1313, "currency": "USD"},
        "customer": {"ip_address": "192.0.2.0", "id": "customer123"},
        "return_url": {"success": "http://example.com/s", "decline": "http://example.com/d"}
    });
    let signature = sign_value(
        &sale,
        &SecretKey::new(KEY).unwrap(),
        SignOptions::new(MessageKind::GateRequest),
    )
    .unwrap();
    sale["general"]["signature"] = signature.into();
    let transport = ReqwestTransport::new(Duration::from_secs(5)).unwrap();
    let answer = transport
        .send(TransportRequest::new(
            "POST",
            format!("{base_url}/v2/payment/wallet/paypal/sale"),
            vec![("Content-Type", "application/json".into())],
            serde_json::to_vec(&sale).unwrap(),
            Default::default(),
        ))
        .await
        .unwrap();
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
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
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
