//! The callback endpoint, for any web framework: from the raw body and the key to a verified,
//! typed callback and the HTTP answer the platform expects.
//!
//! The platform POSTs a callback for each step of a payment (a redirect callback with
//! `redirect_data`, then the final success or decline, and one per later operation: capture,
//! refund, ...) and sends a callback again until it gets HTTP 200: six tries 10 s apart, then at
//! growing gaps (our documents do not give them; `ecommpay-mock`'s `ResendSchedule::platform`
//! is the one schedule this toolkit assumes). So a handler must
//!
//! - answer 200 ([`Answer::ok`]) once it has taken the callback in, and
//! - process each delivery once: [`Delivery::idempotency_key`] is the same for every re-sent
//!   copy of one callback (`payment.id`, `operation.id`, `operation.status`) and differs
//!   between the steps of a payment.
//!
//! # Exactly once: one atomic check-and-mark
//!
//! Copies of a delivery are normal (the platform re-sends until it gets 200) and can arrive at
//! the same moment. Processing each delivery once is the merchant's job, and it takes **one
//! atomic step that checks the delivery's idempotency key and marks it**, in the same
//! transaction as the business action. Checking first (`SELECT`) and marking afterwards, in two
//! steps, lets concurrent copies all pass the check: a handler written so ran 150 business
//! actions for 150 concurrent copies. In SQL, a `UNIQUE` key on the idempotency key
//! ([`IdempotencyKey`]'s `Display` form) makes the mark the check:
//!
//! ```sql
//! CREATE TABLE deliveries (idempotency_key TEXT NOT NULL UNIQUE, ...);
//!
//! BEGIN;  -- SQLite: BEGIN IMMEDIATE
//! INSERT INTO deliveries (idempotency_key, ...) VALUES (?, ...)
//!     ON CONFLICT (idempotency_key) DO NOTHING;
//! -- 0 rows inserted: a copy of a delivery already processed. ROLLBACK, answer 200.
//! -- 1 row inserted: the business action here, in this transaction.
//! COMMIT;
//! -- The transaction failed: nothing is marked; answer Answer::retry_later() (503), and the
//! -- platform sends the delivery again.
//! ```
//!
//! The example merchant (`examples/merchant`, its `store.rs`) does this with SQLite and tests
//! it with 250 concurrent copies of 5 callbacks. Copies and later steps also arrive out of
//! order (the redirect callback after the final one, a payment's success after its refund): a
//! status should only move forward, so that a late delivery, processed once, leaves the order
//! where it is.
//!
//! What [`CallbackEndpoint::receive`] answers when the callback is not taken in, and so whether
//! the platform sends it again (any answer but 200 makes it do so):
//!
//! | what | HTTP | why |
//! |---|---|---|
//! | verified ([`Delivery::answer`]) | 200 `OK` | taken in; not sent again |
//! | body over the size limit | 413 | not read at all |
//! | not JSON, not an object, a number that cannot be signed exactly, over a limit of the [`CallbackVerifier`] (depth, number of values, length of the canonical form) | 400 | cannot be verified |
//! | no signature, a malformed one, or one that does not match | 401 | not from the platform, or signed with another key: re-sent, so a wrong key can be fixed before the re-sends stop |
//! | authentic but not of the callback's shape | 500 | our side cannot read it: re-sent, so a fixed handler gets it |
//! | the handler could not process it ([`Answer::retry_later`]) | 503 | re-sent later |
//!
//! ```
//! use ecommpay_api::webhook::{Answer, CallbackEndpoint};
//! use ecommpay_api::SecretKey;
//!
//! fn on_callback(endpoint: &CallbackEndpoint, raw_body: &[u8]) -> Answer {
//!     match endpoint.receive(raw_body) {
//!         Ok(delivery) => {
//!             // In one transaction: mark delivery.idempotency_key() (a UNIQUE key); only
//!             // when the mark is new, act on it. See "Exactly once" above.
//!             println!(
//!                 "payment {:?} is {:?}",
//!                 delivery.payment_id(),
//!                 delivery.payment_status().map(|s| s.as_str())
//!             );
//!             delivery.answer()
//!         }
//!         Err(error) => {
//!             eprintln!("{error}"); // "callback refused: ..." says what and why
//!             error.answer()
//!         }
//!     }
//! }
//!
//! let endpoint = CallbackEndpoint::new(SecretKey::new("your-project-secret")?);
//! let unsigned = br#"{"payment": {"id": "order-1"}}"#;
//! assert_eq!(on_callback(&endpoint, unsigned).status(), 401);
//! assert_eq!(
//!     endpoint.receive(unsigned).unwrap_err().to_string(),
//!     "callback refused: the callback carries no signature at `signature`"
//! );
//! # Ok::<(), ecommpay_api::secret::SecretKeyError>(())
//! ```

