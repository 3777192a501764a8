//! The Gate client against minimal loopback servers started by each test: every kind of
//! answer and failure maps to its error kind, and nothing is sent twice that must not be.
//! Offline and bounded in time (every exchange has short timeouts).
#![cfg(feature = "client")]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ecommpay_api::Interface;
use ecommpay_api::astropay::{PayoutRequest, SaleRequest};
use ecommpay_api::client::{
    ConfigError, DEFAULT_BASE_URL, Gate, GateError, GateErrorKind, ReqwestTransport, RetryPolicy,
    Transport, TransportError, TransportErrorKind, TransportRequest, TransportResponse,
};
use ecommpay_api::signature::MessageKind;

mod support;

use support::*;

#[tokio::test]
async fn accepted_answer_is_typed_and_the_request_signed_at_send_time() {
    let server = Server::start(Behaviour::Answer(200, ACCEPTED)).await;
    let mut stale = sale();
    stale.general.signature = Some("c3RhbGU=".into()); // replaced at send time
    let accepted = gate(&server.url).send(stale).await.unwrap();
    assert_eq!(accepted.http_status, 200);
    assert_eq!(accepted.status, "success");
    assert_eq!(
        accepted.request_id.as_deref(),
        Some("61788f10d1fe-00000001")
    );
    assert_eq!(
        accepted.project_id.as_ref().and_then(|p| p.as_i64()),
        Some(210)
    );
    assert_eq!(accepted.payment_id.as_deref(), Some("order-1"));
    assert_eq!(accepted.body.as_bytes(), ACCEPTED.as_bytes());
    assert_eq!(accepted.body.json().unwrap()["status"], "success");

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].request_line,
        "POST /v2/payment/wallet/astropay/sale HTTP/1.1"
    );
    let headers = requests[0].headers.to_ascii_lowercase();
    assert!(
        headers.contains("content-type: application/json"),
        "{headers}"
    );
    assert!(headers.contains("user-agent: ecommpay-rs/"), "{headers}");
    let body: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    key().verify_json(&body, MessageKind::GateRequest).unwrap();
    assert_eq!(body["general"]["signature"], sale_signature());
}

#[tokio::test]
async fn forbidden_403_keeps_what_the_gate_said() {
    let server = Server::start(Behaviour::Answer(
        403,
        r#"{"status":"error","code":"403","message":"Access denied for IP 198.51.100.7"}"#,
    ))
    .await;
    let error = gate(&server.url).send(sale()).await.unwrap_err();
    assert_eq!(error.kind(), GateErrorKind::Forbidden);
    let rejection = error.rejection().unwrap();
    assert_eq!(rejection.http_status, 403);
    assert_eq!(rejection.code.as_deref(), Some("403"));
    assert_eq!(
        rejection.message.as_deref(),
        Some("Access denied for IP 198.51.100.7")
    );
    assert!(!error.may_have_been_processed());
    let text = error.to_string();
    assert!(
        text.starts_with("astropay.gate.sale: forbidden by the Gate (HTTP 403"),
        "{text}"
    );
    assert!(text.contains("allow-list"), "{text}");
}

