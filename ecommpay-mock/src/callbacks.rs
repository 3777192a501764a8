//! The callbacks of an accepted operation, made from the documents' examples with the request's
//! and the ledger's values put in, and their delivery on the re-send schedule.

use std::sync::Arc;
use std::time::Duration;

use ecommpay_api::client::{Timeouts, Transport, TransportError, TransportRequest};
use ecommpay_api::signature::MessageKind;
use ecommpay_api::signature::low_level::embed;
use serde_json::{Map, Value, json};

use crate::config::Outcome;
use crate::events::{CallbackDelivery, MockEvent};
use crate::examples::{self, Role};
use crate::ledger::{Applied, registers_payout};
use crate::{State, lock};

/// The date every callback carries: fixed, so that callbacks are deterministic.
const DATE: &str = "2024-01-01T00:00:00+0000";

/// When a payout registration's `uuid` expires: 30 minutes after [`DATE`]
/// (`001_6d33046829e36e91.txt:9`).
const UUID_EXPIRES: &str = "2024-01-01T00:30:00+0000";

/// The redirect callback's code and message, as the PayPal document prints them
/// (`002_c6d548ecabfc01b0.txt:804-805`).
const AWAITING: (&str, &str) = ("9999", "Awaiting processing");

/// The callbacks of an accepted Gate operation, unsigned. A sale or an auth first gets the
/// redirect callback (the documents print only its parts: the method's purchase callback carries
/// them, with statuses that are the mock's choice). Then the outcome's callback, and for a sale
/// or auth that registered a recurring payment the registration's (after it: the mock's choice).
pub(crate) fn plan(applied: &Applied, outcome: &Outcome) -> Vec<Value> {
    let mut plan = Vec::new();
    if examples::choice(&applied.operation.operation, Role::Redirect).is_some() {
        plan.extend(callback(applied, outcome, Role::Redirect));
    }
    plan.extend(callback(applied, outcome, Role::Outcome));
    if applied.recurring_id.is_some() {
        plan.extend(callback(applied, outcome, Role::RecurringRegistration));
    }
    plan
}

/// The callback that reports an operation's outcome, unsigned: a Gate operation's, a payment
/// decided on the Payment Page (a purchase's, a recurring registration's with `recurring`, a
/// payout's), a trigger's.
pub(crate) fn final_callback(applied: &Applied, outcome: &Outcome) -> Option<Value> {
    callback(applied, outcome, Role::Outcome)
}

/// An operation's callback of this role: the example [`examples::CHOICES`] names for it, with
/// the values of the request and the ledger put in. `None` (logged) when the mock has no example
/// for it, which a test rules out for every operation of the spec.
pub(crate) fn callback(applied: &Applied, outcome: &Outcome, role: Role) -> Option<Value> {
    let operation = applied.operation.operation.as_str();
    let success = role != Role::Outcome || *outcome == Outcome::Success;
    let Some(mut body) = examples::choice(operation, role).and_then(|c| c.template(success)) else {
        tracing::error!(operation, ?role, "no callback example for this operation");
        return None;
    };
    fill(&mut body, applied, outcome, role);
    Some(body)
}

