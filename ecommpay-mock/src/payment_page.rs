//! The Payment Page side of the mock: `GET /payment?...` checks the URL as the platform does
//! (signature, then the parameter set of its method and mode) and serves a small page with the
//! payment and "Pay" / "Decline" buttons; a button posts to `/payment/{token}`, which delivers
//! the signed callback of that payment to the merchant and shows the result.
//!
//! Statuses: a URL that cannot be decoded, a missing or malformed signature, or parameters that
//! break the documents' rules get 400 (414 for a URL over the decoder's limit), a signature that
//! does not match gets 403, a `payment_id` reused with other parameters 409. Every answer is HTML.

mod html;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Router;
use axum::extract::{Form, Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use ecommpay_api::__private::Excerpt;
use ecommpay_api::payment_page::{ParsedPaymentPageUrl, PaymentPageUrlError};
use ecommpay_api::validate::shape::{FieldShape, Kind};
use ecommpay_api::{Facts, Interface, OperationEntry, Violation, ViolationKind};
use serde::Deserialize;
use serde_json::Value;

use crate::bounded::{History, NewestMap};
use crate::callbacks;
use crate::config::Outcome;
use crate::ledger::Applied;
use crate::refusal::Refusal;
use crate::{PAYMENT_LIMIT, State as MockState, lock};

/// What a visitor did on the mock's Payment Page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageAction {
    /// Opened a Payment Page URL.
    Open,
    /// Pressed "Pay".
    Pay,
    /// Pressed "Decline".
    Decline,
}

/// One request to the mock's Payment Page and how it was answered.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PaymentPageVisit {
    /// Opened the URL, or pressed a button.
    pub action: PageAction,
    /// The URL's `payment_id` (or the payment's, for a button), when there is one.
    pub payment_id: Option<String>,
    /// The Payment Page operation the parameters were taken as (`paypal.payment_page.purchase`);
    /// `None` when they fit none, or while the customer has not chosen among several.
    pub operation: Option<&'static str>,
    /// The HTTP status the mock answered.
    pub answered: u16,
    /// For a button: whether this press delivered the callback (`false` when the payment's
    /// outcome was already decided by an earlier press).
    pub delivered: bool,
}

/// What the customer chose on the mock's Payment Page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageOutcome {
    /// "Pay": the payment succeeds.
    Paid,
    /// "Decline": the payment is declined.
    Declined,
}

impl PageOutcome {
    fn outcome(self) -> Outcome {
        match self {
            PageOutcome::Paid => Outcome::Success,
            PageOutcome::Declined => Outcome::decline(),
        }
    }
}

/// The Payment Page's share of the mock's state, bounded as the rest of it is.
pub(crate) struct PageState {
    /// The newest visits, within the history's bounds.
    pub(crate) visits: std::sync::Mutex<History<PaymentPageVisit>>,
    payments: std::sync::Mutex<PagePayments>,
}

impl PageState {
    pub(crate) fn new(visits: History<PaymentPageVisit>) -> Self {
        Self {
            visits: std::sync::Mutex::new(visits),
            payments: std::sync::Mutex::default(),
        }
    }
}

/// The payments opened on the page (the newest [`PAYMENT_LIMIT`]), by the token in their
/// buttons' address and by `payment_id`. A mock has one key, so it is one project: pages key
/// payments by `payment_id` alone, as the ledger does.
struct PagePayments {
    by_token: NewestMap<u64, PagePayment>,
    by_id: HashMap<String, u64>,
    last_token: u64,
}

impl Default for PagePayments {
    fn default() -> Self {
        PagePayments::with_limit(PAYMENT_LIMIT)
    }
}

impl PagePayments {
    fn with_limit(limit: usize) -> Self {
        PagePayments {
            by_token: NewestMap::new(limit),
            by_id: HashMap::new(),
            last_token: 0,
        }
    }

