//! The mock Gate as the Gate client sees it, and what it answers to bad input.

use std::time::Duration;

use ecommpay_api::SecretKey;
use ecommpay_api::astropay::SaleRequest;
use ecommpay_api::client::{
    Gate, GateErrorKind, ReqwestTransport, Transport, TransportRequest, TransportResponse,
};
use ecommpay_api::shared::Customer;
use ecommpay_api::shared::{General, Payment};
use ecommpay_mock::{MAX_REQUEST_BYTES, MockConfig, MockGate};

const KEY: &str = "mock-test-secret";

fn sale(payment_id: &str) -> SaleRequest {
    SaleRequest::builder()
        .general(General::builder().project_id(210).payment_id(payment_id))
        .payment(Payment::builder().amount(1000).currency("BRL"))
        .customer(
            Customer::builder()
                .id("customer123")
                .ip_address("192.0.2.10")
                .country("BR"),
        )
        .build()
        .unwrap()
}

async fn post(url: String, body: Vec<u8>) -> TransportResponse {
    let transport = ReqwestTransport::new(Duration::from_secs(2)).unwrap();
    transport
        .send(TransportRequest::new(
            "POST",
            url,
            vec![("Content-Type", "application/json".into())],
            body,
            Default::default(),
        ))
        .await
        .unwrap()
}

fn json(response: &TransportResponse) -> serde_json::Value {
    serde_json::from_slice(&response.body).unwrap()
}

#[tokio::test]
async fn the_client_is_accepted_by_the_mock() {
    let mock = MockGate::start(MockConfig::new(SecretKey::new(KEY).unwrap()))
        .await
        .unwrap();
    let gate = Gate::builder(SecretKey::new(KEY).unwrap())
        .base_url(mock.base_url())
        .build()
        .unwrap();
    let accepted = gate.send(sale("order-1")).await.unwrap();
    assert_eq!(accepted.payment_id.as_deref(), Some("order-1"));
    assert_eq!(accepted.project_id.and_then(|p| p.as_i64()), Some(210));
    assert!(accepted.request_id.is_some());

    // Another key: the mock refuses the signature, as the Gate does.
    let wrong = Gate::builder(SecretKey::new("wrong key").unwrap())
        .base_url(mock.base_url())
        .build()
        .unwrap();
    let error = wrong.send(sale("order-2")).await.unwrap_err();
    assert_eq!(error.kind(), GateErrorKind::Rejected);
    let rejection = error.rejection().unwrap();
    assert_eq!(rejection.http_status, 400);
    assert_eq!(rejection.code.as_deref(), Some("invalid_signature"));

    let answered: Vec<_> = mock.requests().iter().map(|r| r.answered).collect();
    assert_eq!(answered, [200, 400]);
    assert!(mock.callbacks().is_empty(), "no callback URL, no callbacks");
    mock.shutdown().await;
}

#[tokio::test]
async fn bad_input_gets_an_answer_a_client_understands() {
    let mock = MockGate::start(MockConfig::new(SecretKey::new(KEY).unwrap()))
        .await
        .unwrap();
    let sale_url = format!("{}/v2/payment/wallet/astropay/sale", mock.base_url());

    let malformed = post(sale_url.clone(), b"{not json".to_vec()).await;
    assert_eq!(malformed.status, 400);
    assert_eq!(json(&malformed)["code"], "malformed_request");

    // Signed, but breaking the rules: every violation with its path.
    let mut body = serde_json::json!({
        "general": {"project_id": 210, "payment_id": "order-3"},
        "payment": {"amount": 1000, "currency": "BRL"},
        "customer": {"id": "customer123", "ip_address": "192.0.2.10"}
    });
    let signature = SecretKey::new(KEY).unwrap().sign_json(&body).unwrap();
    body["general"]["signature"] = signature.into();
    let invalid = post(sale_url.clone(), serde_json::to_vec(&body).unwrap()).await;
    assert_eq!(invalid.status, 400);
    let answer = json(&invalid);
    assert_eq!(answer["code"], "invalid_request");
    assert!(
        answer["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["path"] == "customer.country"),
        "{answer}"
    );

    let form = ReqwestTransport::new(Duration::from_secs(2))
        .unwrap()
        .send(TransportRequest::new(
            "POST",
            sale_url.clone(),
            vec![("Content-Type", "application/x-www-form-urlencoded".into())],
            b"general=1".to_vec(),
            Default::default(),
        ))
        .await
        .unwrap();
    assert_eq!(form.status, 415);
    assert_eq!(json(&form)["code"], "unsupported_media_type");

    let unknown = post(format!("{}/v2/nothing", mock.base_url()), b"{}".to_vec()).await;
    assert_eq!(unknown.status, 404);
    assert_eq!(json(&unknown)["code"], "unknown_path");

    let huge = post(sale_url, vec![b' '; MAX_REQUEST_BYTES + 1]).await;
    assert_eq!(huge.status, 413);
    mock.shutdown().await;
}
