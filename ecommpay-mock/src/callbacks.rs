//! The callbacks of an accepted request, shaped like the documents' examples, and their
//! delivery.

use std::sync::Arc;
use std::time::Duration;

use ecommpay_api::client::{Timeouts, Transport, TransportRequest};
use ecommpay_api::signature::{MessageKind, SignOptions, embed, sign_value};
use serde_json::{Value, json};

use crate::{State, lock};

/// One delivery of a callback and what the merchant answered.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallbackDelivery {
    /// `payment.id`.
    pub payment_id: String,
    /// `operation.status` (`awaiting redirect result` for the redirect callback, `success`).
    pub operation_status: String,
    /// Whether the callback carries `redirect_data`.
    pub redirect: bool,
    /// 1 for the first delivery of a callback, 2 for the first re-send, ...; 0 for a delivery
    /// asked for by `MockGate::redeliver`.
    pub attempt: u32,
    /// The merchant's HTTP status, or `None` when it gave no answer.
    pub answered: Option<u16>,
}

/// The payment method's name in callbacks, as the documents' examples write it.
fn method_name(module: &str) -> &str {
    match module {
        "paypal" => "PayPal Wallet",
        other => other,
    }
}

/// The callbacks for an accepted request, unsigned: for a sale or an auth, the redirect
/// callback (`redirect_data` as in `000_c3cc95ac790d9e4f.txt:338-342`, code `9999` "Awaiting
/// processing" as in `002_c6d548ecabfc01b0.txt:804-805`; the documents show no whole redirect
/// callback, so its statuses are the mock's choice), then the final success callback shaped like
/// the Gate sale example of `000_c3cc95ac790d9e4f.txt:355-400`.
pub(crate) fn plan(
    operation: &str,
    request: &Value,
    request_id: &str,
    sequence: u64,
) -> Vec<Value> {
    let mut parts = operation.split('.');
    let module = parts.next().unwrap_or_default();
    let action = operation.rsplit('.').next().unwrap_or_default();
    let operation_type = match action {
        "pix_payout" | "payout_registration" => "payout",
        other => other,
    };
    let payment_type = match operation_type {
        "payout" => "payout",
        "recurring" => "recurring",
        _ => "purchase",
    };
    let general = &request["general"];
    let payment_id = general["payment_id"].clone();
    let sum = match (
        &request["payment"]["amount"],
        &request["payment"]["currency"],
    ) {
        (Value::Number(amount), Value::String(currency)) => {
            Some(json!({"amount": amount, "currency": currency}))
        }
        _ => None,
    };
    let date = "2024-01-01T00:00:00+0000";
    let envelope = |payment_status: &str, operation_status: &str, code: &str, message: &str| {
        let mut payment = json!({
            "id": payment_id,
            "type": payment_type,
            "status": payment_status,
            "date": date,
            "method": method_name(module),
        });
        let mut op = json!({
            "id": 1000 + sequence,
            "type": operation_type,
            "status": operation_status,
            "date": date,
            "created_date": date,
            "request_id": request_id,
        });
        if let Some(sum) = &sum {
            payment["sum"] = sum.clone();
            op["sum_initial"] = sum.clone();
            op["sum_converted"] = sum.clone();
        }
        payment["description"] = json!("");
        op["code"] = json!(code);
        op["message"] = json!(message);
        op["provider"] = json!({"id": 20852, "payment_id": format!("mock-provider-{sequence}"), "auth_code": ""});
        json!({
            "customer": {"id": request["customer"]["id"]},
            "project_id": general["project_id"],
            "payment": payment,
            "operation": op,
        })
    };
    let mut plan = Vec::new();
    if matches!(action, "sale" | "auth") {
        let mut redirect = envelope(
            "processing",
            "awaiting redirect result",
            "9999",
            "Awaiting processing",
        );
        redirect["redirect_data"] = json!({
            "body": {},
            "method": "GET",
            "url": format!("https://www.example.com/pay?mock={sequence}"),
        });
        plan.push(redirect);
    }
    let final_status = if action == "auth" {
        "awaiting capture"
    } else {
        "success"
    };
    plan.push(envelope(final_status, "success", "0", "Success"));
    plan
}