/// Puts the request's and the ledger's values into an example, as stripe-mock's data replacer
/// does: each value goes where the example has the field, in the example's JSON type (the card
/// payout registration prints numbers as strings), so the callback keeps the example's fields.
/// Left out: `customer` fields the request did not give (never `null`, which no documented
/// callback shows and the official Python and Node SDKs cannot verify), a `recurring` that names
/// no recurring payment, and the `uuid` of a payout registration that was declined (only a
/// registered payout gets one, `001_6d33046829e36e91.txt:9`).
fn fill(body: &mut Value, applied: &Applied, outcome: &Outcome, role: Role) {
    let payment = &applied.payment;
    let operation = &applied.operation;
    let context = &payment.context;
    let declined = role == Role::Outcome && *outcome != Outcome::Success;
    let (payment_status, mut operation_status, (code, message)) = match role {
        Role::Redirect => ("processing", "awaiting redirect result", AWAITING),
        Role::RecurringRegistration => ("success", "success", ("0", "Success")),
        Role::Outcome => (
            payment.status.as_str(),
            operation.status.as_str(),
            match outcome {
                Outcome::Success => ("0", "Success"),
                Outcome::Decline { code, message } => (code.as_str(), message.as_str()),
            },
        ),
    };
    let registration = registers_payout(&operation.operation);
    if registration {
        // Its operation reports the registration's status, as the example does.
        operation_status = payment_status;
    }
    let (payment_type, operation_type) = match role {
        Role::RecurringRegistration => ("recurring", "recurring"),
        _ => (
            payment.payment_type.as_str(),
            operation.operation_type.as_str(),
        ),
    };
    let whole = match (payment.amount, &payment.currency) {
        (Some(amount), Some(currency)) => Some(json!({"amount": amount, "currency": currency})),
        _ => None,
    };
    let moved = match &applied.sum {
        Some((amount, currency)) => json!({"amount": amount, "currency": currency}),
        None => json!({"amount": 0, "currency": ""}),
    };
    let provider_payment_id = if declined {
        // As the decline examples: the provider never saw the payment.
        String::new()
    } else {
        format!("mock-provider-{}", operation.id)
    };

    strip(body, "/signature");
    strip(body, "/general/signature");
    let mut put = |pointer: &str, value: Value| put_in(body, pointer, value);
    put("/project_id", context.project_id.clone());
    put("/general/project_id", context.project_id.clone());
    put("/payment/id", json!(payment.id));
    put("/general/payment_id", json!(payment.id));
    put("/payment/type", json!(payment_type));
    put("/payment/status", json!(payment_status));
    put("/payment/date", json!(DATE));
    put("/payment/description", json!(""));
    put("/request_id", json!(operation.request_id));
    put("/operation/id", json!(operation.id));
    put("/operation/type", json!(operation_type));
    put("/operation/status", json!(operation_status));
    put("/operation/date", json!(DATE));
    put("/operation/created_date", json!(DATE));
    put("/operation/request_id", json!(operation.request_id));
    put("/operation/sum_initial", moved.clone());
    put("/operation/sum_converted", moved);
    put("/operation/code", json!(code));
    put("/operation/message", json!(message));
    put("/operation/provider/payment_id", json!(provider_payment_id));
    put("/operation/provider/date", json!(DATE));
    put(
        "/redirect_data/url",
        json!(format!("https://www.example.com/pay?mock={}", operation.id)),
    );
    if let Some(whole) = whole {
        put("/payment/sum", whole.clone());
        put("/sum_request", whole);
    }
    if let Some(currency) = &payment.currency {
        put("/recurring/currency", json!(currency));
    }
    if let Some(recurring_id) = recurring_id_reported(applied) {
        put("/recurring/id", json!(recurring_id));
    }
    if registration && !declined {
        put(
            "/uuid",
            json!(crate::ledger::registration_uuid(&payment.id)),
        );
        put("/uuid_expired_at", json!(UUID_EXPIRES));
    }
    for (pointer, value) in &context.echoed {
        put(pointer, value.clone());
    }

    // The customer is the request's: what it did not give is left out.
    if let Some(Value::Object(customer)) = body.get_mut("customer") {
        customer.retain(|field, _| {
            context
                .echoed
                .iter()
                .any(|(pointer, _)| pointer.strip_prefix("/customer/") == Some(field.as_str()))
        });
        if customer.is_empty() {
            strip(body, "/customer");
        }
    }
    let names_recurring = recurring_id_reported(applied).is_some()
        || context.echoed.iter().any(|(p, _)| *p == "/recurring/id");
    if !names_recurring {
        strip(body, "/recurring");
    }
    if registration && declined {
        strip(body, "/uuid");
        strip(body, "/uuid_expired_at");
    }
}

/// The `recurring.id` a callback reports: the registration's, and for a Payment Page
/// registration that was declined the id it would have had (its callback operation requires
/// one; the ledger knows no such registration, so a debit of it is refused).
fn recurring_id_reported(applied: &Applied) -> Option<u64> {
    let operation = &applied.operation;
    applied.recurring_id.or_else(|| {
        (crate::ledger::declared_action(&operation.operation)
            == Some(ecommpay_api::Action::RegisterRecurring))
        .then(|| crate::ledger::recurring_id_of(operation.id))
    })
}

