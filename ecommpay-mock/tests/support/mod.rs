//! What the mock's tests share: the project's key, signed Gate requests, and a merchant's
//! callback endpoint on loopback that verifies and records what it receives.

#![allow(dead_code)] // Each test binary uses its own part.

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::routing;
use ecommpay_api::SecretKey;
use ecommpay_api::client::{ReqwestTransport, Transport, TransportRequest, TransportResponse};
use ecommpay_api::signature::MessageKind;
use serde_json::{Value, json};

pub(crate) const KEY: &str = "mock-test-secret";

pub(crate) fn key() -> SecretKey {
    SecretKey::new(KEY).unwrap()
}

/// `body` with `general.signature` set for the project's key.
pub(crate) fn signed(mut body: Value) -> Value {
    let signature = key().sign_json(&body).unwrap();
    body["general"]["signature"] = signature.into();
    body
}

pub(crate) fn paypal_sale(payment_id: &str, amount: u64) -> Value {
    signed(json!({
        "general": {"project_id": 210, "payment_id": payment_id},
        "payment": {"amount": amount, "currency": "USD"},
        "customer": {"ip_address": "192.0.2.0", "id": "customer123"},
        "return_url": {"success": "http://example.com/success", "decline": "http://example.com/decline"}
    }))
}

pub(crate) fn paypal_auth(payment_id: &str, amount: u64) -> Value {
    signed(json!({
        "general": {"project_id": 210, "payment_id": payment_id},
        "payment": {"amount": amount, "currency": "USD"},
        "customer": {
            "ip_address": "192.0.2.0", "id": "customer123", "email": "test@example.com",
            "first_name": "John", "last_name": "Doe", "phone": "3572437356", "country": "GB"
        },
        "return_url": {"return": "http://example.com/return"}
    }))
}

pub(crate) fn paypal_follow_up(payment_id: &str) -> Value {
    signed(json!({"general": {"project_id": 210, "payment_id": payment_id}}))
}

pub(crate) fn paypal_refund(payment_id: &str, amount: Option<u64>) -> Value {
    let mut body = json!({
        "general": {"project_id": 210, "payment_id": payment_id},
        "payment": {"description": "Test PayPal refund"}
    });
    if let Some(amount) = amount {
        body["payment"]["amount"] = amount.into();
        body["payment"]["currency"] = "USD".into();
    }
    signed(body)
}

/// POSTs a JSON body to the mock.
pub(crate) async fn post_json(url: String, body: &Value) -> TransportResponse {
    post(url, "application/json", serde_json::to_vec(body).unwrap()).await
}

pub(crate) async fn post(url: String, content_type: &str, body: Vec<u8>) -> TransportResponse {
    let transport = ReqwestTransport::new(Duration::from_secs(2)).unwrap();
    transport
        .send(TransportRequest::new(
            "POST",
            url,
            vec![("Content-Type", content_type.to_owned())],
            body,
            Default::default(),
        ))
        .await
        .unwrap()
}

pub(crate) fn json_of(response: &TransportResponse) -> Value {
    serde_json::from_slice(&response.body).unwrap()
}

/// A merchant's callback endpoint: verifies each callback with the key, records it, and
/// answers with the status it is set to (200 unless told otherwise).
#[derive(Clone)]
pub(crate) struct Merchant {
    pub url: String,
    received: Arc<Mutex<Vec<(Value, bool)>>>,
    answer: Arc<AtomicU16>,
}

impl Merchant {
    pub(crate) async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/callback", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let answer = Arc::new(AtomicU16::new(200));
        let (log, status) = (Arc::clone(&received), Arc::clone(&answer));
        let routes = Router::new().route(
            "/callback",
            routing::post(move |body: Bytes| {
                let (log, status) = (Arc::clone(&log), Arc::clone(&status));
                async move {
                    let value: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                    let verified = key().verify_json(&value, MessageKind::Callback).is_ok();
                    log.lock().unwrap().push((value, verified));
                    StatusCode::from_u16(status.load(Ordering::SeqCst)).unwrap()
                }
            }),
        );
        tokio::spawn(async move { axum::serve(listener, routes).await });
        Self {
            url,
            received,
            answer,
        }
    }

    /// Answers every callback from now on with `status`.
    pub(crate) fn answer(&self, status: u16) {
        self.answer.store(status, Ordering::SeqCst);
    }

    /// The callbacks received so far, each checked against the key.
    pub(crate) fn received(&self) -> Vec<(Value, bool)> {
        self.received.lock().unwrap().clone()
    }
}