use std::fmt;

use crate::__private::Excerpt;
use crate::callback::{
    Callback, CallbackOperationStatus, CallbackOperationType, CallbackPaymentStatus,
    CallbackPaymentType, CallbackRedirectData,
};
use crate::secret::SecretKey;
use crate::signature::{BodyTooLarge, CallbackError, CallbackVerifier};
use crate::wire::IntOrString;

/// How many bytes of a refused body are looked at for the quote in an error.
const QUOTED_BYTES: usize = 64;

/// Receives callbacks for one project: a [`CallbackVerifier`] (the key and the limits on what a
/// body may cost) and the reading of what it verified into a [`Delivery`] and an [`Answer`].
///
/// It verifies and reads a callback; it does not remember it. Each [`Delivery`] it returns may
/// be a copy of one already processed: the handler checks and marks
/// [`Delivery::idempotency_key`] in one atomic step with its business action (see
/// [Exactly once](self#exactly-once-one-atomic-check-and-mark)).
///
/// `Debug` does not show the key.
#[derive(Clone, Debug)]
pub struct CallbackEndpoint {
    verifier: CallbackVerifier,
}

impl CallbackEndpoint {
    /// An endpoint with the project's key and the default limits (a body of at most
    /// [`CallbackVerifier::DEFAULT_MAX_BODY_BYTES`]).
    pub fn new(key: SecretKey) -> Self {
        Self::from_verifier(CallbackVerifier::new(key))
    }

    /// An endpoint that verifies with this verifier (its key, limits and order).
    pub fn from_verifier(verifier: CallbackVerifier) -> Self {
        Self { verifier }
    }

    /// The same endpoint with another size limit, in bytes.
    pub fn with_max_body_bytes(self, limit: usize) -> Self {
        Self::from_verifier(self.verifier.with_max_body_bytes(limit))
    }

    /// The size limit, in bytes. A framework that can refuse a body before reading it whole
    /// (a `Content-Length` check, a body-limit layer) should use this too.
    pub fn max_body_bytes(&self) -> usize {
        self.verifier.max_body_bytes()
    }

    /// The verifier: the key, the limits and the order.
    pub fn verifier(&self) -> &CallbackVerifier {
        &self.verifier
    }

    /// Checks the size, then the signature over the raw body exactly as received, then reads
    /// the callback. The signature is dropped from the callback once verified.
    pub fn receive(&self, raw: &[u8]) -> Result<Delivery, EndpointError> {
        let verified = self.verifier.verify(raw).map_err(|source| match source {
            CallbackError::TooLarge(too_large) => EndpointError::TooLarge(too_large),
            CallbackError::MissingSignature { .. }
            | CallbackError::MalformedSignature { .. }
            | CallbackError::Mismatch => EndpointError::Signature { source },
            CallbackError::Deserialize { .. } => EndpointError::Unreadable { source },
            // A body that is not a callback: not JSON, not an object, over a limit (depth,
            // values, canonical length), a key twice or ambiguous, a value the canonical
            // form cannot write; and any kind a later core adds, which verified nothing.
            _ => EndpointError::Malformed {
                source,
                starts_with: quote(raw),
            },
        })?;
        let mut callback: Callback = verified
            .deserialize()
            .map_err(|source| EndpointError::Unreadable { source })?;
        callback.signature = None;
        if let Some(general) = callback.general.as_mut() {
            general.signature = None;
        }
        let key = IdempotencyKey::of(&callback);
        Ok(Delivery { callback, key })
    }
}

