//! The callbacks of an accepted operation, shaped like the documents' examples, and their
//! delivery on the re-send schedule.

use std::sync::Arc;
use std::time::Duration;

use ecommpay_api::client::{Timeouts, Transport, TransportError, TransportRequest};
use ecommpay_api::signature::MessageKind;
use ecommpay_api::signature::low_level::embed;
use serde_json::{Value, json};

use crate::config::Outcome;
use crate::events::{CallbackDelivery, MockEvent};
use crate::ledger::{Action, Applied};
use crate::{State, lock};

/// The date every callback carries: fixed, so that callbacks are deterministic.
const DATE: &str = "2024-01-01T00:00:00+0000";

/// `payment.method` in the callbacks of a payment opened by `operation`, as the documents'
/// examples write it.
fn method_name(operation: &str) -> &str {
    let method = operation.split('.').next().unwrap_or_default();
    match method {
        _ if operation.ends_with(".pix_payout") => "pix",
        "paypal" => "PayPal Wallet",
        "upi" => "UPI",
        other => other,
    }
}

/// The callbacks of an accepted operation, unsigned. A sale or an auth first gets the redirect
/// callback (`redirect_data` as in `000_c3cc95ac790d9e4f.txt:338-342`, code `9999` "Awaiting
/// processing" as in `002_c6d548ecabfc01b0.txt:804-805`; the documents show no whole redirect
/// callback, so its statuses are the mock's choice). Then the final callback: shaped like the
/// Gate sale example of `000_c3cc95ac790d9e4f.txt:355-400` (payment, operation with its sums,
/// code and message), or for a payout registration like `001_6d33046829e36e91.txt:153-183`
/// (with the `uuid` Payment Page needs).
pub(crate) fn plan(applied: &Applied, outcome: &Outcome) -> Vec<Value> {
    let action = Action::of(&applied.operation.operation);
    let mut plan = Vec::new();
    if matches!(
        action,
        Some(Action::Open {
            operation_type: "sale" | "auth",
            ..
        })
    ) {
        let mut redirect = envelope(
            applied,
            "processing",
            "awaiting redirect result",
            ("9999", "Awaiting processing"),
        );
        redirect["redirect_data"] = json!({
            "body": {},
            "method": "GET",
            "url": format!("https://www.example.com/pay?mock={}", applied.operation.id),
        });
        plan.push(redirect);
    }
    plan.push(final_callback(applied, outcome));
    if let Some(recurring_id) = applied.recurring_id {
        plan.push(recurring_registration_callback(applied, recurring_id));
    }
    plan
}

/// The callback that reports a recurring payment registered with a Gate sale or auth: shaped
/// like the registration callback of `002_c6d548ecabfc01b0.txt:376-429` (payment and operation
/// of type `recurring`, `recurring.id` and its currency), which the spec lists as reporting on
/// the Gate sale and auth too. It follows the purchase's own callback; that order is the
/// mock's choice.
fn recurring_registration_callback(applied: &Applied, recurring_id: u64) -> Value {
    let mut callback = envelope(applied, "success", "success", ("0", "Success"));
    callback["payment"]["type"] = json!("recurring");
    callback["operation"]["type"] = json!("recurring");
    with_recurring(&mut callback, applied, recurring_id);
    callback
}

fn with_recurring(callback: &mut Value, applied: &Applied, recurring_id: u64) {
    callback["recurring"] = json!({
        "id": recurring_id,
        "currency": applied.payment.currency,
    });
}

/// The callback that reports an operation's outcome.
pub(crate) fn final_callback(applied: &Applied, outcome: &Outcome) -> Value {
    if crate::ledger::registers_payout(&applied.operation.operation) {
        return registration_callback(applied, outcome);
    }
    let (code, message) = match outcome {
        Outcome::Success => ("0", "Success"),
        Outcome::Decline { code, message } => (code.as_str(), message.as_str()),
    };
    let mut callback = envelope(
        applied,
        &applied.payment.status,
        &applied.operation.status,
        (code, message),
    );
    if *outcome != Outcome::Success {
        // As the decline examples: the provider never saw the payment.
        callback["operation"]["provider"]["payment_id"] = json!("");
    }
    callback
}

