//! A payment's life in the mock: its state through sale, auth, capture, cancel and refunds, the
//! refusals the documents imply, outcome rules, the re-send schedule and triggers.

mod support;

use std::time::Duration;

use ecommpay_mock::{
    MockConfig, MockEvent, MockGate, Outcome, Refusal, ResendSchedule, Trigger, TriggerError, When,
};
use serde_json::{Value, json};
use support::*;

const SALE: &str = "/v2/payment/wallet/paypal/sale";
const AUTH: &str = "/v2/payment/wallet/paypal/auth";
const CAPTURE: &str = "/v2/payment/wallet/paypal/capture";
const CANCEL: &str = "/v2/payment/wallet/paypal/cancel";
const REFUND: &str = "/v2/payment/wallet/paypal/refund";
const WAIT: Duration = Duration::from_secs(10);

async fn start(merchant: &Merchant, config: impl FnOnce(MockConfig) -> MockConfig) -> MockGate {
    MockGate::start(config(
        MockConfig::new(key())
            .callback_url(merchant.url.clone())
            .time_scale(1000.0),
    ))
    .await
    .unwrap()
}

async fn send(mock: &MockGate, path: &str, body: &Value) -> (u16, Value) {
    let answer = post_json(format!("{}{path}", mock.base_url()), body).await;
    (answer.status, json_of(&answer))
}