/// At most [`crate::__private::EXCERPT_CHARS`] characters of the body's start, quoted, and the
/// body's length when it was cut.
fn quote(raw: &[u8]) -> String {
    let head = String::from_utf8_lossy(&raw[..raw.len().min(QUOTED_BYTES)]);
    let chars = crate::__private::EXCERPT_CHARS;
    match head.char_indices().nth(chars) {
        None if raw.len() <= QUOTED_BYTES => Excerpt(&head).to_string(),
        cut => {
            let prefix = &head[..cut.map_or(head.len(), |(i, _)| i)];
            let quoted = format!("{prefix:?}");
            let open = quoted.strip_suffix('"').unwrap_or(&quoted);
            format!("{open}…\" ({} bytes)", raw.len())
        }
    }
}

/// The HTTP answer to give the platform: a status and a short plain-text body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Answer {
    status: u16,
    body: &'static str,
}

impl Answer {
    /// The content type of every answer's body.
    pub const CONTENT_TYPE: &'static str = "text/plain; charset=utf-8";

    /// 200 `OK`: the callback was taken in and is not sent again.
    pub const fn ok() -> Self {
        Self {
            status: 200,
            body: "OK",
        }
    }

    /// 503: the handler could not process a verified callback now (its database is down...);
    /// the platform sends it again later.
    pub const fn retry_later() -> Self {
        Self {
            status: 503,
            body: "callback not processed, send it again",
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The body.
    pub fn body(&self) -> &'static str {
        self.body
    }

    /// Whether the platform takes the callback as delivered (HTTP 200).
    pub fn is_ok(&self) -> bool {
        self.status == 200
    }
}

/// An [`Answer`] as an [`http::Response`] (feature `http`), which axum, and any framework over
/// the `http` crate, sends as it is:
///
/// ```
/// # #[cfg(feature = "http")]
/// # mod axum_like {
/// use ecommpay_api::webhook::CallbackEndpoint;
///
/// /// `axum::routing::post(callback)` with the endpoint in the router's state.
/// pub async fn callback(endpoint: &CallbackEndpoint, body: &[u8]) -> http::Response<String> {
///     let delivery = endpoint.receive(body).map_err(|error| error.answer());
///     // ... process the delivery once, keyed by delivery.idempotency_key() ...
///     delivery.map_or_else(|answer| answer, |delivery| delivery.answer()).into()
/// }
/// # }
/// ```
#[cfg(feature = "http")]
#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
impl<B: From<&'static str>> From<Answer> for http::Response<B> {
    fn from(answer: Answer) -> Self {
        let mut response = http::Response::new(B::from(answer.body));
        // Every answer's status is one of a fixed few, all valid.
        *response.status_mut() = http::StatusCode::from_u16(answer.status)
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static(Answer::CONTENT_TYPE),
        );
        response
    }
}

/// A verified callback, ready for the handler: possibly a copy of one already processed.
///
/// Before acting on it, the handler marks [`Delivery::idempotency_key`] as processed in the
/// same transaction as the action, in one atomic step that fails or does nothing for a key
/// already marked (an `INSERT` under a `UNIQUE` key), never a look-up followed by a separate
/// mark; then it answers [`Delivery::answer`], also for a copy. See
/// [Exactly once](self#exactly-once-one-atomic-check-and-mark).
#[derive(Clone, Debug, PartialEq)]
pub struct Delivery {
    callback: Callback,
    key: IdempotencyKey,
}

