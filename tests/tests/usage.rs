//! The crate as a user writes it (the READMEs' examples run as doc-tests; these check more of
//! what they show): build, validate, sign; verify a callback.

use std::error::Error;

use ecommpay_api::astropay::SaleRequest;
use ecommpay_api::shared::{Customer, General, Payment};
use ecommpay_api::signature::MessageKind;
use ecommpay_api::{GateRequest, SecretKey, SignedMessage, Validate};

fn build_request() -> Result<SaleRequest, Box<dyn Error>> {
    Ok(SaleRequest::builder()
        .general(General::builder().project_id(210).payment_id("order-1"))
        .payment(Payment::builder().amount(1000).currency("BRL"))
        .customer(
            Customer::builder()
                .id("customer123")
                .ip_address("192.0.2.10")
                .country("BR"),
        )
        .build()?)
}

#[test]
fn build_validate_sign() -> Result<(), Box<dyn Error>> {
    let mut request = build_request()?;
    // The signature is itself a required field: validation before signing names it.
    let unsigned = request
        .validate()
        .expect_err("general.signature is missing");
    assert_eq!(unsigned.0.len(), 1);
    assert_eq!(unsigned.0[0].path, "general.signature");
    let key = SecretKey::new("merchant-secret").unwrap();
    request.sign(&key)?;
    request.validate()?;
    let signature = request
        .general
        .signature
        .clone()
        .expect("sign() stores general.signature");
    assert_eq!(signature.len(), 88);
    key.verify_json(&serde_json::to_value(&request)?, MessageKind::GateRequest)?;
    assert_eq!(
        <SaleRequest as GateRequest>::PATH,
        "/v2/payment/wallet/astropay/sale"
    );
    assert_eq!(<SaleRequest as GateRequest>::HTTP_METHOD, "POST");
    // Absent optional fields are not written as null.
    let json = serde_json::to_string(&request)?;
    assert!(!json.contains("null"), "{json}");
    Ok(())
}

#[test]
fn a_missing_required_field_is_named() {
    // The operation requires them, so its request's `build()` names them with their path.
    let error = SaleRequest::builder()
        .general(General::builder().project_id(42).payment_id("p"))
        .payment(Payment::builder().amount(1000).currency("BRL"))
        .customer(Customer::builder().id("c"))
        .build()
        .expect_err("customer.ip_address and customer.country are missing");
    assert_eq!(error.missing(), ["customer.ip_address", "customer.country"]);
    assert_eq!(
        error.to_string(),
        "cannot build SaleRequest: customer.ip_address: missing; customer.country: missing"
    );
}

#[test]
fn a_callback_is_verified_over_its_raw_body_before_it_is_read() -> Result<(), Box<dyn Error>> {
    let key = SecretKey::new("merchant-secret").unwrap();
    let body = serde_json::json!({
        "project_id": "8181",
        "payment": {"id": "EP-1", "type": "purchase", "status": "brand_new_status"},
        "operation": {"id": 308, "sum_initial": {"amount": "200", "currency": "USD"}},
        "something_undocumented": {"kept": true}
    });
    let raw = key.sign_callback(&body)?;
    let callback = ecommpay_api::callback::Callback::verify(&raw, &key)?;
    let status = callback
        .payment
        .as_ref()
        .and_then(|p| p.status.clone())
        .expect("status");
    assert_eq!(status.as_str(), "brand_new_status");
    assert_eq!(
        callback.project_id.as_ref().and_then(|p| p.as_i64()),
        Some(8181)
    );
    let sent: serde_json::Value = serde_json::from_slice(&raw)?;
    assert_eq!(serde_json::to_value(&callback)?, sent, "nothing is lost");
    let tampered = String::from_utf8(raw)?.replace("EP-1", "EP-2");
    assert!(ecommpay_api::callback::Callback::verify(tampered.as_bytes(), &key).is_err());
    Ok(())
}
