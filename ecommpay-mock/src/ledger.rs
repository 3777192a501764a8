//! Each payment's life as the mock knows it: which operation opened it, its status as callbacks
//! write it, what has been refunded; and the refusals the documents imply for requests that do
//! not fit it (an unknown payment, a reused `payment_id`, a refund beyond what is left).

use std::collections::HashMap;

use serde_json::Value;

use crate::PAYMENT_LIMIT;
use crate::bounded::NewestMap;
use crate::config::Outcome;
use crate::refusal::Refusal;

/// What an operation does to a payment, in the ledger's terms: the spec's declared action
/// (`action:`, read from the generated tables) with the `payment.type` and `operation.type`
/// its callbacks carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    /// Opens a payment under a new `payment_id`, of this `payment.type`.
    Open {
        payment_type: &'static str,
        operation_type: &'static str,
    },
    /// Takes the held amount of an auth.
    Capture,
    /// Releases the held amount of an auth.
    Cancel,
    /// Returns all or part of a purchase.
    Refund,
    /// Cancels the recurring payments registered under a purchase.
    RecurringCancel,
    /// The customer confirms on Payment Page a payout registered through the Gate.
    CompletePayout,
}

impl Action {
    pub(crate) fn of(operation: &str) -> Option<Self> {
        use ecommpay_api::Action as Declared;
        let open = |payment_type, operation_type| Action::Open {
            payment_type,
            operation_type,
        };
        Some(match declared_action(operation)? {
            Declared::Purchase => open("purchase", "sale"),
            Declared::Auth => open("purchase", "auth"),
            Declared::RegisterRecurring => open("recurring", "recurring"),
            Declared::ChargeRecurring => open("recurring", "recurring"),
            Declared::Payout | Declared::RegisterPayout => open("payout", "payout"),
            Declared::CompletePayout => Action::CompletePayout,
            Declared::Capture => Action::Capture,
            Declared::Cancel => Action::Cancel,
            Declared::Refund => Action::Refund,
            Declared::CancelRecurring => Action::RecurringCancel,
            // Callbacks report; an action a later spec adds is not the ledger's until it is.
            _ => return None,
        })
    }

    /// `operation.type` in this action's callbacks.
    pub(crate) fn operation_type(self) -> &'static str {
        match self {
            Action::Open { operation_type, .. } => operation_type,
            Action::Capture => "capture",
            Action::Cancel => "cancel",
            Action::Refund => "refund",
            Action::RecurringCancel => "recurring_cancel",
            Action::CompletePayout => "payout",
        }
    }
}

/// The action the spec declares for `operation` (`paypal.gate.auth`), from the generated tables.
pub(crate) fn declared_action(operation: &str) -> Option<ecommpay_api::Action> {
    // Read on every request, and for every operation of a payment when it is settled: by id
    // from a map made once, not by a scan of the registry.
    static ACTIONS: std::sync::LazyLock<HashMap<&'static str, ecommpay_api::Action>> =
        std::sync::LazyLock::new(|| {
            ecommpay_api::OPERATIONS
                .iter()
                .map(|entry| (entry.id(), entry.schema.action))
                .collect()
        });
    ACTIONS.get(operation).copied()
}

/// Whether `operation` registers a payout that the customer completes on Payment Page.
pub(crate) fn registers_payout(operation: &str) -> bool {
    declared_action(operation) == Some(ecommpay_api::Action::RegisterPayout)
}

/// A payment as the mock knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Payment {
    /// `general.payment_id`.
    pub id: String,
    /// The operation that opened it (`paypal.gate.auth`).
    pub opened_by: String,
    /// `payment.type` in its callbacks (`purchase`, `payout`, `recurring`).
    pub payment_type: String,
    /// `payment.status` in its last callback (`success`, `decline`, `awaiting capture`,
    /// `canceled`, `partially refunded`, `refunded`).
    pub status: String,
    /// `payment.amount` of the opening request, in minor units.
    pub amount: Option<u64>,
    pub currency: Option<String>,
    /// The sum of its successful refunds.
    pub refunded: u64,
    /// Its operations in order, with their outcomes.
    pub operations: Vec<OperationRecord>,
    /// What its callbacks repeat from the opening request.
    pub(crate) context: CallbackContext,
}

/// What callbacks repeat from the request that opened a payment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CallbackContext {
    pub(crate) project_id: Value,
    /// The request's values at [`ECHOED`] that it gave, by JSON pointer.
    pub(crate) echoed: Vec<(&'static str, Value)>,
}