/// An amount in minor units of a currency, as a callback reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Amount<'a> {
    /// The amount in minor units (1000 is 10.00 USD).
    pub minor_units: u64,
    /// The ISO 4217 alpha-3 code, as sent.
    pub currency: &'a str,
}

impl Delivery {
    /// The typed callback (its signature removed).
    pub fn callback(&self) -> &Callback {
        &self.callback
    }

    /// The typed callback, by value.
    pub fn into_callback(self) -> Callback {
        self.callback
    }

    /// The key that is the same for every re-sent copy of this callback: the one to check and
    /// mark in one atomic step (a `UNIQUE` key on its `Display` form).
    pub fn idempotency_key(&self) -> &IdempotencyKey {
        &self.key
    }

    /// What to answer once the callback has been taken in: 200.
    pub fn answer(&self) -> Answer {
        Answer::ok()
    }

    /// The merchant's payment id: `payment.id`, or `general.payment_id` (the payout
    /// registration callback).
    pub fn payment_id(&self) -> Option<&str> {
        payment_id(&self.callback)
    }

    /// The payment's status (`payment.status`).
    pub fn payment_status(&self) -> Option<&CallbackPaymentStatus> {
        self.callback.payment.as_ref()?.status.as_ref()
    }

    /// The payment's type (`payment.type`: purchase, payout, recurring).
    pub fn payment_type(&self) -> Option<&CallbackPaymentType> {
        self.callback.payment.as_ref()?.type_.as_ref()
    }

    /// The platform's id of the operation reported on (`operation.id`).
    pub fn operation_id(&self) -> Option<&IntOrString> {
        self.callback.operation.as_ref()?.id.as_ref()
    }

    /// The type of the operation reported on (`operation.type`: sale, refund, ...).
    pub fn operation_type(&self) -> Option<&CallbackOperationType> {
        self.callback.operation.as_ref()?.type_.as_ref()
    }

    /// The status of the operation reported on (`operation.status`).
    pub fn operation_status(&self) -> Option<&CallbackOperationStatus> {
        self.callback.operation.as_ref()?.status.as_ref()
    }

    /// The operation's result code (`operation.code`: `0` for success).
    pub fn operation_code(&self) -> Option<&str> {
        self.callback.operation.as_ref()?.code.as_deref()
    }

    /// The operation's result message (`operation.message`).
    pub fn operation_message(&self) -> Option<&str> {
        self.callback.operation.as_ref()?.message.as_deref()
    }

    /// The amount of the operation this callback reports: `operation.sum_initial` (for a
    /// refund callback, the refund's amount; for a sale, the sale's), else `payment.sum`, else
    /// `sum_request` (payout registration); `None` when none of them has an integer amount and
    /// a currency. The payment's own amount is [`Delivery::payment_amount`].
    pub fn amount(&self) -> Option<Amount<'_>> {
        let callback = &self.callback;
        let operation = callback
            .operation
            .as_ref()
            .and_then(|o| o.sum_initial.as_ref())
            .and_then(|s| amount(s.amount.as_ref(), s.currency.as_deref()));
        let requested = || {
            callback
                .sum_request
                .as_ref()
                .and_then(|s| amount(s.amount.as_ref(), s.currency.as_deref()))
        };
        operation
            .or_else(|| self.payment_amount())
            .or_else(requested)
    }

    /// The payment's amount as the callback states it (`payment.sum`): after a partial refund,
    /// what the payment still holds.
    pub fn payment_amount(&self) -> Option<Amount<'_>> {
        let sum = self.callback.payment.as_ref()?.sum.as_ref()?;
        amount(sum.amount.as_ref(), sum.currency.as_deref())
    }

    /// The data for redirecting the customer (`redirect_data`), in a redirect callback.
    pub fn redirect_data(&self) -> Option<&CallbackRedirectData> {
        self.callback.redirect_data.as_ref()
    }

    /// The project id, at the top level or in `general`.
    pub fn project_id(&self) -> Option<&IntOrString> {
        self.callback.project_id.as_ref().or_else(|| {
            self.callback
                .general
                .as_ref()
                .and_then(|g| g.project_id.as_ref())
        })
    }
}