fn envelope(
    applied: &Applied,
    payment_status: &str,
    operation_status: &str,
    (code, message): (&str, &str),
) -> Value {
    let payment = &applied.payment;
    let operation = &applied.operation;
    let context = &payment.context;
    let mut payment_json = json!({
        "id": payment.id,
        "type": payment.payment_type,
        "status": payment_status,
        "date": DATE,
        "method": method_name(&payment.opened_by),
    });
    if let (Some(amount), Some(currency)) = (payment.amount, &payment.currency) {
        payment_json["sum"] = json!({"amount": amount, "currency": currency});
    }
    payment_json["description"] = json!("");
    let mut operation_json = json!({
        "id": operation.id,
        "type": operation.operation_type,
        "status": operation_status,
        "date": DATE,
        "created_date": DATE,
        "request_id": operation.request_id,
    });
    let sum = match &applied.sum {
        Some((amount, currency)) => json!({"amount": amount, "currency": currency}),
        None => json!({"amount": 0, "currency": ""}),
    };
    operation_json["sum_initial"] = sum.clone();
    operation_json["sum_converted"] = sum;
    operation_json["code"] = json!(code);
    operation_json["message"] = json!(message);
    operation_json["provider"] = json!({
        "id": 20852,
        "payment_id": format!("mock-provider-{}", operation.id),
        "auth_code": "",
    });
    let mut callback = json!({
        "project_id": context.project_id,
        "payment": payment_json,
        "operation": operation_json,
    });
    with_customer(&mut callback, context);
    callback
}

/// Adds `customer.id` when the request named the customer. Without one the field is left out,
/// as in the documented callbacks of requests without `customer_id`: never `null`, which no
/// documented callback shows and which the official Python and Node SDKs cannot verify (Python
/// signs `None` as the text `None`, Node throws).
fn with_customer(callback: &mut Value, context: &crate::ledger::CallbackContext) {
    if !context.customer_id.is_null() {
        callback["customer"] = json!({"id": context.customer_id});
    }
}

/// The payout registration callback: `general` (where its signature goes), the registration's
/// status and, when registered, the `uuid` to open Payment Page with (valid 30 minutes).
fn registration_callback(applied: &Applied, outcome: &Outcome) -> Value {
    let payment = &applied.payment;
    let context = &payment.context;
    let status = match outcome {
        Outcome::Success => "awaiting_payout_completion",
        Outcome::Decline { .. } => "decline",
    };
    let mut body = json!({
        "general": {"project_id": context.project_id, "payment_id": payment.id},
        "request_id": applied.operation.request_id,
        "payment": {"id": payment.id, "type": "payout", "status": status},
        "operation": {"id": applied.operation.id, "type": "payout", "status": status},
        "transaction": {"type": "payout"},
    });
    with_customer(&mut body, context);
    if let (Some(amount), Some(currency)) = (payment.amount, &payment.currency) {
        body["sum_request"] = json!({"amount": amount, "currency": currency});
    }
    if *outcome == Outcome::Success {
        body["uuid"] = json!(crate::ledger::registration_uuid(&payment.id));
        body["uuid_expired_at"] = json!("2024-01-01T00:30:00+0000");
    }
    body
}

/// Signs a callback in place with the project's key; `false` when it cannot be signed (it
/// always can: the mock builds the body).
fn sign(state: &State, body: &mut Value) -> bool {
    let Ok(signature) = state.config.key.sign_json(body) else {
        return false;
    };
    embed(body, MessageKind::Callback, &signature).is_ok()
}

/// Signs and delivers each callback in turn, each sent again on the schedule while it is not
/// answered with 200; the merchant's last answer to the last one.
pub(crate) async fn deliver(state: &Arc<State>, plan: Vec<Value>) -> Option<u16> {
    let mut answered = None;
    for mut body in plan {
        if !sign(state, &mut body) {
            tracing::error!("cannot sign a callback");
            return None;
        }
        remember(state, &body);
        let mut attempt = 1;
        loop {
            answered = deliver_once(state, &body, attempt).await;
            if answered == Some(200) {
                break;
            }
            let Some(gap) = state.config.gap_after(attempt) else {
                break;
            };
            tokio::time::sleep(gap).await;
            attempt += 1;
        }
    }
    answered
}