/// The fields a callback repeats from the request that opened its payment, at the same place:
/// the customer's, the account's, the description, the `recurring.id` a debit names.
pub(crate) const ECHOED: &[&str] = &[
    "/customer/id",
    "/customer/phone",
    "/account/number",
    "/payment/description",
    "/recurring/id",
];

impl CallbackContext {
    fn of(request: &Value) -> Self {
        let present = |v: &&Value| !v.is_null() && !v.is_object() && !v.is_array();
        CallbackContext {
            project_id: request
                .pointer("/general/project_id")
                .cloned()
                .unwrap_or(Value::Null),
            echoed: ECHOED
                .iter()
                .filter_map(|&pointer| {
                    Some((pointer, request.pointer(pointer).filter(present)?.clone()))
                })
                .collect(),
        }
    }
}

/// One operation of a payment.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct OperationRecord {
    /// The platform's `operation.id` in callbacks.
    pub id: u64,
    /// The operation id (`paypal.gate.refund`).
    pub operation: String,
    /// `operation.type` (`sale`, `refund`).
    pub operation_type: String,
    /// `operation.status` (`success`, `decline`).
    pub status: String,
    /// The amount it moved, when it names one.
    pub amount: Option<u64>,
    /// The `request_id` the Gate answered it with.
    pub request_id: String,
}

/// Why the ledger refuses an operation that does not fit the payment's state, and the details.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Refused {
    pub(crate) refusal: Refusal,
    pub(crate) message: String,
}

impl Refused {
    fn new(refusal: Refusal, message: impl Into<String>) -> Self {
        Self {
            refusal,
            message: message.into(),
        }
    }
}

/// What an accepted operation did, for its callbacks.
#[derive(Clone, Debug)]
pub(crate) struct Applied {
    pub(crate) payment: Payment,
    pub(crate) operation: OperationRecord,
    /// The amount and currency the operation's callback reports in `operation.sum_*`.
    pub(crate) sum: Option<(u64, String)>,
    /// The `recurring.id` of the recurring payment the operation registered, if it did.
    pub(crate) recurring_id: Option<u64>,
}

/// Every payment the mock remembers (the newest [`PAYMENT_LIMIT`]), with the last callback sent
/// for each.
pub(crate) struct Ledger {
    payments: NewestMap<String, Payment>,
    last_callbacks: HashMap<String, Value>,
    /// Each registered recurring payment's `recurring.id`, with the `payment_id` that registered
    /// it (the newest [`PAYMENT_LIMIT`]).
    recurring: NewestMap<u64, String>,
}

impl Default for Ledger {
    fn default() -> Self {
        Ledger::with_limit(PAYMENT_LIMIT)
    }
}

impl Ledger {
    pub(crate) fn with_limit(limit: usize) -> Self {
        Ledger {
            payments: NewestMap::new(limit),
            last_callbacks: HashMap::new(),
            recurring: NewestMap::new(limit),
        }
    }

    pub(crate) fn payment(&self, id: &str) -> Option<&Payment> {
        self.payments.get(id)
    }

    /// Keeps a callback sent for a payment the ledger knows, for a re-send on demand.
    pub(crate) fn remember_callback(&mut self, payment_id: &str, body: &Value) {
        if self.payments.contains_key(payment_id) {
            self.last_callbacks
                .insert(payment_id.to_owned(), body.clone());
        }
    }

    pub(crate) fn last_callback(&self, payment_id: &str) -> Option<&Value> {
        self.last_callbacks.get(payment_id)
    }

    pub(crate) fn payments(&self) -> Vec<Payment> {
        let mut all: Vec<Payment> = self.payments.values().cloned().collect();
        all.sort_by_key(|p| p.operations.first().map(|o| o.id));
        all
    }