    /// `render` of the payment with this `payment_id` and parameters (and its token), opened
    /// now if it is new; `None` when the `payment_id` was opened with other parameters.
    fn open<R>(
        &mut self,
        params: ParsedPaymentPageUrl,
        operations: Vec<&'static OperationEntry>,
        render: impl FnOnce(u64, &PagePayment) -> R,
    ) -> Option<R> {
        let payment_id = params.get("payment_id").unwrap_or_default().to_owned();
        if let Some(&token) = self.by_id.get(&payment_id) {
            return self
                .by_token
                .get(&token)
                .filter(|p| p.params.params() == params.params())
                .map(|p| render(token, p));
        }
        self.last_token += 1;
        let token = self.last_token;
        let payment = PagePayment {
            params,
            operations,
            decided: None,
        };
        let rendered = render(token, &payment);
        if let Some((_, forgotten)) = self.by_token.insert(token, payment) {
            self.by_id
                .remove(forgotten.params.get("payment_id").unwrap_or_default());
        }
        self.by_id.insert(payment_id, token);
        Some(rendered)
    }

    fn get(&self, token: u64) -> Option<&PagePayment> {
        self.by_token.get(&token)
    }

    fn get_mut(&mut self, token: u64) -> Option<&mut PagePayment> {
        self.by_token.get_mut(&token)
    }
}

struct PagePayment {
    params: ParsedPaymentPageUrl,
    /// The operations the parameters are valid for; the customer picks one when there are
    /// several (no `force_payment_method`).
    operations: Vec<&'static OperationEntry>,
    decided: Option<Decided>,
}

#[derive(Clone)]
struct Decided {
    outcome: PageOutcome,
    operation: &'static str,
    /// The merchant's answer to the callback: `None` while it is being delivered, `Some(None)`
    /// when the merchant gave no answer or there is no callback URL.
    merchant_answer: Option<Option<u16>>,
}

/// The Payment Page routes over the mock's state.
pub(crate) fn routes(state: Arc<MockState>) -> Router {
    Router::new()
        .route("/payment", get(open))
        .route("/payment/{token}", post(press))
        .with_state(state)
}

fn record(state: &MockState, visit: PaymentPageVisit) {
    lock(&state.payment_page.visits).push(visit);
}

async fn open(State(state): State<Arc<MockState>>, RawQuery(query): RawQuery) -> Response {
    let (status, page, payment_id, operation) = open_page(&state, query.as_deref());
    record(
        &state,
        PaymentPageVisit {
            action: PageAction::Open,
            payment_id,
            operation,
            answered: status.as_u16(),
            delivered: false,
        },
    );
    (status, Html(page)).into_response()
}