/// Signs and delivers one callback once, as a trigger asks; the merchant's answer.
pub(crate) async fn deliver_now(state: &Arc<State>, mut body: Value) -> Option<u16> {
    if !sign(state, &mut body) {
        return None;
    }
    remember(state, &body);
    deliver_once(state, &body, 0).await
}

fn remember(state: &State, body: &Value) {
    lock(&state.ledger).remember_callback(payment_id_of(body), body);
}

fn payment_id_of(body: &Value) -> &str {
    body.pointer("/payment/id")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// One POST of a signed callback; records it and returns the merchant's status.
pub(crate) async fn deliver_once(state: &State, body: &Value, attempt: u32) -> Option<u16> {
    let url = state.config.callback_url.clone()?;
    let request = TransportRequest::new(
        "POST",
        url,
        vec![("Content-Type", "application/json".to_owned())],
        serde_json::to_vec(body).ok()?,
        Timeouts {
            connect: Duration::from_secs(5),
            total: Duration::from_secs(10),
        },
    );
    let sent = state.transport.send(request).await;
    let answered = sent.as_ref().ok().map(|r| r.status);
    let failure = match &sent {
        Ok(response) if response.status == 200 => None,
        Ok(response) => Some(format!("status {}", response.status)),
        Err(error) => Some(why_not_delivered(error)),
    };
    let text = |pointer: &str| {
        body.pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let delivery = CallbackDelivery {
        payment_id: payment_id_of(body).to_owned(),
        operation_type: text("/operation/type"),
        operation_status: text("/operation/status"),
        redirect: body.get("redirect_data").is_some(),
        attempt,
        answered,
        failure,
    };
    state.record(MockEvent::Callback(delivery));
    answered
}

/// Why a delivery got no HTTP answer, in the words a merchant looks for in the log: `refused`
/// (no connection: nothing listens there, or the name does not resolve), `timed out`, or
/// `interrupted`; with the transport's own description.
fn why_not_delivered(error: &TransportError) -> String {
    let kind = error.kind();
    let reason = if kind.is_timeout() {
        "timed out"
    } else if kind.nothing_sent() {
        "refused"
    } else {
        "interrupted"
    };
    format!("{reason}: {error}")
}

/// The callback of a payment decided on the Payment Page, unsigned: the final callback of its
/// operation, shaped like the Payment Page callback examples: a purchase is an operation of type
/// `sale` (`000_c3cc95ac790d9e4f.txt:140-231`, `002_c6d548ecabfc01b0.txt:176-267`,
/// `003_417298f47c19ac64.txt:153-241`), a recurring registration a payment and operation of type
/// `recurring` with the `recurring` object (`002_c6d548ecabfc01b0.txt:376-429`), a payout of
/// type `payout`. A decline carries code `20000` "General decline".
pub(crate) fn payment_page_callback(applied: &Applied, outcome: &Outcome) -> Value {
    let mut callback = final_callback(applied, outcome);
    if let Some(recurring_id) = applied.recurring_id {
        with_recurring(&mut callback, applied, recurring_id);
    }
    callback
}

#[cfg(test)]
mod tests {
    use ecommpay_api::client::TransportErrorKind;

    use super::*;

    #[test]
    fn a_failed_delivery_says_why_in_the_words_a_merchant_looks_for() {
        let why = |kind| why_not_delivered(&TransportError::new(kind, "details"));
        assert_eq!(
            why(TransportErrorKind::Connect),
            "refused: cannot connect: details"
        );
        assert_eq!(
            why(TransportErrorKind::ConnectTimeout),
            "timed out: connect timeout: details"
        );
        assert_eq!(
            why(TransportErrorKind::Timeout),
            "timed out: timeout: details"
        );
        assert_eq!(
            why(TransportErrorKind::Interrupted),
            "interrupted: connection failed after sending: details"
        );
    }
}
