//! The Gate client: sends typed Gate requests and reads the Gate's answers (feature `client`).
//!
//! [`Gate::send`] takes any Gate request of the crate (`astropay::SaleRequest`,
//! `paypal::RefundRequest`, ...), and:
//!
//! 1. signs it with the project's key, at send time, so a signature is never stale (any
//!    signature it carries is replaced);
//! 2. validates it with every rule of the documents: an invalid request is an error with every
//!    violation, and nothing is sent;
//! 3. POSTs it as JSON to the base URL (default [`DEFAULT_BASE_URL`]; the platform has no
//!    sandbox host, test projects use the production address with their own `project_id`) and
//!    the operation's path;
//! 4. reads the answer: an acceptance ([`GateAnswer`]: `status`, `request_id`, `project_id`,
//!    `payment_id`, the whole body) or a [`GateError`] that keeps what the Gate said.
//!
//! Acceptance only means the Gate took the request for processing: the payment's result comes
//! in callbacks (see [`crate::webhook`]).
//!
//! # Retries
//!
//! Nothing is sent twice unless a [`RetryPolicy`] says so, and even then only requests that open
//! a new payment under their own `payment_id` (sale, auth, payout, PIX payout, recurring charge,
//! payout registration: the operations whose spec-declared [`Action`](crate::Action)
//! [opens a payment](crate::Action::opens_payment)) and only after a connection failure that
//! happened before any byte was sent. Refunds, captures, cancels and recurring cancels are never
//! sent again.
//!
//! # Secrets
//!
//! The key and the signatures appear in no `Debug` output, log event or error. The client
//! emits `tracing` events in a span `ecommpay.gate` with the fields `operation` (the operation
//! id), `payment_id` and `path`; never the body.
//!
//! # Transports
//!
//! The HTTP exchange goes through the [`Transport`] trait; [`ReqwestTransport`] (reqwest over
//! rustls, no OpenSSL) is the default. The client needs a tokio runtime only for the delay
//! between retries.

mod answer;
mod error;
mod reqwest_transport;
mod retry;
mod transport;

use std::time::Duration;

use tracing::Instrument as _;

use crate::operation::GateRequest;
use crate::secret::SecretKey;

pub use answer::{AnswerBody, GateAnswer, GateRejection};
pub use error::{ConfigError, GateError, GateErrorKind};
pub use reqwest_transport::{DEFAULT_MAX_ANSWER_BYTES, ReqwestTransport};
pub use retry::RetryPolicy;
pub use transport::{
    Timeouts, Transport, TransportError, TransportErrorKind, TransportRequest, TransportResponse,
};

/// The Gate's address. The platform has no separate sandbox host: test projects use this
/// address with their own `project_id`.
pub const DEFAULT_BASE_URL: &str = "https://api.ecommpay.com";

/// The `User-Agent` the client sends.
pub const USER_AGENT: &str = concat!("ecommpay-rs/", env!("CARGO_PKG_VERSION"));

/// A client of the Gate for one project: its key, the base URL, timeouts, the retry policy and
/// the transport.
///
/// ```no_run
/// use ecommpay_api::astropay::{Customer, General, Payment, SaleRequest};
/// use ecommpay_api::client::{Gate, GateError};
/// use ecommpay_api::SecretKey;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let gate = Gate::new(SecretKey::from_env("ECOMMPAY_SECRET_KEY")?)?;
/// let request = SaleRequest::builder()
///     .general(General::builder().project_id(210).payment_id("order-1"))
///     .payment(Payment::builder().amount(1000).currency("BRL"))
///     .customer(Customer::builder().id("customer123").ip_address("192.0.2.10").country("BR"))
///     .build()?;
/// match gate.send(request).await {
///     Ok(accepted) => println!("accepted, request {:?}", accepted.request_id),
///     Err(GateError::Invalid { violations, .. }) => eprintln!("not sent: {violations}"),
///     Err(error) if error.may_have_been_processed() => {
///         eprintln!("{error}: look the payment up before sending it again")
///     }
///     Err(error) => eprintln!("{error}"),
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Gate<T = ReqwestTransport> {
    key: SecretKey,
    base_url: String,
    timeouts: Timeouts,
    retry: RetryPolicy,
    transport: T,
}

/// The settings of a [`Gate`]; [`GateBuilder::build`] makes one over reqwest,
/// [`GateBuilder::build_with`] over any [`Transport`].
#[derive(Clone, Debug)]
pub struct GateBuilder {
    key: SecretKey,
    base_url: String,
    timeouts: Timeouts,
    retry: RetryPolicy,
}

impl GateBuilder {
    /// The base URL, everything before the operation's path (default [`DEFAULT_BASE_URL`]);
    /// a trailing `/` is dropped.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// The connect timeout (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.connect = timeout;
        self
    }

    /// The total timeout of one attempt, from connecting to the last byte of the answer
    /// (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.total = timeout;
        self
    }

    /// The retry policy (default: nothing is sent again).
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// A Gate over [`ReqwestTransport`] with these settings.
    pub fn build(self) -> Result<Gate<ReqwestTransport>, ConfigError> {
        self.check()?;
        let transport =
            ReqwestTransport::new(self.timeouts.connect).map_err(ConfigError::Transport)?;
        self.build_with(transport)
    }

    /// A Gate over `transport` with these settings.
    pub fn build_with<T: Transport>(self, transport: T) -> Result<Gate<T>, ConfigError> {
        let base_url = self.check()?;
        Ok(Gate {
            key: self.key,
            base_url,
            timeouts: self.timeouts,
            retry: self.retry,
            transport,
        })
    }

    fn check(&self) -> Result<String, ConfigError> {
        let url = self.base_url.trim_end_matches('/');
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"));
        match rest {
            Some(rest) if !rest.is_empty() && !rest.contains(['?', '#', ' ']) => {}
            _ => return Err(ConfigError::InvalidBaseUrl(self.base_url.clone())),
        }
        if self.timeouts.connect.is_zero() {
            return Err(ConfigError::ZeroTimeout("connect"));
        }
        if self.timeouts.total.is_zero() {
            return Err(ConfigError::ZeroTimeout("total"));
        }
        Ok(url.to_owned())
    }
}