type Opened = (StatusCode, String, Option<String>, Option<&'static str>);

fn open_page(state: &MockState, query: Option<&str>) -> Opened {
    let Some(query) = query.filter(|q| !q.is_empty()) else {
        return refused(
            Refusal::PageWithoutParameters,
            "a Payment Page URL carries the payment's parameters and their signature after `?`",
        );
    };
    // The decoder wants a whole URL; the address part is not signed.
    let parsed = match ParsedPaymentPageUrl::parse(&format!("http://mock/payment?{query}")) {
        Ok(parsed) => parsed,
        Err(e @ PaymentPageUrlError::TooLong { .. }) => {
            return refused(Refusal::PageUrlTooLong, &e.to_string());
        }
        Err(e) => return refused(Refusal::PageUrlUndecodable, &e.to_string()),
    };
    if let Err(e) = parsed.verify(&state.config.key) {
        let refusal = match e {
            PaymentPageUrlError::WrongSignature | PaymentPageUrlError::BooleanSpelling { .. } => {
                Refusal::PageSignatureMismatch
            }
            _ => Refusal::PageSignatureUnreadable,
        };
        return refused(refusal, &e.to_string());
    }
    let payment_id = parsed.get("payment_id").map(str::to_owned);
    let operations = match operations_for(&parsed) {
        Ok(operations) => operations,
        Err(problems) => {
            let refusal = Refusal::PageInvalidParameters;
            let page = html::invalid_params(&problems);
            return (refusal.status_code(), page, payment_id, None);
        }
    };
    let opened = lock(&state.payment_page.payments).open(parsed, operations, |token, payment| {
        let operation = match (&payment.decided, payment.operations.as_slice()) {
            (Some(decided), _) => Some(decided.operation),
            (None, [only]) => Some(only.id()),
            (None, _) => None,
        };
        let page = match &payment.decided {
            Some(decided) => html::result(&payment.params, &result_of(decided, false)),
            None => html::payment(&payment.params, token, &payment.operations),
        };
        (page, operation)
    });
    match opened {
        Some((page, operation)) => (StatusCode::OK, page, payment_id, operation),
        None => {
            let (status, page, _, _) = refused(
                Refusal::PagePaymentIdReused,
                "a payment with this payment_id and other parameters was opened already; \
                 each payment needs its own payment_id",
            );
            (status, page, payment_id, None)
        }
    }
}

fn refused(refusal: Refusal, detail: &str) -> Opened {
    let status = refusal.status_code();
    (
        status,
        html::error(status, refusal.title(), detail),
        None,
        None,
    )
}

/// Why a parameter set fits no Payment Page operation: for each operation of its mode and
/// method, its violations.
pub(crate) type Problems = Vec<(Option<&'static OperationEntry>, Vec<Violation>)>;

/// The Payment Page operations of the URL's mode (`mode`, `purchase` when absent) and preselected
/// method (`force_payment_method`, any when absent) whose rules the parameters meet.
fn operations_for(parsed: &ParsedPaymentPageUrl) -> Result<Vec<&'static OperationEntry>, Problems> {
    let pages = || {
        ecommpay_api::OPERATIONS
            .iter()
            .filter(|entry| entry.schema.interface == Interface::PaymentPage)
    };
    let mode = parsed.get("mode").unwrap_or("purchase");
    let of_mode: Vec<_> = pages().filter(|e| e.schema.mode == Some(mode)).collect();
    if of_mode.is_empty() {
        let mut modes: Vec<_> = pages().filter_map(|e| e.schema.mode).collect();
        modes.sort_unstable();
        modes.dedup();
        let message = format!(
            "Payment Page has no mode {}; the documents name {}",
            Excerpt(mode),
            modes.join(", ")
        );
        return Err(vec![(
            None,
            vec![Violation::new("mode", ViolationKind::Enum, message)],
        )]);
    }
    let method = parsed.get("force_payment_method");
    let candidates: Vec<_> = of_mode
        .iter()
        .copied()
        .filter(|entry| method.is_none_or(|method| preselects(entry, method)))
        .collect();
    if candidates.is_empty() {
        let mut codes: Vec<String> = of_mode
            .iter()
            .flat_map(|e| force_payment_method_values(e))
            .collect();
        codes.sort_unstable();
        codes.dedup();
        let message = format!(
            "no payment method of mode {mode} is preselected with {}; the documents name {}",
            Excerpt(method.unwrap_or_default()),
            codes.join(", ")
        );
        return Err(vec![(
            None,
            vec![Violation::new(
                "force_payment_method",
                ViolationKind::Enum,
                message,
            )],
        )]);
    }
    let mut problems = Vec::new();
    let mut valid = Vec::new();
    for entry in candidates {
        let violations = violations_of(entry, parsed);
        if violations.is_empty() {
            valid.push(entry);
        } else {
            problems.push((Some(entry), violations));
        }
    }
    if valid.is_empty() {
        Err(problems)
    } else {
        Ok(valid)
    }
}

/// The operation's declaration of `force_payment_method`, if it has one.
fn force_payment_method_field(entry: &OperationEntry) -> Option<&'static FieldShape> {
    entry
        .schema
        .body
        .shape
        .fields
        .iter()
        .find(|f| f.name == "force_payment_method")
}