    /// Applies an operation with its outcome, or refuses it without changing anything.
    pub(crate) fn apply(
        &mut self,
        operation: &str,
        request: &Value,
        outcome: &Outcome,
        operation_id: u64,
        request_id: &str,
    ) -> Result<Applied, Refused> {
        let action = Action::of(operation).ok_or_else(|| {
            Refused::new(
                Refusal::UnknownOperation,
                format!("the mock does not know what {operation} does"),
            )
        })?;
        let payment_id = request
            .pointer("/general/payment_id")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let amount = request.pointer("/payment/amount").and_then(Value::as_u64);
        let currency = request
            .pointer("/payment/currency")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let record = |status: &str, amount: Option<u64>| OperationRecord {
            id: operation_id,
            operation: operation.to_owned(),
            operation_type: action.operation_type().to_owned(),
            status: status.to_owned(),
            amount,
            request_id: request_id.to_owned(),
        };
        let operation_status = if *outcome == Outcome::Success {
            "success"
        } else {
            "decline"
        };

        if let Action::Open { payment_type, .. } = action {
            if self.payments.contains_key(payment_id) {
                return Err(Refused::new(
                    Refusal::PaymentIdReused,
                    "a payment with this payment_id already exists in the project; \
                     payment_id must be unique within the project",
                ));
            }
            if let Some(debited) = recurring_debited(operation, request)
                && !self.recurring.contains_key(&debited)
            {
                return Err(Refused::new(
                    Refusal::RecurringNotFound,
                    format!(
                        "no recurring payment with recurring.id {debited} was registered in the \
                         project; use the recurring.id of a registration callback"
                    ),
                ));
            }
            let operation = record(operation_status, amount);
            let mut payment = Payment {
                id: payment_id.to_owned(),
                opened_by: operation.operation.clone(),
                payment_type: payment_type.to_owned(),
                status: String::new(),
                amount,
                currency: currency.clone(),
                refunded: 0,
                operations: vec![operation.clone()],
                context: CallbackContext::of(request),
            };
            settle(&mut payment);
            if let Some((forgotten, _)) =
                self.payments.insert(payment_id.to_owned(), payment.clone())
            {
                self.last_callbacks.remove(&forgotten);
            }
            let recurring_id = (*outcome == Outcome::Success
                && registers_recurring(&operation.operation, request))
            .then(|| recurring_id_of(operation.id));
            if let Some(id) = recurring_id {
                self.recurring.insert(id, payment_id.to_owned());
            }
            return Ok(Applied {
                payment,
                operation,
                sum: amount.zip(currency),
                recurring_id,
            });
        }

        let payment = self.payments.get_mut(payment_id).ok_or_else(|| {
            Refused::new(
                Refusal::PaymentNotFound,
                "no payment with this payment_id in the project",
            )
        })?;
        if method_of(&payment.opened_by) != method_of(operation) {
            return Err(Refused::new(
                Refusal::WrongPaymentMethod,
                format!("the payment was opened by {}", payment.opened_by),
            ));
        }
        if action == Action::CompletePayout {
            if payment.status != "awaiting_payout_completion" {
                return Err(Refused::new(
                    Refusal::WrongPaymentStatus,
                    format!(
                        "the payment is {}; only a registered payout awaits completion",
                        payment.status
                    ),
                ));
            }
            let uuid = request.get("uuid").and_then(Value::as_str);
            if uuid != Some(registration_uuid(&payment.id).as_str()) {
                return Err(Refused::new(
                    Refusal::UnknownUuid,
                    "the uuid is not the one the payout registration's callback gave",
                ));
            }
        }
        let held = payment.status == "awaiting capture";
        let paid = matches!(payment.status.as_str(), "success" | "partially refunded");
        let whole = payment.amount.zip(payment.currency.clone());
        let moved = match action {
            // Opening actions returned above.
            Action::Open { .. } => None,
            Action::Capture | Action::Cancel if !held => {
                return Err(Refused::new(
                    Refusal::WrongPaymentStatus,
                    format!(
                        "the payment is {}; only a payment awaiting capture can be {}",
                        payment.status,
                        if action == Action::Capture {
                            "captured"
                        } else {
                            "canceled"
                        },
                    ),
                ));
            }
            Action::Capture | Action::Cancel => whole,
            Action::Refund => {
                if !paid || payment.payment_type != "purchase" {
                    return Err(Refused::new(
                        Refusal::WrongPaymentStatus,
                        format!(
                            "the payment is a {} {}; only a successful purchase can be refunded",
                            payment.payment_type, payment.status
                        ),
                    ));
                }
                let left = payment.amount.unwrap_or(0).saturating_sub(payment.refunded);
                let asked = amount.unwrap_or(left);
                if amount == Some(0) {
                    return Err(Refused::new(
                        Refusal::RefundAmountZero,
                        "the refund asks for 0; a refund names a positive amount, or no amount \
                         to refund what is left",
                    ));
                }
                if asked == 0 || asked > left {
                    return Err(Refused::new(
                        Refusal::RefundExceedsPayment,
                        format!("the refund asks for {asked}; {left} is left to refund"),
                    ));
                }
                if let (Some(asked_currency), Some(paid_currency)) = (&currency, &payment.currency)
                    && asked_currency != paid_currency
                {
                    return Err(Refused::new(
                        Refusal::RefundCurrencyDiffers,
                        "the refund's currency is not the payment's",
                    ));
                }
                payment.currency.clone().map(|c| (asked, c))
            }
            Action::CompletePayout => whole,
            Action::RecurringCancel => {
                if !paid {
                    return Err(Refused::new(
                        Refusal::WrongPaymentStatus,
                        format!(
                            "the payment is {}; recurring payments are registered under a successful purchase",
                            payment.status
                        ),
                    ));
                }
                None
            }
        };
        let operation = record(operation_status, moved.as_ref().map(|(a, _)| *a));
        payment.operations.push(operation.clone());
        settle(payment);
        Ok(Applied {
            payment: payment.clone(),
            operation,
            sum: moved,
            recurring_id: None,
        })
    }