#[tokio::test]
async fn rejected_400_keeps_code_message_and_body() {
    let body = r#"{"status":"error","request_id":"r-7","code":"3003","message":"Invalid signature","signature":"c2VjcmV0LXNpZw=="}"#;
    let server = Server::start(Behaviour::Answer(400, body)).await;
    let error = gate(&server.url).send(sale()).await.unwrap_err();
    assert_eq!(error.kind(), GateErrorKind::Rejected);
    assert_eq!(error.operation(), "astropay.gate.sale");
    let rejection = error.rejection().unwrap();
    assert_eq!(rejection.http_status, 400);
    assert_eq!(rejection.code.as_deref(), Some("3003"));
    assert_eq!(rejection.message.as_deref(), Some("Invalid signature"));
    assert_eq!(rejection.request_id.as_deref(), Some("r-7"));
    assert_eq!(rejection.body.as_bytes(), body.as_bytes());
    assert!(!error.may_have_been_processed());
    let text = error.to_string();
    assert!(
        text.contains(r#"HTTP 400, code "3003", message "Invalid signature"; body"#),
        "{text}"
    );
    // A signature in the answer is redacted wherever it is shown.
    for shown in [text, format!("{error:?}")] {
        assert!(!shown.contains("c2VjcmV0LXNpZw=="), "{shown}");
    }
    assert_eq!(rejection.body.json().unwrap()["signature"], "<redacted>");
}

#[tokio::test]
async fn server_error_500_is_a_rejection_that_may_have_been_processed() {
    let server = Server::start(Behaviour::Answer(500, "<html>Internal Server Error</html>")).await;
    let error = gate(&server.url).send(sale()).await.unwrap_err();
    assert_eq!(error.kind(), GateErrorKind::Rejected);
    let rejection = error.rejection().unwrap();
    assert!(rejection.is_server_error());
    assert_eq!(rejection.code, None);
    assert!(error.may_have_been_processed());
    assert!(error.to_string().contains("HTTP 500"), "{error}");
}

#[tokio::test]
async fn a_rejection_keeps_the_gates_message_whole() {
    let message = "The refund asks for 5000; 1000 is left to refund on this payment. Refund at \
                   most the rest.";
    let body = format!(r#"{{"status":"error","code":"3061","message":"{message}"}}"#);
    let server = Server::start(Behaviour::Answer(400, Box::leak(body.into_boxed_str()))).await;
    let error = gate(&server.url).send(sale()).await.unwrap_err();
    let text = error.to_string();
    assert!(text.contains(&format!("message {message:?}")), "{text}");
    // Bounded all the same.
    let huge = format!(
        r#"{{"status":"error","message":"{}"}}"#,
        "x".repeat(100_000)
    );
    let server = Server::start(Behaviour::Answer(400, Box::leak(huge.into_boxed_str()))).await;
    let text = gate(&server.url)
        .send(sale())
        .await
        .unwrap_err()
        .to_string();
    assert!(text.len() < 500, "{text}");
    assert!(text.contains("(100000 bytes)"), "{text}");
}

#[tokio::test]
async fn a_redirect_may_have_been_processed() {
    for status in [301, 302, 307, 308] {
        let server = Server::start(Behaviour::Answer(status, "")).await;
        let error = gate(&server.url).send(sale()).await.unwrap_err();
        assert_eq!(error.kind(), GateErrorKind::Redirected, "{status}");
        assert!(error.may_have_been_processed(), "{status}");
        assert!(error.rejection().unwrap().is_redirect());
        let text = error.to_string();
        assert!(text.contains(&format!("redirect (HTTP {status}")), "{text}");
        assert!(text.contains("may have been processed"), "{text}");
        assert!(!text.contains("not processed"), "{text}");
        // Not followed, not sent again.
        assert_eq!(server.requests().len(), 1);
    }
}

#[tokio::test]
async fn an_acceptance_about_another_request_is_not_taken() {
    for (body, says) in [
        (
            r#"{"status":"success","request_id":"r-1","project_id":211,"payment_id":"order-1"}"#,
            "about project_id \"211\", not the 210 the request was sent for",
        ),
        (
            r#"{"status":"success","request_id":"r-1","project_id":"210","payment_id":"order-2"}"#,
            "about payment_id \"order-2\", not the \"order-1\" the request was sent for",
        ),
    ] {
        let server = Server::start(Behaviour::Answer(200, body)).await;
        let error = gate(&server.url).send(sale()).await.unwrap_err();
        assert_eq!(error.kind(), GateErrorKind::MalformedAnswer, "{body}");
        assert!(error.may_have_been_processed());
        assert!(error.to_string().contains(says), "{error}");
    }
    // Where the answer names neither, or the same ones (as a string or a number), it is taken.
    for body in [
        r#"{"status":"success","request_id":"r-1"}"#,
        r#"{"status":"success","project_id":"210","payment_id":"order-1"}"#,
    ] {
        let server = Server::start(Behaviour::Answer(200, body)).await;
        gate(&server.url).send(sale()).await.unwrap();
    }
}

#[tokio::test]
async fn malformed_answers_are_told_apart() {
    for (body, reason) in [
        ("Accepted, thanks", "not JSON"),
        ("[1,2]", "not an object"),
        (r#"{"status":"processing"}"#, "not \"success\""),
        (r#"{"request_id":"r-1"}"#, "no string `status`"),
    ] {
        let server = Server::start(Behaviour::Answer(200, body)).await;
        let error = gate(&server.url).send(sale()).await.unwrap_err();
        assert_eq!(error.kind(), GateErrorKind::MalformedAnswer, "{body}");
        assert!(error.may_have_been_processed());
        let text = error.to_string();
        assert!(text.contains(reason), "{text}");
        assert!(text.contains("HTTP 200"), "{text}");
    }
    // A 2xx with "status": "error" is a rejection.
    let server = Server::start(Behaviour::Answer(200, r#"{"status":"error","code":"1"}"#)).await;
    let error = gate(&server.url).send(sale()).await.unwrap_err();
    assert_eq!(error.kind(), GateErrorKind::Rejected);
}

#[tokio::test]
async fn a_huge_malformed_answer_is_quoted_short() {
    let huge: &'static str = Box::leak("x".repeat(200_000).into_boxed_str());
    let server = Server::start(Behaviour::Answer(200, huge)).await;
    let error = gate(&server.url).send(sale()).await.unwrap_err();
    assert_eq!(error.kind(), GateErrorKind::MalformedAnswer);
    let text = error.to_string();
    assert!(text.len() < 300, "{text}");
    assert!(text.contains("(200000 bytes)"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// Failures without an answer.

#[tokio::test]
async fn slow_answer_is_a_timeout() {
    let server = Server::start(Behaviour::Slow(Duration::from_secs(10))).await;
    let gate = Gate::builder(key())
        .base_url(&server.url)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = gate.send(sale()).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(error.kind(), GateErrorKind::Timeout);
    assert!(error.may_have_been_processed(), "the request was sent");
    let GateError::Timeout {
        attempts, failure, ..
    } = &error
    else {
        unreachable!()
    };
    assert_eq!(
        (*attempts, failure.kind()),
        (1, TransportErrorKind::Timeout)
    );
    assert_eq!(server.requests().len(), 1);
    assert_eq!(
        error.to_string(),
        format!(
            "astropay.gate.sale: no complete answer from {} within the total timeout (after 1 \
             attempt(s))",
            server.url
        )
    );
}

#[tokio::test]
async fn dropped_connection_is_a_transport_failure_after_sending() {
    let server = Server::start(Behaviour::Drop).await;
    let error = gate(&server.url).send(sale()).await.unwrap_err();
    assert_eq!(error.kind(), GateErrorKind::Transport);
    let GateError::Transport {
        failure: source, ..
    } = &error
    else {
        unreachable!()
    };
    assert_eq!(source.kind(), TransportErrorKind::Interrupted);
    assert!(!source.nothing_sent());
    assert!(error.may_have_been_processed());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn connection_refused_is_a_transport_failure_before_sending() {
    let error = gate(&refused_url().await).send(sale()).await.unwrap_err();
    assert_eq!(error.kind(), GateErrorKind::Transport);
    let GateError::Transport {
        failure, attempts, ..
    } = &error
    else {
        unreachable!()
    };
    assert_eq!(failure.kind(), TransportErrorKind::Connect);
    assert_eq!(*attempts, 1, "no retry without a policy");
    assert!(!error.may_have_been_processed());
}

#[tokio::test]
async fn a_connection_error_names_the_address_once_and_does_not_repeat_itself() {
    let url = refused_url().await;
    let error = gate(&url).send(sale()).await.unwrap_err();
    // The whole chain, as an error reporter prints it.
    let mut chain = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(inner) = source {
        chain.push_str(&format!(": {inner}"));
        source = inner.source();
    }
    assert_eq!(chain.matches(url.as_str()).count(), 1, "{chain}");
    assert!(
        chain.starts_with(&format!("astropay.gate.sale: cannot connect to {url}: ")),
        "{chain}"
    );
    assert!(chain.ends_with(" (after 1 attempt(s))"), "{chain}");
    assert_eq!(chain.matches("connect").count(), 1, "{chain}");
}

#[tokio::test]
async fn an_invalid_request_is_not_sent() {
    let server = Server::start(Behaviour::Answer(200, ACCEPTED)).await;
    // An AstroPay payout needs customer.phone or customer.account_id.
    let payout: PayoutRequest = serde_json::from_value(serde_json::json!({
        "general": {"project_id": 210, "payment_id": "payout-1"},
        "payment": {"amount": 1000, "currency": "BRL"},
        "customer": {"id": "customer123", "ip_address": "192.0.2.0", "country": "BR"}
    }))
    .unwrap();
    let error = gate(&server.url).send(payout).await.unwrap_err();
    assert_eq!(error.kind(), GateErrorKind::Invalid);
    let violations = error.violations().unwrap();
    assert!(
        violations.0.iter().any(|v| v.path == "customer"),
        "{violations}"
    );
    assert!(
        error
            .to_string()
            .starts_with("astropay.gate.payout: the request is invalid, nothing was sent"),
        "{error}"
    );
    assert!(!error.may_have_been_processed());
    assert_eq!(server.connections.load(Ordering::SeqCst), 0);
}

// ---------------------------------------------------------------------------------------------
// Retries.

#[test]
fn the_operations_that_may_be_sent_again_are_the_ones_that_open_a_payment() {
    // What the spec declares (`action:`), read from the generated tables: no guess from an id.
    let mut opening: Vec<&str> = Vec::new();
    let mut acting: Vec<&str> = Vec::new();
    for entry in ecommpay_api::OPERATIONS {
        if entry.schema.interface == Interface::Gate {
            if entry.schema.action.opens_payment() {
                opening.push(entry.id());
            } else {
                acting.push(entry.id());
            }
        }
    }
    opening.sort_unstable();
    acting.sort_unstable();
    assert_eq!(
        opening,
        [
            "astropay.gate.payout",
            "astropay.gate.pix_payout",
            "astropay.gate.sale",
            "card_payout.gate.payout_registration",
            "paypal.gate.auth",
            "paypal.gate.payout",
            "paypal.gate.recurring",
            "paypal.gate.sale",
            "upi.gate.payout",
            "upi.gate.sale",
        ]
    );
    assert_eq!(
        acting,
        [
            "paypal.gate.cancel",
            "paypal.gate.capture",
            "paypal.gate.recurring_cancel",
            "paypal.gate.refund",
            "upi.gate.refund",
        ]
    );
}

#[tokio::test]
async fn a_refund_is_never_retried() {
    // Refused: nothing was sent, yet a refund is not sent again.
    let error = gate_with_retry(&refused_url().await)
        .send(refund())
        .await
        .unwrap_err();
    let GateError::Transport {
        attempts, failure, ..
    } = &error
    else {
        panic!("{error}")
    };
    assert_eq!(
        (*attempts, failure.kind()),
        (1, TransportErrorKind::Connect)
    );
    // Dropped, timed out, 500: one request received each time.
    for behaviour in [
        Behaviour::Drop,
        Behaviour::Slow(Duration::from_secs(10)),
        Behaviour::Answer(500, "{}"),
    ] {
        let server = Server::start(behaviour).await;
        let _ = gate_with_retry(&server.url)
            .send(refund())
            .await
            .unwrap_err();
        assert_eq!(server.requests().len(), 1);
        assert_eq!(
            server.requests()[0].request_line,
            "POST /v2/payment/wallet/paypal/refund HTTP/1.1"
        );
    }
}

#[tokio::test]
async fn a_sale_is_retried_only_when_nothing_was_sent() {
    // After sending: dropped, timed out, 500, 400: one request received each time.
    for behaviour in [
        Behaviour::Drop,
        Behaviour::Slow(Duration::from_secs(10)),
        Behaviour::Answer(500, "{}"),
        Behaviour::Answer(400, r#"{"status":"error"}"#),
    ] {
        let server = Server::start(behaviour).await;
        let error = gate_with_retry(&server.url).send(sale()).await.unwrap_err();
        assert_eq!(server.requests().len(), 1, "{error}");
    }
    // Refused: tried 1 + 2 times.
    let error = gate_with_retry(&refused_url().await)
        .send(sale())
        .await
        .unwrap_err();
    let GateError::Transport { attempts, .. } = &error else {
        panic!("{error}")
    };
    assert_eq!(*attempts, 3);
    assert!(error.to_string().contains("after 3 attempt(s)"), "{error}");
}

/// Fails the first attempts as a connection failure before sending, then goes to reqwest.
struct FailsFirst {
    failures: AtomicUsize,
    inner: ReqwestTransport,
    bodies: Mutex<Vec<Vec<u8>>>,
}

impl Transport for FailsFirst {
    async fn send(&self, request: TransportRequest) -> Result<TransportResponse, TransportError> {
        self.bodies.lock().unwrap().push(request.body.clone());
        if self
            .failures
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
        {
            return Err(TransportError::new(TransportErrorKind::Connect, "refused"));
        }
        self.inner.send(request).await
    }
}

#[tokio::test]
async fn a_sale_retried_after_a_connect_failure_is_sent_byte_for_byte_and_received_once() {
    let server = Server::start(Behaviour::Answer(200, ACCEPTED)).await;
    let transport = Arc::new(FailsFirst {
        failures: AtomicUsize::new(2),
        inner: ReqwestTransport::new(Duration::from_secs(2)).unwrap(),
        bodies: Mutex::new(Vec::new()),
    });
    let gate = Gate::builder(key())
        .base_url(&server.url)
        .retry(RetryPolicy::connection_failures(
            2,
            Duration::from_millis(1),
        ))
        .build_with(Arc::clone(&transport))
        .unwrap();
    let accepted = gate.send(sale()).await.unwrap();
    assert_eq!(accepted.payment_id.as_deref(), Some("order-1"));
    assert_eq!(server.requests().len(), 1);
    let bodies = transport.bodies.lock().unwrap().clone();
    assert_eq!(bodies.len(), 3);
    assert!(bodies.iter().all(|b| b == &server.requests()[0].body));

    // One failure too many: the policy's 2 retries are spent.
    let transport = FailsFirst {
        failures: AtomicUsize::new(3),
        inner: ReqwestTransport::new(Duration::from_secs(2)).unwrap(),
        bodies: Mutex::new(Vec::new()),
    };
    let gate = Gate::builder(key())
        .base_url(&server.url)
        .retry(RetryPolicy::connection_failures(2, Duration::ZERO))
        .build_with(transport)
        .unwrap();
    let error = gate.send(sale()).await.unwrap_err();
    assert_eq!(error.kind(), GateErrorKind::Transport);
    assert_eq!(server.requests().len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Settings, secrets, tracing.

#[test]
fn settings_are_checked() {
    let gate = Gate::new(key()).unwrap();
    assert_eq!(gate.base_url(), DEFAULT_BASE_URL);
    assert_eq!(
        gate.url_for::<SaleRequest>(),
        "https://api.ecommpay.com/v2/payment/wallet/astropay/sale"
    );
    assert_eq!(gate.retry_policy(), RetryPolicy::none());
    let trailing = Gate::builder(key())
        .base_url("http://127.0.0.1:9/")
        .build()
        .unwrap();
    assert_eq!(trailing.base_url(), "http://127.0.0.1:9");
    for bad in [
        "api.ecommpay.com",
        "ftp://x",
        "https://",
        "https://x/?a=1",
        "https://x#f",
    ] {
        let error = Gate::builder(key()).base_url(bad).build().unwrap_err();
        assert!(
            matches!(error, ConfigError::InvalidBaseUrl(_)),
            "{bad}: {error}"
        );
    }
    let error = Gate::builder(key())
        .timeout(Duration::ZERO)
        .build()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "the total timeout must be greater than zero"
    );
    assert_eq!(
        RetryPolicy::connection_failures(3, Duration::from_millis(10)).delay_before(3),
        Duration::from_millis(40)
    );
}

#[tokio::test]
async fn the_key_and_the_signature_never_show() {
    let signature = sale_signature();
    let shown = format!("{:?}", gate("http://127.0.0.1:9"));
    assert!(!shown.contains(KEY), "{shown}");
    assert!(shown.contains("SecretKey(<redacted>)"), "{shown}");
    let request = TransportRequest::new(
        "POST",
        "http://x/",
        vec![],
        signature.clone().into_bytes(),
        Default::default(),
    );
    let shown = format!("{request:?}");
    assert!(!shown.contains(&signature), "{shown}");

    for behaviour in [
        Behaviour::Answer(400, r#"{"status":"error","code":"1"}"#),
        Behaviour::Answer(200, "nope"),
        Behaviour::Drop,
    ] {
        let server = Server::start(behaviour).await;
        let error = gate(&server.url).send(sale()).await.unwrap_err();
        for shown in [error.to_string(), format!("{error:?}")] {
            assert!(
                !shown.contains(KEY) && !shown.contains(&signature),
                "{shown}"
            );
        }
    }
}
