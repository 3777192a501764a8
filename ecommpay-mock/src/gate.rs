//! The Gate side: every Gate operation of the spec at its path, checked as the Gate checks it
//! (content type, JSON, signature, the documents' rules, the payment's state), answered as the
//! Gate answers, its callbacks then delivered in the background.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use ecommpay_api::signature::MessageKind;
use ecommpay_api::{Facts, Interface, OperationEntry};
use serde_json::{Value, json};

use crate::config::RequestFacts;
use crate::events::{MockEvent, ReceivedRequest};
use crate::refusal::Refusal;
use crate::{State, callbacks, lock};

/// The routes of every Gate operation in the registry.
pub(crate) fn routes(state: &Arc<State>) -> Router {
    let mut router = Router::new();
    for entry in ecommpay_api::OPERATIONS {
        let (Interface::Gate, Some(path)) = (entry.schema.interface, entry.schema.path) else {
            continue;
        };
        let state = Arc::clone(state);
        router = router.route(
            path,
            post(
                move |headers: HeaderMap, body: Result<Bytes, BytesRejection>| {
                    let state = Arc::clone(&state);
                    async move {
                        match body {
                            Ok(body) => gate_request(&state, entry, &headers, &body),
                            // Over the body limit: refused unread (and so not recorded).
                            Err(rejection)
                                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE =>
                            {
                                Refusal::BodyTooLarge.gate_answer(&rejection.body_text(), None)
                            }
                            Err(rejection) => rejection.into_response(),
                        }
                    }
                },
            ),
        );
    }
    router
}

/// Whether a `Content-Type` names JSON (`application/json`, with or without parameters).
fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        // The Gate's own clients always send one, but a missing header is not worth a refusal.
        return true;
    };
    value
        .to_str()
        .ok()
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

fn gate_request(
    state: &Arc<State>,
    entry: &'static OperationEntry,
    headers: &HeaderMap,
    raw: &[u8],
) -> Response {
    let operation = entry.id();
    let parsed = serde_json::from_slice::<Value>(raw).ok();
    let payment_id = parsed
        .as_ref()
        .and_then(|v| v.pointer("/general/payment_id"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let refuse = |refusal: Refusal, message: &str, errors: Option<Value>| {
        state.record(MockEvent::Request(ReceivedRequest::new(
            operation,
            payment_id.clone(),
            raw,
            parsed.as_ref(),
            refusal.status(),
            Some(refusal),
        )));
        refusal.gate_answer(message, errors)
    };
    if !is_json(headers) {
        let refusal = Refusal::UnsupportedMediaType;
        return refuse(refusal, refusal.title(), None);
    }
    let Some(body) = parsed.as_ref().filter(|v| v.is_object()) else {
        let refusal = Refusal::MalformedRequest;
        return refuse(refusal, refusal.title(), None);
    };
    // 400, not 403: the mock's choice. The documents name no status for a bad signature; their
    // one 403 is a card payout registration from an IP address not on the allow-list
    // (`001_6d33046829e36e91.txt:38`). The OpenAPI document marks it so.
    if let Err(e) = state.config.key.verify_json(body, MessageKind::GateRequest) {
        return refuse(Refusal::InvalidSignature, &e.to_string(), None);
    }
    let violations = entry.validate_json(body, &Facts::none());
    if !violations.is_empty() {
        let errors = violations
            .iter()
            .map(|v| json!({"path": v.path, "kind": v.kind.as_str(), "message": v.message}))
            .collect();
        let refusal = Refusal::InvalidRequest;
        return refuse(refusal, refusal.title(), Some(Value::Array(errors)));
    }

    let sequence = state.sequence.fetch_add(1, Ordering::Relaxed) + 1;
    let request_id = format!("mock{sequence:08x}-{sequence:08}");
    let outcome = state.config.outcome_of(&RequestFacts {
        operation,
        payment_id: payment_id.as_deref(),
        amount: body.pointer("/payment/amount").and_then(Value::as_u64),
    });
    let applied =
        lock(&state.ledger).apply(operation, body, &outcome, 1000 + sequence, &request_id);
    let applied = match applied {
        Ok(applied) => applied,
        // Where, as for a broken rule: the field the payment's state refuses (in `errors`).
        Err(refused) => return refuse(refused.refusal, &refused.message, None),
    };
    state.record(MockEvent::Request(ReceivedRequest::new(
        operation,
        payment_id.clone(),
        raw,
        parsed.as_ref(),
        200,
        None,
    )));
    let general = &body["general"];
    let answer = json!({
        "status": "success",
        "request_id": request_id,
        "project_id": general["project_id"],
        "payment_id": general["payment_id"],
    });
    if state.config.callback_url.is_some() {
        let plan = callbacks::plan(&applied, &outcome);
        state.spawn_delivery(plan);
    }
    (StatusCode::OK, axum::Json(answer)).into_response()
}