/// Sets the field at `pointer` where the example has it, in the example's JSON type.
fn put_in(body: &mut Value, pointer: &str, value: Value) {
    if let Some(slot) = body.pointer_mut(pointer) {
        conform(slot, value);
    }
}

/// Writes `value` into `slot` in the slot's JSON type: a number as text where the example
/// prints text, and the other way round; an object field by field, the example's fields only.
fn conform(slot: &mut Value, value: Value) {
    *slot = match (&mut *slot, value) {
        (Value::Object(fields), Value::Object(values)) => {
            for (key, value) in values {
                if let Some(field) = fields.get_mut(&key) {
                    conform(field, value);
                }
            }
            return;
        }
        (Value::String(_), Value::Number(n)) => Value::String(n.to_string()),
        (Value::Number(_), Value::String(s)) => s
            .parse::<u64>()
            .map_or_else(|_| Value::String(s), Value::from),
        (_, value) => value,
    };
}

/// Removes the field at `pointer` (`/general/signature`), if there is one.
fn strip(body: &mut Value, pointer: &str) {
    let Some((parent, field)) = pointer.rsplit_once('/') else {
        return;
    };
    let parent: Option<&mut Map<String, Value>> = if parent.is_empty() {
        body.as_object_mut()
    } else {
        body.pointer_mut(parent).and_then(Value::as_object_mut)
    };
    if let Some(parent) = parent {
        parent.remove(field);
    }
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use ecommpay_api::callback::Callback;
    use ecommpay_api::client::TransportErrorKind;
    use ecommpay_api::{Facts, SecretKey};

    use super::*;
    use crate::examples::{CHOICES, Choice};
    use crate::ledger::Ledger;

    /// A request that opens or follows up payment `id`, with a customer or without one.
    fn request(id: &str, customer: bool) -> Value {
        let mut body = json!({
            "general": {"project_id": 210, "payment_id": id},
            "payment": {"amount": 1000, "currency": "USD", "description": "Order 7"},
            "account": {"number": "account-42"},
        });
        if customer {
            body["customer"] = json!({"id": "customer-7", "phone": "5550100"});
        }
        body
    }

    /// What the ledger says when the choice's operation is applied with `outcome` to a payment
    /// in the state it needs (an auth to capture, a registered recurring payment to debit...).
    fn applied(choice: &Choice, outcome: &Outcome, customer: bool) -> Applied {
        use ecommpay_api::Action as Declared;
        let mut ledger = Ledger::default();
        let mut next = 0;
        let mut apply = |ledger: &mut Ledger, operation: &str, body: &Value, outcome: &Outcome| {
            next += 1;
            ledger
                .apply(operation, body, outcome, next, &format!("request-{next}"))
                .unwrap_or_else(|refusal| panic!("{operation}: {refusal:?}"))
        };
        let method = choice.operation.split('.').next().unwrap_or_default();
        let id = "order-1";
        let mut body = request(id, customer);
        match crate::ledger::declared_action(choice.operation) {
            Some(Declared::Capture | Declared::Cancel) => {
                apply(
                    &mut ledger,
                    &format!("{method}.gate.auth"),
                    &body,
                    &Outcome::Success,
                );
            }
            Some(Declared::Refund | Declared::CancelRecurring) => {
                apply(
                    &mut ledger,
                    &format!("{method}.gate.sale"),
                    &body,
                    &Outcome::Success,
                );
            }
            Some(Declared::CompletePayout) => {
                let registration = "card_payout.gate.payout_registration";
                apply(&mut ledger, registration, &body, &Outcome::Success);
                body["uuid"] = json!(crate::ledger::registration_uuid(id));
            }
            Some(Declared::ChargeRecurring) => {
                let mut registering = request("order-0", customer);
                registering["recurring"] = json!({"register": true});
                let registered = apply(
                    &mut ledger,
                    &format!("{method}.gate.sale"),
                    &registering,
                    &Outcome::Success,
                );
                body["recurring"] = json!({"id": registered.recurring_id});
            }
            _ if choice.role == Role::RecurringRegistration => {
                body["recurring"] = json!({"register": true});
            }
            _ => {}
        }
        apply(&mut ledger, choice.operation, &body, outcome)
    }

    /// Every field of a JSON value by pointer; an empty object or array is a field.
    fn fields(value: &Value, prefix: &str, out: &mut BTreeSet<String>) {
        match value {
            Value::Object(map) if !map.is_empty() => {
                for (key, value) in map {
                    fields(value, &format!("{prefix}/{key}"), out);
                }
            }
            _ => {
                out.insert(prefix.to_owned());
            }
        }
    }

    fn field_set(value: &Value) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        fields(value, "", &mut out);
        out
    }

    fn has_null(value: &Value) -> bool {
        match value {
            Value::Null => true,
            Value::Object(map) => map.values().any(has_null),
            Value::Array(items) => items.iter().any(has_null),
            _ => false,
        }
    }

    /// Every callback the mock can send (each choice, success and decline, with and without a
    /// customer), signed as it is sent: it validates against its callback operation, verifies
    /// as a callback, shows no `null`, and has its example's fields, in their JSON types, but
    /// those the fill leaves out for a stated reason.
    #[test]
    fn every_callback_validates_and_keeps_its_examples_fields() {
        let key = SecretKey::new("mock-test-key").unwrap();
        let mut checked = 0;
        for choice in CHOICES {
            let outcomes: &[Outcome] = match choice.role {
                Role::Outcome => &[Outcome::Success, Outcome::decline()],
                Role::Redirect | Role::RecurringRegistration => &[Outcome::Success],
            };
            for (outcome, customer) in outcomes.iter().flat_map(|o| [(o, true), (o, false)]) {
                let case = format!(
                    "{} {:?} {outcome:?} customer={customer}",
                    choice.operation, choice.role
                );
                let applied = applied(choice, outcome, customer);
                let mut body = callback(&applied, outcome, choice.role).expect(&case);
                let signature = key.sign_json(&body).expect(&case);
                embed(&mut body, MessageKind::Callback, &signature).expect(&case);

                let entry = ecommpay_api::operation(choice.callback).expect(&case);
                let violations = entry.validate_json(&body, &Facts::none());
                assert!(violations.is_empty(), "{case}: {violations:?}\n{body}");
                let raw = serde_json::to_vec(&body).unwrap();
                assert!(Callback::verify(&raw, &key).is_ok(), "{case}");
                assert!(!has_null(&body), "{case}: {body}");

                let success = choice.role != Role::Outcome || *outcome == Outcome::Success;
                let template = choice.template(success).expect(&case);
                let declined_registration = registers_payout(choice.operation) && !success;
                let recurring = recurring_id_reported(&applied).is_some()
                    || applied
                        .payment
                        .context
                        .echoed
                        .iter()
                        .any(|(p, _)| *p == "/recurring/id");
                let expected: BTreeSet<String> = field_set(&template)
                    .into_iter()
                    .filter(|field| {
                        let left_out = (field.starts_with("/customer/") && !customer)
                            || (field.starts_with("/recurring/") && !recurring)
                            || (declined_registration
                                && (field == "/uuid" || field == "/uuid_expired_at"));
                        !left_out
                    })
                    .collect();
                assert_eq!(field_set(&body), expected, "{case}");
                let kind = |value: Option<&Value>| value.map(std::mem::discriminant);
                for field in &expected {
                    assert_eq!(
                        kind(body.pointer(field)),
                        kind(template.pointer(field)),
                        "{case}: {field} in the example's JSON type"
                    );
                }

                let text = |pointer: &str| {
                    body.pointer(pointer)
                        .map(|v| v.to_string().replace('"', ""))
                };
                assert_eq!(
                    text("/payment/id").or(text("/general/payment_id")),
                    Some("order-1".into()),
                    "{case}"
                );
                assert_eq!(
                    text("/operation/id"),
                    Some(applied.operation.id.to_string()),
                    "{case}"
                );
                if customer && body.get("customer").is_some() {
                    assert_eq!(text("/customer/id"), Some("customer-7".into()), "{case}");
                }
                checked += 1;
            }
        }
        assert_eq!(
            checked,
            2 * (CHOICES.len() + CHOICES.iter().filter(|c| c.role == Role::Outcome).count())
        );
    }

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