impl Gate<ReqwestTransport> {
    /// A Gate at [`DEFAULT_BASE_URL`] over reqwest, with the default timeouts and no retries.
    pub fn new(key: SecretKey) -> Result<Self, ConfigError> {
        Self::builder(key).build()
    }
}

impl Gate {
    /// The settings, to be finished with [`GateBuilder::build`] or [`GateBuilder::build_with`].
    pub fn builder(key: SecretKey) -> GateBuilder {
        GateBuilder {
            key,
            base_url: DEFAULT_BASE_URL.to_owned(),
            timeouts: Timeouts::default(),
            retry: RetryPolicy::none(),
        }
    }
}

impl<T: Transport> Gate<T> {
    /// The base URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The timeouts.
    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The URL a request of type `R` is sent to.
    pub fn url_for<R: GateRequest>(&self) -> String {
        format!("{}{}", self.base_url, R::PATH)
    }

    /// Signs, validates and sends a request, and reads the Gate's answer (see the
    /// [module documentation](self)).
    ///
    /// The request is taken by value because it is signed here; clone it to keep it.
    pub async fn send<R>(&self, mut request: R) -> Result<GateAnswer, GateError>
    where
        R: GateRequest,
    {
        let operation = R::ID;
        request
            .sign(&self.key)
            .map_err(|source| GateError::Sign { operation, source })?;
        let value = serde_json::to_value(&request).map_err(|e| GateError::Sign {
            operation,
            source: crate::signature::CanonicalError::Serialize(e),
        })?;
        let payment_id = value
            .pointer("/general/payment_id")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("");
        let span = tracing::info_span!("ecommpay.gate", operation, payment_id, path = R::PATH,);
        async {
            if let Err(violations) = request.validate() {
                tracing::warn!(
                    violations = violations.0.len(),
                    "invalid request, nothing sent"
                );
                return Err(GateError::Invalid {
                    operation,
                    violations,
                });
            }
            let body = serde_json::to_vec(&value).map_err(|e| GateError::Sign {
                operation,
                source: crate::signature::CanonicalError::Serialize(e),
            })?;
            self.exchange::<R>(body, answer::SentIdentity::of(&value))
                .await
        }
        .instrument(span)
        .await
    }

    async fn exchange<R: GateRequest>(
        &self,
        body: Vec<u8>,
        sent: answer::SentIdentity,
    ) -> Result<GateAnswer, GateError> {
        let operation = R::ID;
        let url = self.url_for::<R>();
        let headers = vec![
            ("Content-Type", "application/json".to_owned()),
            ("Accept", "application/json".to_owned()),
            ("User-Agent", USER_AGENT.to_owned()),
        ];
        let retryable = R::schema().action.opens_payment();
        let mut attempts = 0;
        loop {
            attempts += 1;
            tracing::debug!(attempt = attempts, bytes = body.len(), "sending");
            let request = TransportRequest::new(
                R::HTTP_METHOD,
                url.clone(),
                headers.clone(),
                body.clone(),
                self.timeouts,
            );
            let source = match self.transport.send(request).await {
                Ok(response) => return read_answer(operation, response, &sent),
                Err(source) => source,
            };
            let retry = retryable && source.nothing_sent() && attempts <= self.retry.retries();
            tracing::warn!(
                attempt = attempts,
                kind = ?source.kind(),
                retry,
                "no answer: {source}"
            );
            if retry {
                let delay = self.retry.delay_before(attempts);
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
                continue;
            }
            return Err(if source.kind().is_timeout() {
                GateError::Timeout {
                    operation,
                    attempts,
                    failure: source,
                }
            } else {
                GateError::Transport {
                    operation,
                    attempts,
                    failure: source,
                }
            });
        }
    }
}

fn read_answer(
    operation: &'static str,
    response: TransportResponse,
    sent: &answer::SentIdentity,
) -> Result<GateAnswer, GateError> {
    match answer::read(response.status, response.body, sent) {
        answer::Reading::Accepted(accepted) => {
            tracing::info!(
                http_status = accepted.http_status,
                request_id = accepted.request_id.as_deref().unwrap_or(""),
                "accepted"
            );
            Ok(accepted)
        }
        answer::Reading::Forbidden(rejection) => {
            tracing::warn!(
                http_status = rejection.http_status,
                code = rejection.code.as_deref().unwrap_or(""),
                "forbidden"
            );
            Err(GateError::Forbidden {
                operation,
                rejection: Box::new(rejection),
            })
        }
        answer::Reading::Redirected(rejection) => {
            tracing::warn!(
                http_status = rejection.http_status,
                "redirected: not followed, may have been processed"
            );
            Err(GateError::Redirected {
                operation,
                rejection: Box::new(rejection),
            })
        }
        answer::Reading::Rejected(rejection) => {
            tracing::warn!(
                http_status = rejection.http_status,
                code = rejection.code.as_deref().unwrap_or(""),
                "rejected"
            );
            Err(GateError::Rejected {
                operation,
                rejection: Box::new(rejection),
            })
        }
        answer::Reading::Malformed {
            http_status,
            reason,
            body,
        } => {
            tracing::warn!(http_status, "unreadable answer: {reason}");
            Err(GateError::MalformedAnswer {
                operation,
                http_status,
                reason,
                body,
            })
        }
    }
}