fn amount<'a>(amount: Option<&IntOrString>, currency: Option<&'a str>) -> Option<Amount<'a>> {
    Some(Amount {
        minor_units: amount?.as_u64()?,
        currency: currency?,
    })
}

fn payment_id(callback: &Callback) -> Option<&str> {
    callback
        .payment
        .as_ref()
        .and_then(|p| p.id.as_deref())
        .or_else(|| callback.general.as_ref()?.payment_id.as_deref())
}

/// Identifies one delivery, whatever the number of times it is sent: the payment id
/// (`payment.id`, or `general.payment_id`), the operation id (`operation.id`) and the
/// operation status (`operation.status`); a part the callback lacks is empty.
///
/// The redirect callback and the final one of a payment differ in the operation's status, a
/// refund in the operation's id. `Display` writes the parts joined with `/` (a `/` or `%`
/// inside a part written `%2F`, `%25`), a text fit for a database key.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdempotencyKey {
    payment_id: String,
    operation_id: String,
    operation_status: String,
}

impl IdempotencyKey {
    /// The key of a callback.
    pub fn of(callback: &Callback) -> Self {
        let operation = callback.operation.as_ref();
        Self {
            payment_id: payment_id(callback).unwrap_or_default().to_owned(),
            operation_id: operation
                .and_then(|o| o.id.as_ref())
                .map(ToString::to_string)
                .unwrap_or_default(),
            operation_status: operation
                .and_then(|o| o.status.as_ref())
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
        }
    }

    /// The payment id part.
    pub fn payment_id(&self) -> &str {
        &self.payment_id
    }

    /// The operation id part, in decimal as sent.
    pub fn operation_id(&self) -> &str {
        &self.operation_id
    }

    /// The operation status part.
    pub fn operation_status(&self) -> &str {
        &self.operation_status
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts = [&self.payment_id, &self.operation_id, &self.operation_status];
        for (i, part) in parts.into_iter().enumerate() {
            if i > 0 {
                f.write_str("/")?;
            }
            for c in part.chars() {
                match c {
                    '%' => f.write_str("%25")?,
                    '/' => f.write_str("%2F")?,
                    c => write!(f, "{c}")?,
                }
            }
        }
        Ok(())
    }
}

/// A callback the endpoint did not take in; [`EndpointError::answer`] is what to answer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EndpointError {
    /// The body is larger than the limit; it was not parsed.
    #[error("callback refused: {0}")]
    TooLarge(BodyTooLarge),
    /// The body is not a JSON object, or holds a number that cannot be signed exactly.
    #[error("callback refused: {source}; the body starts with {starts_with}")]
    Malformed {
        /// What the verifier said.
        #[source]
        source: CallbackError,
        /// A short prefix of the body, quoted.
        starts_with: String,
    },
    /// No signature, a malformed one, or one that does not match the body.
    #[error("callback refused: {source}")]
    Signature {
        /// What the verifier said.
        #[source]
        source: CallbackError,
    },
    /// The callback is authentic but does not have the shape of a callback.
    #[error("callback not read: {source}")]
    Unreadable {
        /// Where and why it does not fit.
        #[source]
        source: CallbackError,
    },
}

impl EndpointError {
    /// What to answer: 413, 400, 401 or 500 (see the [module documentation](self)).
    pub fn answer(&self) -> Answer {
        match self {
            Self::TooLarge(_) => Answer {
                status: 413,
                body: "callback too large",
            },
            Self::Malformed { .. } => Answer {
                status: 400,
                body: "malformed callback",
            },
            Self::Signature { .. } => Answer {
                status: 401,
                body: "invalid callback signature",
            },
            Self::Unreadable { .. } => Answer {
                status: 500,
                body: "callback not processed, send it again",
            },
        }
    }
}