fn force_payment_method_values(entry: &OperationEntry) -> Vec<String> {
    force_payment_method_field(entry)
        .into_iter()
        .flat_map(|f| f.enum_values.iter().map(|v| v.to_json()))
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// Whether an operation's parameter set allows `force_payment_method=method` (one that does not
/// declare the parameter allows any, as it allows any other parameter).
fn preselects(entry: &OperationEntry, method: &str) -> bool {
    force_payment_method_field(entry).is_none_or(|f| {
        f.enum_values.is_empty()
            || f.enum_values
                .iter()
                .any(|v| matches!(v, ecommpay_api::validate::shape::Scalar::Str(s) if *s == method))
    })
}

/// The parameters' violations of an operation's rules. An object or array parameter travels as
/// its JSON text (`recurring={"type":"R",...}`), so it is read back before its fields are
/// checked.
fn violations_of(entry: &OperationEntry, parsed: &ParsedPaymentPageUrl) -> Vec<Violation> {
    let mut payload = parsed.to_value();
    let mut violations = Vec::new();
    for field in entry.schema.body.shape.fields {
        if !matches!(field.kind, Kind::Object(_) | Kind::Array(_)) {
            continue;
        }
        let Some(text) = payload.get(field.name).and_then(Value::as_str) else {
            continue;
        };
        let expected_object = matches!(field.kind, Kind::Object(_));
        match serde_json::from_str::<Value>(text) {
            Ok(value)
                if value.is_object() == expected_object
                    && (expected_object || value.is_array()) =>
            {
                payload[field.name] = value;
            }
            _ => violations.push(Violation::new(
                field.name,
                ViolationKind::Type,
                format!(
                    "expected the JSON text of {}, got {}",
                    if expected_object {
                        "an object"
                    } else {
                        "an array"
                    },
                    Excerpt(text)
                ),
            )),
        }
    }
    violations.extend(entry.validate_json(&payload, &Facts::none()));
    violations
}

/// The form a button posts.
#[derive(Deserialize)]
struct Press {
    /// `pay` or `decline`.
    outcome: String,
    /// The chosen operation, when the page offered several.
    #[serde(default)]
    operation: Option<String>,
}

/// What a press led to, for the result page.
pub(crate) struct PressResult {
    pub(crate) outcome: PageOutcome,
    pub(crate) operation: &'static str,
    pub(crate) merchant_answer: Option<Option<u16>>,
    /// Whether the outcome had been decided by an earlier press.
    pub(crate) earlier: bool,
}

fn result_of(decided: &Decided, earlier: bool) -> PressResult {
    PressResult {
        outcome: decided.outcome,
        operation: decided.operation,
        merchant_answer: decided.merchant_answer,
        earlier,
    }
}

async fn press(
    State(state): State<Arc<MockState>>,
    Path(token): Path<String>,
    form: Result<Form<Press>, axum::extract::rejection::FormRejection>,
) -> Response {
    let action = match form.as_ref().map(|f| f.outcome.as_str()) {
        Ok("decline") => PageAction::Decline,
        _ => PageAction::Pay,
    };
    let (status, page, payment_id, operation, delivered) = press_page(&state, &token, form).await;
    record(
        &state,
        PaymentPageVisit {
            action,
            payment_id,
            operation,
            answered: status.as_u16(),
            delivered,
        },
    );
    (status, Html(page)).into_response()
}

type Pressed = (
    StatusCode,
    String,
    Option<String>,
    Option<&'static str>,
    bool,
);

async fn press_page(
    state: &Arc<MockState>,
    token: &str,
    form: Result<Form<Press>, axum::extract::rejection::FormRejection>,
) -> Pressed {
    let bad = |refusal: Refusal, detail: &str| -> Pressed {
        let status = refusal.status_code();
        (
            status,
            html::error(status, refusal.title(), detail),
            None,
            None,
            false,
        )
    };
    let Ok(Form(press)) = form else {
        return bad(
            Refusal::PageFormUnreadable,
            "a button posts `outcome=pay` or `outcome=decline` as a form",
        );
    };
    let outcome = match press.outcome.as_str() {
        "pay" => PageOutcome::Paid,
        "decline" => PageOutcome::Declined,
        other => {
            let detail = format!("outcome is {}; expected pay or decline", Excerpt(other));
            return bad(Refusal::PageUnknownButton, &detail);
        }
    };
    let token = token
        .parse::<u64>()
        .ok()
        .filter(|&t| lock(&state.payment_page.payments).get(t).is_some());
    let Some(token) = token else {
        return bad(
            Refusal::PageUnknownPayment,
            "no payment was opened on this Payment Page with this token",
        );
    };
    // Decide under the lock, deliver outside it: a second press sees the first one's outcome.
    let (params, operation, applied) = {
        let mut payments = lock(&state.payment_page.payments);
        let Some(payment) = payments.get_mut(token) else {
            return bad(
                Refusal::PageUnknownPayment,
                "the mock no longer remembers this payment",
            );
        };
        let payment_id = payment.params.get("payment_id").map(str::to_owned);
        if let Some(decided) = &payment.decided {
            let page = html::result(&payment.params, &result_of(decided, true));
            return (
                StatusCode::OK,
                page,
                payment_id,
                Some(decided.operation),
                false,
            );
        }
        let chosen = match (press.operation.as_deref(), payment.operations.as_slice()) {
            (None, [only]) => Some(*only),
            (Some(id), operations) => operations.iter().copied().find(|e| e.id() == id),
            (None, _) => None,
        };
        let Some(entry) = chosen else {
            let detail = format!(
                "choose one of the payment methods the page offers ({})",
                payment
                    .operations
                    .iter()
                    .map(|e| e.id())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            return bad(Refusal::PageNoMethodChosen, &detail);
        };
        // The payment's life is the ledger's, as for the Gate: a payment_id a Gate operation
        // took, or a payout page without its registration, is refused here.
        let sequence = state.sequence.fetch_add(1, Ordering::Relaxed) + 1;
        let request_id = format!("mockpage{sequence:08x}-{sequence:08}");
        let applied = lock(&state.ledger).apply(
            entry.id(),
            &ledger_request(&payment.params),
            &outcome.outcome(),
            1000 + sequence,
            &request_id,
        );
        let applied = match applied {
            Ok(applied) => applied,
            Err(refused) => {
                let refusal = refused.refusal;
                let detail = match refusal.path() {
                    Some(path) => format!("{} ({path}): {}", refusal.code(), refused.message),
                    None => format!("{}: {}", refusal.code(), refused.message),
                };
                return bad(Refusal::PagePaymentRefused, &detail);
            }
        };
        payment.decided = Some(Decided {
            outcome,
            operation: entry.id(),
            merchant_answer: None,
        });
        (payment.params.clone(), entry.id(), applied)
    };
    let merchant_answer = deliver(state, &applied, outcome).await;
    let decided = lock(&state.payment_page.payments)
        .get_mut(token)
        .and_then(|p| p.decided.as_mut())
        .map(|d| {
            d.merchant_answer = Some(merchant_answer);
            d.clone()
        });
    let payment_id = params.get("payment_id").map(str::to_owned);
    match decided {
        Some(decided) => (
            StatusCode::OK,
            html::result(&params, &result_of(&decided, false)),
            payment_id,
            Some(operation),
            true,
        ),
        None => bad(
            Refusal::PagePaymentLost,
            "the payment's outcome disappeared while its callback was delivered",
        ),
    }
}

/// Delivers the payment's callback (sent again while not answered with 200, as the Gate's
/// are); the merchant's last answer, `None` without a callback URL or an answer.
async fn deliver(state: &Arc<MockState>, applied: &Applied, outcome: PageOutcome) -> Option<u16> {
    state.config.callback_url.as_ref()?;
    let body = callbacks::final_callback(applied, &outcome.outcome())?;
    let _delivering = state.delivering();
    callbacks::deliver(state, vec![body]).await
}

/// The parameters as the ledger reads a request: text in the URL, numbers where the callbacks
/// write numbers.
fn ledger_request(params: &ParsedPaymentPageUrl) -> Value {
    let number_or_text = |name: &str| match params.get(name) {
        Some(text) => text
            .parse::<u64>()
            .map_or_else(|_| Value::from(text), Value::from),
        None => Value::Null,
    };
    serde_json::json!({
        "general": {"project_id": number_or_text("project_id"), "payment_id": params.get("payment_id")},
        "payment": {
            "amount": number_or_text("payment_amount"),
            "currency": params.get("payment_currency"),
            "description": params.get("payment_description"),
        },
        "customer": {"id": params.get("customer_id")},
        "uuid": params.get("uuid"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(payment_id: &str, amount: u32) -> ParsedPaymentPageUrl {
        ParsedPaymentPageUrl::parse(&format!(
            "http://mock/payment?payment_id={payment_id}&payment_amount={amount}&signature=s"
        ))
        .unwrap()
    }

    #[test]
    fn the_oldest_page_payment_is_forgotten_with_its_payment_id() {
        let mut payments = PagePayments::with_limit(2);
        let open = |payments: &mut PagePayments, params| {
            payments.open(params, Vec::new(), |token, _| token)
        };
        let a = open(&mut payments, params("a", 1)).unwrap();
        assert_eq!(
            open(&mut payments, params("a", 1)),
            Some(a),
            "the same URL, the same payment"
        );
        assert_eq!(
            open(&mut payments, params("a", 2)),
            None,
            "other parameters"
        );
        let b = open(&mut payments, params("b", 1)).unwrap();
        let c = open(&mut payments, params("c", 1)).unwrap();
        assert!(payments.get(a).is_none());
        assert!(payments.get(b).is_some() && payments.get(c).is_some());
        let again = open(&mut payments, params("a", 2)).unwrap();
        assert!(again > c, "a forgotten payment_id opens a new payment");
        assert!(payments.get(b).is_none());
    }
}