/// Signs and delivers each callback in turn, each sent again while it is not answered with 200,
/// up to the configured number of deliveries.
pub(crate) async fn deliver(state: &Arc<State>, plan: Vec<Value>) {
    for mut body in plan {
        let signature = match sign_value(
            &body,
            &state.config.key,
            SignOptions::new(MessageKind::Callback),
        ) {
            Ok(signature) => signature,
            Err(e) => {
                tracing::error!("cannot sign a callback: {e}");
                return;
            }
        };
        if embed(&mut body, MessageKind::Callback, &signature).is_err() {
            return;
        }
        let payment_id = body["payment"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        lock(&state.last_callback).push((payment_id.clone(), body.clone()));
        for attempt in 1..=state.config.deliveries {
            if attempt > 1 {
                tokio::time::sleep(state.config.resend_delay).await;
            }
            if deliver_once(state, &payment_id, &body, attempt).await == Some(200) {
                break;
            }
        }
    }
}

/// One POST of a signed callback; records it and returns the merchant's status.
pub(crate) async fn deliver_once(
    state: &State,
    payment_id: &str,
    body: &Value,
    attempt: u32,
) -> Option<u16> {
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
    let answered = state.transport.send(request).await.ok().map(|r| r.status);
    lock(&state.deliveries).push(CallbackDelivery {
        payment_id: payment_id.to_owned(),
        operation_status: body["operation"]["status"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        redirect: body.get("redirect_data").is_some(),
        attempt,
        answered,
    });
    answered
}

// The Payment Page side (issue 11, item 2).

/// What the customer chose on the mock's Payment Page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageOutcome {
    /// "Pay": the payment succeeds.
    Paid,
    /// "Decline": the payment is declined.
    Declined,
}

/// The callback of a payment made on the Payment Page, unsigned, shaped like the Payment Page
/// callback examples: a purchase is an operation of type `sale` (`000_c3cc95ac790d9e4f.txt:140-231`,
/// `002_c6d548ecabfc01b0.txt:176-267`, `003_417298f47c19ac64.txt:153-241`), a recurring
/// registration a payment and operation of type `recurring` with the `recurring` object
/// (`002_c6d548ecabfc01b0.txt:376-429`), a payout of type `payout`. A decline carries code
/// `20000` "General decline" and no provider payment id, as the decline examples do.
pub(crate) fn payment_page_callback(
    operation: &str,
    params: &ecommpay_api::payment_page::ParsedPaymentPageUrl,
    outcome: PageOutcome,
    request_id: &str,
    sequence: u64,
) -> Value {
    let module = operation.split('.').next().unwrap_or_default();
    let mode = operation.rsplit('.').next().unwrap_or_default();
    let operation_type = match mode {
        "recurring_registration" => "recurring",
        "payout" => "payout",
        _ => "sale",
    };
    // The parameters are text in the URL; the callback writes numbers as the examples do.
    let number_or_text = |name: &str| match params.get(name) {
        Some(text) => text
            .parse::<i64>()
            .map_or_else(|_| json!(text), |n| json!(n)),
        None => Value::Null,
    };
    let request = json!({
        "general": {"project_id": number_or_text("project_id"), "payment_id": params.get("payment_id")},
        "payment": {"amount": number_or_text("payment_amount"), "currency": params.get("payment_currency")},
        "customer": {"id": params.get("customer_id")},
    });
    // `plan` reads the operation type from the last part of the id; its last callback is the
    // final one.
    let mut callback = plan(
        &format!("{module}.payment_page.{operation_type}"),
        &request,
        request_id,
        sequence,
    )
    .pop()
    .unwrap_or_default();
    match outcome {
        PageOutcome::Paid if operation_type == "recurring" => {
            callback["recurring"] =
                json!({"id": 10_000 + sequence, "currency": params.get("payment_currency")});
        }
        PageOutcome::Paid => {}
        PageOutcome::Declined => {
            callback["payment"]["status"] = json!("decline");
            callback["operation"]["status"] = json!("decline");
            callback["operation"]["code"] = json!("20000");
            callback["operation"]["message"] = json!("General decline");
            callback["operation"]["provider"]["payment_id"] = json!("");
        }
    }
    callback
}
