//! What the mock saw and did, for a test's assertions and for the JSON-line log of
//! `ecommpay mock`.

use std::mem::size_of;

use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};

use crate::bounded::Weigh;
use crate::payment_page::PaymentPageVisit;
use crate::refusal::Refusal;

/// The largest body a request's record keeps whole ([`ReceivedRequest::body`]): 64 KiB, where
/// the documents' requests are about 1 KiB. A larger one keeps an excerpt.
pub const KEPT_BODY_BYTES: usize = 64 << 10;

/// How many bytes of a body not kept whole [`ReceivedRequest::body_excerpt`] shows.
pub const BODY_EXCERPT_BYTES: usize = 256;

/// A request the mock received at a Gate path.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ReceivedRequest {
    /// The operation id (`astropay.gate.sale`).
    pub operation: &'static str,
    /// `general.payment_id`, when there is one.
    pub payment_id: Option<String>,
    /// The body, when it was JSON of at most [`KEPT_BODY_BYTES`] bytes.
    pub body: Option<Value>,
    /// The body's length in bytes, as received.
    pub body_bytes: usize,
    /// The body's first bytes (at most [`BODY_EXCERPT_BYTES`], as UTF-8 with anything else
    /// replaced) when [`ReceivedRequest::body`] does not hold it: it was larger than
    /// [`KEPT_BODY_BYTES`], or not JSON.
    pub body_excerpt: Option<String>,
    /// The HTTP status the mock answered.
    pub answered: u16,
    /// Why the mock refused the request (its answer's `code` is [`Refusal::code`]).
    pub refused: Option<Refusal>,
}

impl ReceivedRequest {
    /// The record of a request: its raw body, `parsed` when it was JSON.
    pub(crate) fn new(
        operation: &'static str,
        payment_id: Option<String>,
        raw: &[u8],
        parsed: Option<&Value>,
        answered: u16,
        refused: Option<Refusal>,
    ) -> Self {
        let body = parsed.filter(|_| raw.len() <= KEPT_BODY_BYTES).cloned();
        let body_excerpt = (body.is_none() && !raw.is_empty()).then(|| {
            let head = &raw[..raw.len().min(BODY_EXCERPT_BYTES)];
            String::from_utf8_lossy(head).into_owned()
        });
        Self {
            operation,
            payment_id,
            body,
            body_bytes: raw.len(),
            body_excerpt,
            answered,
            refused,
        }
    }
}

/// A request as the history keeps it: its body as compact JSON text rather than a parsed
/// value, whose nodes would cost several times the text.
pub(crate) struct StoredRequest {
    request: ReceivedRequest,
    body: Option<Box<[u8]>>,
}

impl StoredRequest {
    pub(crate) fn new(mut request: ReceivedRequest) -> Self {
        let body = request
            .body
            .take()
            .and_then(|body| serde_json::to_vec(&body).ok())
            .map(Vec::into_boxed_slice);
        Self { request, body }
    }

    /// Writes the request as `GET /_mock/requests` shows it: as logged, with `body` (the kept
    /// text as it is, or `null`), `body_bytes` and, when there is one, `body_excerpt`.
    pub(crate) fn write_shown(&self, out: &mut Vec<u8>) {
        #[derive(Serialize)]
        struct Shown<'a> {
            #[serde(flatten)]
            event: Value,
            body: Option<&'a RawValue>,
            body_bytes: usize,
            #[serde(skip_serializing_if = "Option::is_none")]
            body_excerpt: Option<&'a str>,
        }
        let shown = Shown {
            event: MockEvent::Request(self.request.clone()).to_json(),
            body: self
                .body
                .as_deref()
                .and_then(|text| serde_json::from_slice(text).ok()),
            body_bytes: self.request.body_bytes,
            body_excerpt: self.request.body_excerpt.as_deref(),
        };
        // Writing into a Vec fails only for a value serde cannot write, which this is not.
        let _ = serde_json::to_writer(out, &shown);
    }

    /// The request with its body parsed again.
    pub(crate) fn request(&self) -> ReceivedRequest {
        let mut request = self.request.clone();
        request.body = self
            .body
            .as_deref()
            .and_then(|text| serde_json::from_slice(text).ok());
        request
    }
}

fn heap(text: &Option<String>) -> usize {
    text.as_ref().map_or(0, String::capacity)
}

impl Weigh for StoredRequest {
    fn weight(&self) -> usize {
        size_of::<Self>()
            + heap(&self.request.payment_id)
            + heap(&self.request.body_excerpt)
            + self.body.as_ref().map_or(0, |body| body.len())
    }
}

impl Weigh for CallbackDelivery {
    fn weight(&self) -> usize {
        size_of::<Self>()
            + self.payment_id.capacity()
            + self.operation_type.capacity()
            + self.operation_status.capacity()
    }
}

impl Weigh for PaymentPageVisit {
    fn weight(&self) -> usize {
        size_of::<Self>() + heap(&self.payment_id)
    }
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
                "refused": r.refused.map(Refusal::code),
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