/// The final callbacks the merchant received (no redirect callbacks), as
/// (`operation.type`, `operation.status`, `payment.status`), each verified.
fn finals(merchant: &Merchant) -> Vec<(String, String, String)> {
    merchant
        .received()
        .into_iter()
        .filter(|(body, _)| body.get("redirect_data").is_none())
        .map(|(body, verified)| {
            assert!(verified, "a callback that does not verify: {body}");
            let text = |p: &str| {
                body.pointer(p)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            (
                text("/operation/type"),
                text("/operation/status"),
                text("/payment/status"),
            )
        })
        .collect()
}

fn triple(a: &str, b: &str, c: &str) -> (String, String, String) {
    (a.into(), b.into(), c.into())
}

#[tokio::test]
async fn a_sale_is_refunded_in_two_parts_and_no_further() {
    let merchant = Merchant::start().await;
    let mock = start(&merchant, |c| c).await;
    assert_eq!(send(&mock, SALE, &paypal_sale("s-1", 1000)).await.0, 200);
    assert_eq!(
        send(&mock, REFUND, &paypal_refund("s-1", Some(600)))
            .await
            .0,
        200
    );
    let (status, beyond) = send(&mock, REFUND, &paypal_refund("s-1", Some(500))).await;
    assert_eq!(status, 400);
    assert_eq!(beyond["code"], "refund_exceeds_payment", "{beyond}");
    assert_eq!(beyond["errors"][0]["path"], "payment.amount", "{beyond}");
    assert_eq!(
        send(&mock, REFUND, &paypal_refund("s-1", None)).await.0,
        200
    );
    assert!(mock.settled(WAIT).await);

    assert_eq!(
        finals(&merchant),
        [
            triple("sale", "success", "success"),
            triple("refund", "success", "partially refunded"),
            triple("refund", "success", "refunded"),
        ]
    );
    // The last refund reports what was left, in the operation's sums.
    let (last, _) = merchant.received().pop().unwrap();
    assert_eq!(
        last["operation"]["sum_initial"],
        json!({"amount": 400, "currency": "USD"})
    );
    assert_eq!(
        last["payment"]["sum"],
        json!({"amount": 1000, "currency": "USD"})
    );
    let payment = mock.payment("s-1").unwrap();
    assert_eq!(
        (payment.status.as_str(), payment.refunded),
        ("refunded", 1000)
    );
    assert_eq!(
        payment.operations.len(),
        3,
        "the refused refund is not an operation"
    );
}

#[tokio::test]
async fn an_auth_is_captured_or_canceled_once() {
    let merchant = Merchant::start().await;
    let mock = start(&merchant, |c| c).await;
    let (status, answer) = send(&mock, AUTH, &paypal_auth("a-1", 700)).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(send(&mock, CAPTURE, &paypal_follow_up("a-1")).await.0, 200);
    let (status, twice) = send(&mock, CANCEL, &paypal_follow_up("a-1")).await;
    assert_eq!(
        (status, twice["code"].as_str()),
        (400, Some("wrong_payment_status"))
    );

    assert_eq!(send(&mock, AUTH, &paypal_auth("a-2", 700)).await.0, 200);
    assert_eq!(send(&mock, CANCEL, &paypal_follow_up("a-2")).await.0, 200);
    let (status, refund) = send(&mock, REFUND, &paypal_refund("a-2", None)).await;
    assert_eq!(
        (status, refund["code"].as_str()),
        (400, Some("wrong_payment_status"))
    );
    assert!(mock.settled(WAIT).await);

    assert_eq!(
        finals(&merchant),
        [
            triple("auth", "success", "awaiting capture"),
            triple("capture", "success", "success"),
            triple("auth", "success", "awaiting capture"),
            triple("cancel", "success", "canceled"),
        ]
    );
}

#[tokio::test]
async fn unknown_payments_and_reused_ids_are_refused() {
    let merchant = Merchant::start().await;
    let mock = start(&merchant, |c| c).await;
    let (status, unknown) = send(&mock, CAPTURE, &paypal_follow_up("never-opened")).await;
    assert_eq!(
        (status, unknown["code"].as_str()),
        (400, Some("payment_not_found"))
    );
    assert_eq!(send(&mock, SALE, &paypal_sale("dup", 100)).await.0, 200);
    let (status, reused) = send(&mock, AUTH, &paypal_auth("dup", 100)).await;
    assert_eq!(
        (status, reused["code"].as_str()),
        (400, Some("payment_id_reused"))
    );
    assert_eq!(
        reused["errors"][0]["path"], "general.payment_id",
        "{reused}"
    );
    let refused: Vec<_> = mock.requests().iter().map(|r| r.refused).collect();
    assert_eq!(
        refused,
        [
            Some(Refusal::PaymentNotFound),
            None,
            Some(Refusal::PaymentIdReused)
        ]
    );
    assert!(mock.settled(WAIT).await);
    assert_eq!(
        finals(&merchant).len(),
        1,
        "refused requests get no callbacks"
    );
}

#[tokio::test]
async fn outcome_rules_decline_by_amount_and_by_payment_id() {
    let merchant = Merchant::start().await;
    let mock = start(&merchant, |c| {
        c.decline_amount(1313).outcome(
            When::PaymentIdPrefix("refuse-refund-".into()),
            Outcome::Decline {
                code: "20100".into(),
                message: "Decline".into(),
            },
        )
    })
    .await;
    assert_eq!(
        send(&mock, SALE, &paypal_sale("d-1", 1313)).await.0,
        200,
        "declined later, by callback"
    );
    assert_eq!(
        send(&mock, SALE, &paypal_sale("refuse-refund-1", 100))
            .await
            .0,
        200
    );
    assert!(mock.settled(WAIT).await);
    let (declined, _) = merchant
        .received()
        .into_iter()
        .find(|(b, _)| b["payment"]["id"] == "d-1" && b.get("redirect_data").is_none())
        .unwrap();
    assert_eq!(declined["payment"]["status"], "decline");
    assert_eq!(declined["operation"]["code"], "20000");
    assert_eq!(declined["operation"]["message"], "General decline");
    let (status, refund) = send(&mock, REFUND, &paypal_refund("d-1", None)).await;
    assert_eq!(
        (status, refund["code"].as_str()),
        (400, Some("wrong_payment_status"))
    );
    assert_eq!(mock.payment("refuse-refund-1").unwrap().status, "decline");
    let codes: Vec<_> = merchant
        .received()
        .iter()
        .filter(|(b, _)| {
            b["payment"]["id"] == "refuse-refund-1" && b.get("redirect_data").is_none()
        })
        .map(|(b, _)| b["operation"]["code"].clone())
        .collect();
    assert_eq!(codes, [json!("20100")]);
}

#[tokio::test]
async fn a_callback_never_answered_200_is_sent_on_the_whole_schedule() {
    let merchant = Merchant::start().await;
    merchant.answer(500);
    let mock = start(&merchant, |c| c.time_scale(10_000.0)).await;
    assert_eq!(send(&mock, REFUND, &paypal_refund("x", None)).await.0, 400);
    // A payout has a final callback only: one callback, delivered on every step.
    let payout = signed(json!({
        "general": {"project_id": 210, "payment_id": "p-1"},
        "payment": {"amount": 100, "currency": "USD"},
        "customer": {"id": "customer123", "ip_address": "192.0.2.0"},
        "account": {"number": "customer@example.com"}
    }));
    let (status, answer) = send(&mock, "/v2/payment/wallet/paypal/payout", &payout).await;
    assert_eq!(status, 200, "{answer}");
    assert!(mock.settled(WAIT).await);
    let attempts: Vec<_> = mock
        .callbacks()
        .iter()
        .map(|c| (c.attempt, c.answered))
        .collect();
    let expected: Vec<_> = (1..=ResendSchedule::platform().deliveries())
        .map(|a| (a, Some(500)))
        .collect();
    assert_eq!(attempts, expected);
    assert_eq!(merchant.received().len(), 12);
}

#[tokio::test]
async fn a_fixed_schedule_stops_at_the_first_200() {
    let merchant = Merchant::start().await;
    merchant.answer(503);
    let mock = start(&merchant, |c| {
        c.resend_schedule(ResendSchedule::fixed(5, Duration::from_millis(30)))
            .time_scale(1.0)
    })
    .await;
    assert_eq!(send(&mock, SALE, &paypal_sale("f-1", 100)).await.0, 200);
    assert!(mock.wait_for_callbacks(WAIT, |c| c.len() >= 2).await);
    merchant.answer(200);
    assert!(mock.settled(WAIT).await);
    let callbacks = mock.callbacks();
    let last = callbacks.last().unwrap();
    assert_eq!(last.answered, Some(200));
    assert!(callbacks.len() < 2 + 5, "{callbacks:?}");
}

#[tokio::test]
async fn triggers_decline_a_payment_and_resend_its_last_callback() {
    let merchant = Merchant::start().await;
    let mock = start(&merchant, |c| c).await;
    assert_eq!(
        mock.trigger("nothing", Trigger::ResendLast).await,
        Err(TriggerError::UnknownPayment)
    );
    assert_eq!(send(&mock, SALE, &paypal_sale("t-1", 100)).await.0, 200);
    assert!(mock.settled(WAIT).await);
    assert_eq!(
        mock.trigger("t-1", Trigger::Outcome(Outcome::decline()))
            .await,
        Ok(Some(200))
    );
    assert_eq!(mock.payment("t-1").unwrap().status, "decline");
    assert_eq!(
        mock.trigger("t-1", Trigger::ResendLast).await,
        Ok(Some(200))
    );
    let finals = finals(&merchant);
    assert_eq!(
        finals,
        [
            triple("sale", "success", "success"),
            triple("sale", "decline", "decline"),
            triple("sale", "decline", "decline"),
        ]
    );
    let triggered: Vec<_> = mock.callbacks().iter().map(|c| c.attempt).collect();
    assert_eq!(
        triggered,
        [1, 1, 0, 0],
        "redirect, final, then two triggered"
    );

    let without_url = MockGate::start(MockConfig::new(key())).await.unwrap();
    assert_eq!(
        without_url.trigger("t-1", Trigger::ResendLast).await,
        Err(TriggerError::NoCallbackUrl)
    );
}

#[tokio::test]
async fn the_control_routes_show_payments_and_take_triggers() {
    let merchant = Merchant::start().await;
    let mock = start(&merchant, |c| c).await;
    assert_eq!(send(&mock, SALE, &paypal_sale("c-1", 250)).await.0, 200);
    assert!(mock.settled(WAIT).await);

    let transport = ecommpay_api::client::ReqwestTransport::new(Duration::from_secs(2)).unwrap();
    let get = |path: &str| {
        ecommpay_api::client::TransportRequest::new(
            "GET",
            format!("{}{path}", mock.base_url()),
            vec![],
            vec![],
            Default::default(),
        )
    };
    use ecommpay_api::client::Transport;
    let payment = transport.send(get("/_mock/payments/c-1")).await.unwrap();
    assert_eq!(payment.status, 200);
    let payment = json_of(&payment);
    assert_eq!(payment["status"], "success");
    assert_eq!(payment["amount"], 250);
    assert_eq!(payment["operations"][0]["operation"], "paypal.gate.sale");
    let missing = transport.send(get("/_mock/payments/none")).await.unwrap();
    assert_eq!(missing.status, 404);

    let url = format!("{}/_mock/payments/c-1/trigger", mock.base_url());
    let declined = post_json(url.clone(), &json!({"callback": "decline"})).await;
    assert_eq!(json_of(&declined), json!({"answered": 200}));
    let bad = post_json(url, &json!({"callback": "explode"})).await;
    assert_eq!(
        (bad.status, json_of(&bad)["code"].clone()),
        (400, json!("malformed_trigger"))
    );

    let requests = json_of(&transport.send(get("/_mock/requests")).await.unwrap());
    assert_eq!(requests[0]["operation"], "paypal.gate.sale");
    assert_eq!(requests[0]["body"]["general"]["payment_id"], "c-1");
    let callbacks = json_of(&transport.send(get("/_mock/callbacks")).await.unwrap());
    assert_eq!(callbacks.as_array().unwrap().len(), 3);
    assert_eq!(callbacks[2]["operation_status"], "decline");
}

#[tokio::test]
async fn every_event_reaches_the_sink_as_a_json_line() {
    let merchant = Merchant::start().await;
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = std::sync::Arc::clone(&lines);
    let mock = start(&merchant, move |c| {
        c.on_event(move |event: &MockEvent| sink.lock().unwrap().push(event.to_json().to_string()))
    })
    .await;
    assert_eq!(send(&mock, SALE, &paypal_sale("e-1", 100)).await.0, 200);
    assert!(mock.settled(WAIT).await);
    let lines = lines.lock().unwrap().clone();
    assert_eq!(lines.len(), 3, "{lines:?}");
    let first: Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(
        first,
        json!({"event": "request", "operation": "paypal.gate.sale", "payment_id": "e-1", "answered": 200, "refused": null})
    );
    let last: Value = serde_json::from_str(&lines[2]).unwrap();
    assert_eq!(last["event"], "callback");
    assert_eq!(last["operation_status"], "success");
    assert!(!lines.iter().any(|l| l.contains(KEY)));
}

#[tokio::test]
async fn a_refund_of_zero_has_its_own_refusal() {
    let merchant = Merchant::start().await;
    let mock = start(&merchant, |c| c).await;
    assert_eq!(send(&mock, SALE, &paypal_sale("z-1", 1000)).await.0, 200);
    let (status, zero) = send(&mock, REFUND, &paypal_refund("z-1", Some(0))).await;
    assert_eq!(status, 400);
    assert_eq!(zero["code"], "refund_amount_zero", "{zero}");
    assert_eq!(zero["errors"][0]["path"], "payment.amount", "{zero}");
    assert!(
        zero["message"]
            .as_str()
            .unwrap()
            .contains("positive amount"),
        "{zero}"
    );
    assert_eq!(mock.payment("z-1").unwrap().refunded, 0);
}

/// A PayPal Gate sale in its `recurring_registration` variant.
fn paypal_sale_registering_recurring(payment_id: &str) -> Value {
    signed(json!({
        "general": {"project_id": 210, "payment_id": payment_id},
        "payment": {"amount": 1000, "currency": "USD"},
        "customer": {"ip_address": "192.0.2.0", "id": "customer123"},
        "return_url": {"success": "http://example.com/success", "decline": "http://example.com/decline"},
        "recurring": {
            "register": true, "type": "R", "amount": 1000, "period": "W", "interval": 1,
            "time": "10:00:00", "start_date": "21-11-2030", "scheduled_payment_id": format!("{payment_id}-plan")
        }
    }))
}

fn paypal_recurring_debit(payment_id: &str, recurring_id: &Value) -> Value {
    signed(json!({
        "general": {"project_id": 210, "payment_id": payment_id},
        "payment": {"amount": 1000, "currency": "USD"},
        "customer": {"ip_address": "192.0.2.0"},
        "recurring": {"id": recurring_id}
    }))
}

#[tokio::test]
async fn a_gate_sale_that_registers_a_recurring_payment_reports_it_and_only_its_id_is_debited() {
    const RECURRING: &str = "/v2/payment/wallet/paypal/recurring";
    let merchant = Merchant::start().await;
    let mock = start(&merchant, |c| c).await;
    let (status, answer) = send(&mock, SALE, &paypal_sale_registering_recurring("r-1")).await;
    assert_eq!(status, 200, "{answer}");
    assert!(mock.settled(WAIT).await);
    assert_eq!(
        finals(&merchant),
        [
            triple("sale", "success", "success"),
            triple("recurring", "success", "success"),
        ]
    );
    let (registration, _) = merchant.received().pop().unwrap();
    assert_eq!(
        registration["payment"]["type"], "recurring",
        "{registration}"
    );
    assert_eq!(registration["recurring"]["currency"], "USD");
    let recurring_id = registration["recurring"]["id"].clone();
    assert!(recurring_id.is_u64(), "{registration}");

    let (status, unknown) = send(
        &mock,
        RECURRING,
        &paypal_recurring_debit("r-2", &json!(999_999)),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(unknown["code"], "recurring_not_found", "{unknown}");
    assert_eq!(unknown["errors"][0]["path"], "recurring.id", "{unknown}");
    assert!(
        mock.payment("r-2").is_none(),
        "a refused debit opens nothing"
    );

    let (status, debited) = send(
        &mock,
        RECURRING,
        &paypal_recurring_debit("r-3", &recurring_id),
    )
    .await;
    assert_eq!(status, 200, "{debited}");
    assert!(mock.settled(WAIT).await);
    // The debit named no customer id: its callback leaves `customer` out rather than send
    // `"id": null`, which the official Python and Node SDKs cannot verify.
    let (debit, verified) = merchant.received().pop().unwrap();
    assert!(verified);
    assert_eq!(debit["payment"]["id"], "r-3", "{debit}");
    assert!(debit.get("customer").is_none(), "{debit}");
    assert!(!debit.to_string().contains("null"), "{debit}");
}

#[tokio::test]
async fn a_declined_registration_registers_nothing() {
    let merchant = Merchant::start().await;
    let mock = start(&merchant, |c| {
        c.outcome(When::PaymentId("r-d".into()), Outcome::decline())
    })
    .await;
    assert_eq!(
        send(&mock, SALE, &paypal_sale_registering_recurring("r-d"))
            .await
            .0,
        200
    );
    assert!(mock.settled(WAIT).await);
    assert_eq!(finals(&merchant), [triple("sale", "decline", "decline")]);
}

#[tokio::test]
async fn a_delivery_answered_otherwise_than_200_is_recorded_with_its_status() {
    let merchant = Merchant::start().await;
    merchant.answer(500);
    let mock = start(&merchant, |c| {
        c.resend_schedule(ResendSchedule::fixed(2, Duration::ZERO))
    })
    .await;
    assert_eq!(send(&mock, SALE, &paypal_sale("f-1", 100)).await.0, 200);
    assert!(mock.settled(WAIT).await);
    let deliveries = mock.callbacks();
    assert!(!deliveries.is_empty());
    for delivery in deliveries {
        assert_eq!(delivery.answered, Some(500));
        assert_eq!(delivery.failure.as_deref(), Some("status 500"));
    }
}