    /// Sets the outcome of a payment's last operation (a trigger), returning what the callback
    /// must report; `None` when there is no such payment.
    pub(crate) fn overturn(&mut self, payment_id: &str, outcome: &Outcome) -> Option<Applied> {
        let payment = self.payments.get_mut(payment_id)?;
        let last = payment.operations.last_mut()?;
        last.status = if *outcome == Outcome::Success {
            "success"
        } else {
            "decline"
        }
        .to_owned();
        let operation = last.clone();
        settle(payment);
        let sum = operation.amount.zip(payment.currency.clone());
        Some(Applied {
            payment: payment.clone(),
            operation,
            sum,
            recurring_id: None,
        })
    }
}

/// The `uuid` a payout registration's callback gives, to open Payment Page with: derived from
/// the payment id, so that the page can tell which registration a URL names.
pub(crate) fn registration_uuid(payment_id: &str) -> String {
    format!("mock-uuid-{payment_id}")
}

/// The `recurring.id` a registration made by operation `operation_id` gets (its registration
/// callback carries it).
pub(crate) fn recurring_id_of(operation_id: u64) -> u64 {
    10_000 + operation_id
}

/// Whether an opening operation registers a recurring payment: one whose declared action is
/// to (a Payment Page `recurring_registration`), or a purchase or auth with `recurring.register`
/// true (the Gate sale's and auth's `recurring_registration` variant).
fn registers_recurring(operation: &str, request: &Value) -> bool {
    use ecommpay_api::Action as Declared;
    match declared_action(operation) {
        Some(Declared::RegisterRecurring) => true,
        Some(Declared::Purchase | Declared::Auth) => {
            request
                .pointer("/recurring/register")
                .and_then(Value::as_bool)
                == Some(true)
        }
        _ => false,
    }
}

/// The `recurring.id` a recurring debit (`paypal.gate.recurring`) names.
fn recurring_debited(operation: &str, request: &Value) -> Option<u64> {
    if declared_action(operation) != Some(ecommpay_api::Action::ChargeRecurring) {
        return None;
    }
    // The validator has checked that it is an integer; anything else names no registration.
    let id = request.pointer("/recurring/id");
    let id = id
        .and_then(Value::as_u64)
        .or_else(|| id.and_then(Value::as_str)?.parse().ok());
    Some(id.unwrap_or(0))
}

/// The payment method an operation id names (`paypal` of `paypal.gate.refund`).
fn method_of(operation: &str) -> &str {
    operation.split('.').next().unwrap_or_default()
}

