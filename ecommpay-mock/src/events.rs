//! What the mock saw and did, for a test's assertions and for the JSON-line log of
//! `ecommpay mock`.

use serde_json::{Value, json};

/// A request the mock received at a Gate path.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ReceivedRequest {
    /// The operation id (`astropay.gate.sale`).
    pub operation: &'static str,
    /// `general.payment_id`, when there is one.
    pub payment_id: Option<String>,
    /// The body, when it was JSON.
    pub body: Option<Value>,
    /// The HTTP status the mock answered.
    pub answered: u16,
    /// The answer's `code` when the mock refused the request (`invalid_signature`,
    /// `payment_not_found`, ...).
    pub refused: Option<String>,
}

/// One delivery of a callback and what the merchant answered.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallbackDelivery {
    /// `payment.id`.
    pub payment_id: String,
    /// `operation.type` (`sale`, `refund`).
    pub operation_type: String,
    /// `operation.status` (`awaiting redirect result` for the redirect callback, `success`,
    /// `decline`).
    pub operation_status: String,
    /// Whether the callback carries `redirect_data`.
    pub redirect: bool,
    /// 1 for the first delivery of a callback, 2 for the first re-send, ...; 0 for a delivery
    /// asked for by a trigger.
    pub attempt: u32,
    /// The merchant's HTTP status, or `None` when it gave no answer.
    pub answered: Option<u16>,
    /// Why the delivery failed, when it was not answered with 200: `refused: ...`,
    /// `timed out: ...`, `interrupted: ...`, or `status N`.
    pub failure: Option<String>,
}

/// Something the mock saw or did.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum MockEvent {
    Request(ReceivedRequest),
    Callback(CallbackDelivery),
}

impl MockEvent {
    /// The event as one JSON object, as `ecommpay mock` logs it. A request's body is left out
    /// (it can be large; a test reads it from `MockGate::requests`).
    pub fn to_json(&self) -> Value {
        match self {
            MockEvent::Request(r) => json!({
                "event": "request",
                "operation": r.operation,
                "payment_id": r.payment_id,
                "answered": r.answered,
                "refused": r.refused,
            }),
            MockEvent::Callback(c) => json!({
                "event": "callback",
                "payment_id": c.payment_id,
                "operation_type": c.operation_type,
                "operation_status": c.operation_status,
                "redirect": c.redirect,
                "attempt": c.attempt,
                "answered": c.answered,
                "failure": c.failure,
            }),
        }
    }
}
