//! The mock's own HTTP routes under `/_mock`, for merchants whose tests are not in Rust: what it
//! received and delivered, a payment's state, and triggers (`stripe trigger`'s counterpart).
//!
//! - `GET /_mock/requests`, `GET /_mock/callbacks`: the events so far, as `ecommpay mock` logs
//!   them (requests with their bodies, `body_bytes`, and `body_excerpt` for a body too large to
//!   keep whole or not JSON);
//! - `GET /_mock/payments/{payment_id}`: the payment's state, 404 when unknown;
//! - `POST /_mock/payments/{payment_id}/trigger` with `{"callback": "success" | "decline" |
//!   "resend"}`: sends that callback now and answers `{"answered": <merchant's status>}`.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::config::Outcome;
use crate::events::MockEvent;
use crate::ledger::Payment;
use crate::{State, Trigger, TriggerError, lock};

pub(crate) fn routes(state: &Arc<State>) -> Router {
    let requests = Arc::clone(state);
    let callbacks = Arc::clone(state);
    let payments = Arc::clone(state);
    let triggers = Arc::clone(state);
    Router::new()
        .route(
            "/_mock/requests",
            get(move || async move {
                // Written from the kept text, not parsed again: a full history of bodies of
                // small values would otherwise cost many times its bytes.
                let history = lock(&requests.requests);
                let mut all = Vec::with_capacity(history.bytes());
                all.push(b'[');
                for (i, stored) in history.iter().enumerate() {
                    if i > 0 {
                        all.push(b',');
                    }
                    stored.write_shown(&mut all);
                }
                all.push(b']');
                ([(header::CONTENT_TYPE, "application/json")], all)
            }),
        )
        .route(
            "/_mock/callbacks",
            get(move || async move {
                let all: Vec<Value> = lock(&callbacks.deliveries)
                    .iter()
                    .map(|d| MockEvent::Callback(d.clone()).to_json())
                    .collect();
                axum::Json(all)
            }),
        )
        .route(
            "/_mock/payments/{payment_id}",
            get(move |Path(payment_id): Path<String>| async move {
                match lock(&payments.ledger).payment(&payment_id) {
                    Some(payment) => axum::Json(payment_json(payment)).into_response(),
                    None => error_answer(
                        StatusCode::NOT_FOUND,
                        "payment_not_found",
                        "no payment with this payment_id",
                    ),
                }
            }),
        )
        .route(
            "/_mock/payments/{payment_id}/trigger",
            post(move |Path(payment_id): Path<String>, body: Bytes| {
                let state = Arc::clone(&triggers);
                async move { trigger(&state, &payment_id, &body).await }
            }),
        )
}

async fn trigger(state: &Arc<State>, payment_id: &str, body: &[u8]) -> Response {
    let asked = serde_json::from_slice::<Value>(body).ok();
    let trigger = match asked
        .as_ref()
        .and_then(|v| v.get("callback"))
        .and_then(Value::as_str)
    {
        Some("success") => Trigger::Outcome(Outcome::Success),
        Some("decline") => Trigger::Outcome(Outcome::decline()),
        Some("resend") => Trigger::ResendLast,
        _ => {
            return error_answer(
                StatusCode::BAD_REQUEST,
                "malformed_trigger",
                r#"the body must be {"callback": "success" | "decline" | "resend"}"#,
            );
        }
    };
    match state.trigger(payment_id, trigger).await {
        Ok(answered) => axum::Json(json!({"answered": answered})).into_response(),
        Err(e) => {
            let status = match e {
                TriggerError::UnknownPayment | TriggerError::NothingSent => StatusCode::NOT_FOUND,
                TriggerError::NoCallbackUrl => StatusCode::CONFLICT,
                TriggerError::NoExample => StatusCode::INTERNAL_SERVER_ERROR,
            };
            error_answer(status, e.code(), &e.to_string())
        }
    }
}

/// A payment as `GET /_mock/payments/{id}` shows it.
pub(crate) fn payment_json(payment: &Payment) -> Value {
    json!({
        "id": payment.id,
        "opened_by": payment.opened_by,
        "type": payment.payment_type,
        "status": payment.status,
        "amount": payment.amount,
        "currency": payment.currency,
        "refunded": payment.refunded,
        "operations": payment.operations.iter().map(|o| json!({
            "id": o.id,
            "operation": o.operation,
            "type": o.operation_type,
            "status": o.status,
            "amount": o.amount,
            "request_id": o.request_id,
        })).collect::<Vec<_>>(),
    })
}

/// An answer of the control API that refuses: `{"status": "error", "code", "message"}`, as the
/// Gate's refusals are written.
fn error_answer(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({"status": "error", "code": code, "message": message});
    (status, axum::Json(body)).into_response()
}