/// Derives a payment's status and refunded sum from its operations, so that accepting an
/// operation and overturning one follow the same transitions. A declined operation after the
/// opening one leaves the payment as it was.
fn settle(payment: &mut Payment) {
    let mut status = "decline";
    let mut refunded = 0;
    for (index, operation) in payment.operations.iter().enumerate() {
        let success = operation.status == "success";
        match Action::of(&operation.operation) {
            Some(Action::Open { operation_type, .. }) if index == 0 => {
                status = match (success, operation_type) {
                    (false, _) => "decline",
                    (true, _) if registers_payout(&operation.operation) => {
                        "awaiting_payout_completion"
                    }
                    (true, "auth") => "awaiting capture",
                    (true, _) => "success",
                };
            }
            Some(Action::Capture | Action::CompletePayout) if success => status = "success",
            Some(Action::CompletePayout) => status = "decline",
            Some(Action::Cancel) if success => status = "canceled",
            Some(Action::Refund) if success => {
                refunded += operation.amount.unwrap_or(0);
                status = if refunded >= payment.amount.unwrap_or(0) {
                    "refunded"
                } else {
                    "partially refunded"
                };
            }
            _ => {}
        }
    }
    payment.status = status.to_owned();
    payment.refunded = refunded;
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Applies `body` as `operation` with the success outcome.
    fn succeed(ledger: &mut Ledger, operation: &str, body: &Value) -> Result<Applied, Refused> {
        run(ledger, operation, body, &Outcome::Success)
    }

    /// Applies an operation with the next operation id.
    fn run(
        ledger: &mut Ledger,
        operation: &str,
        body: &Value,
        outcome: &Outcome,
    ) -> Result<Applied, Refused> {
        let id = ledger
            .payments
            .values()
            .map(|p| p.operations.len() as u64)
            .sum::<u64>()
            + 1;
        ledger.apply(operation, body, outcome, id, "r")
    }

    fn sale(id: &str, amount: u64) -> Value {
        json!({"general": {"project_id": 1, "payment_id": id}, "payment": {"amount": amount, "currency": "USD"}})
    }

    fn refund(id: &str, amount: Option<u64>) -> Value {
        let mut body = json!({"general": {"project_id": 1, "payment_id": id}, "payment": {"description": "r"}});
        if let Some(amount) = amount {
            body["payment"]["amount"] = json!(amount);
            body["payment"]["currency"] = json!("USD");
        }
        body
    }

    #[test]
    fn a_reused_payment_id_is_refused() {
        let mut ledger = Ledger::default();
        succeed(&mut ledger, "paypal.gate.sale", &sale("p1", 100)).unwrap();
        let refused = succeed(&mut ledger, "paypal.gate.auth", &sale("p1", 100)).unwrap_err();
        assert_eq!(refused.refusal, Refusal::PaymentIdReused);
        assert_eq!(ledger.payment("p1").unwrap().operations.len(), 1);
    }

    #[test]
    fn the_oldest_payment_is_forgotten_with_its_last_callback() {
        let mut ledger = Ledger::with_limit(2);
        for id in ["p1", "p2"] {
            succeed(&mut ledger, "paypal.gate.sale", &sale(id, 100)).unwrap();
            ledger.remember_callback(id, &json!({"payment": {"id": id}}));
        }
        ledger.remember_callback("unknown", &json!({}));
        assert_eq!(
            ledger.last_callback("unknown"),
            None,
            "only a known payment's"
        );
        succeed(&mut ledger, "paypal.gate.sale", &sale("p3", 100)).unwrap();
        assert!(ledger.payment("p1").is_none());
        assert_eq!(ledger.last_callback("p1"), None);
        assert!(ledger.payment("p2").is_some() && ledger.last_callback("p2").is_some());
        let refused = succeed(&mut ledger, "paypal.gate.refund", &refund("p1", None)).unwrap_err();
        assert_eq!(refused.refusal, Refusal::PaymentNotFound);
        assert_eq!(ledger.payments().len(), 2);
    }

    #[test]
    fn a_capture_of_an_unknown_payment_is_refused() {
        let mut ledger = Ledger::default();
        let refused = succeed(&mut ledger, "paypal.gate.capture", &sale("nope", 100)).unwrap_err();
        assert_eq!(refused.refusal, Refusal::PaymentNotFound);
    }

    #[test]
    fn an_auth_is_captured_once() {
        let mut ledger = Ledger::default();
        let auth = succeed(&mut ledger, "paypal.gate.auth", &sale("a", 500)).unwrap();
        assert_eq!(auth.payment.status, "awaiting capture");
        let captured = succeed(&mut ledger, "paypal.gate.capture", &sale("a", 500)).unwrap();
        assert_eq!(captured.payment.status, "success");
        assert_eq!(captured.sum, Some((500, "USD".into())));
        let again = succeed(&mut ledger, "paypal.gate.cancel", &sale("a", 500)).unwrap_err();
        assert_eq!(again.refusal, Refusal::WrongPaymentStatus);
    }

    #[test]
    fn refunds_never_exceed_the_payment() {
        let mut ledger = Ledger::default();
        succeed(&mut ledger, "upi.gate.sale", &sale("s", 1000)).unwrap();
        let part = ledger
            .apply(
                "upi.gate.refund",
                &refund("s", Some(600)),
                &Outcome::Success,
                2,
                "r",
            )
            .unwrap();
        assert_eq!(part.payment.status, "partially refunded");
        assert_eq!(part.payment.refunded, 600);
        let beyond = ledger
            .apply(
                "upi.gate.refund",
                &refund("s", Some(500)),
                &Outcome::Success,
                3,
                "r",
            )
            .unwrap_err();
        assert_eq!(beyond.refusal, Refusal::RefundExceedsPayment);
        assert!(beyond.message.contains("400 is left"), "{}", beyond.message);
        let rest = succeed(&mut ledger, "upi.gate.refund", &refund("s", None)).unwrap();
        assert_eq!(rest.payment.status, "refunded");
        assert_eq!(rest.sum, Some((400, "USD".into())));
        let more = succeed(&mut ledger, "upi.gate.refund", &refund("s", None)).unwrap_err();
        assert_eq!(more.refusal, Refusal::WrongPaymentStatus);
    }

    #[test]
    fn a_follow_up_goes_through_the_method_that_opened_the_payment() {
        let mut ledger = Ledger::default();
        succeed(&mut ledger, "astropay.gate.sale", &sale("m", 100)).unwrap();
        let refused = succeed(&mut ledger, "paypal.gate.refund", &refund("m", None)).unwrap_err();
        assert_eq!(refused.refusal, Refusal::WrongPaymentMethod);
    }

    #[test]
    fn a_declined_refund_leaves_the_payment_as_it_was() {
        let mut ledger = Ledger::default();
        succeed(&mut ledger, "upi.gate.sale", &sale("s", 1000)).unwrap();
        let declined = ledger
            .apply(
                "upi.gate.refund",
                &refund("s", Some(300)),
                &Outcome::decline(),
                2,
                "r",
            )
            .unwrap();
        assert_eq!(declined.operation.status, "decline");
        assert_eq!(declined.payment.status, "success");
        assert_eq!(declined.payment.refunded, 0);
    }

    #[test]
    fn a_declined_sale_cannot_be_refunded() {
        let mut ledger = Ledger::default();
        run(
            &mut ledger,
            "upi.gate.sale",
            &sale("s", 1000),
            &Outcome::decline(),
        )
        .unwrap();
        let refused = succeed(&mut ledger, "upi.gate.refund", &refund("s", None)).unwrap_err();
        assert_eq!(refused.refusal, Refusal::WrongPaymentStatus);
    }

    #[test]
    fn only_a_successful_registration_can_be_debited() {
        let registering = |id: &str| {
            let mut body = sale(id, 100);
            body["recurring"] = json!({"register": true});
            body
        };
        let debit = |id: &str, recurring_id: u64| {
            let mut body = sale(id, 100);
            body["recurring"] = json!({"id": recurring_id});
            body
        };
        let mut ledger = Ledger::default();
        let declined = run(
            &mut ledger,
            "paypal.gate.auth",
            &registering("d"),
            &Outcome::decline(),
        )
        .unwrap();
        assert_eq!(declined.recurring_id, None);
        let never = recurring_id_of(declined.operation.id);
        let refused =
            succeed(&mut ledger, "paypal.gate.recurring", &debit("x", never)).unwrap_err();
        assert_eq!(refused.refusal, Refusal::RecurringNotFound);
        assert_eq!(refused.refusal.path(), Some("recurring.id"));

        let registered = succeed(&mut ledger, "paypal.gate.auth", &registering("r")).unwrap();
        let id = registered.recurring_id.unwrap();
        succeed(&mut ledger, "paypal.gate.recurring", &debit("y", id)).unwrap();
        let plain = succeed(&mut ledger, "paypal.gate.sale", &sale("p", 100)).unwrap();
        assert_eq!(
            plain.recurring_id, None,
            "a sale without recurring.register"
        );
    }

    #[test]
    fn a_trigger_overturns_the_last_operation() {
        let mut ledger = Ledger::default();
        succeed(&mut ledger, "paypal.gate.sale", &sale("t", 100)).unwrap();
        let declined = ledger.overturn("t", &Outcome::decline()).unwrap();
        assert_eq!(declined.payment.status, "decline");
        assert_eq!(declined.operation.status, "decline");
        assert!(ledger.overturn("missing", &Outcome::decline()).is_none());
    }
}
