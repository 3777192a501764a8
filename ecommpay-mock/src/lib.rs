//! A local stand-in for the ecommpay Gate, for merchants' tests: started in-process by a Rust
//! test, or as a process by `ecommpay mock` for backends in any language.
//!
//! It knows what the spec knows. Every Gate operation answers at its path; the signature is
//! checked with the project's key and the body with the documents' rules (violations come back
//! with their paths). Each payment's state is kept, so a capture of an unknown payment, a refund
//! beyond what is left or a reused `payment_id` is refused. The operation's callbacks, shaped
//! like the documents' examples and signed, are then delivered to the merchant, and sent again
//! on the platform's schedule while not answered with 200 (with a time scale, so tests need not
//! wait). Outcomes follow rules the test sets ([`MockConfig::outcome`]); success is the default.
//! The Payment Page side serves `GET /payment?...` (signature and parameter set checked) with
//! "Pay" and "Decline" buttons that decide the payment and deliver its callback.
//!
//! ```no_run
//! use ecommpay_api::SecretKey;
//! use ecommpay_mock::{MockConfig, MockGate, Trigger};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let mock = MockGate::start(
//!     MockConfig::new(SecretKey::new("test-secret")?)
//!         .callback_url("http://127.0.0.1:8080/ecommpay/callback")
//!         .time_scale(1000.0)
//!         .decline_amount(1313),
//! )
//! .await?;
//! // Point the merchant's Gate client at mock.base_url(); open a payment; then:
//! mock.settled(std::time::Duration::from_secs(5)).await;
//! assert!(mock.callbacks().iter().all(|c| c.answered == Some(200)));
//! mock.trigger("order-1", Trigger::ResendLast).await?;
//! # mock.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod bounded;
mod callbacks;
mod config;
mod control;
mod events;
mod examples;
mod gate;
mod ledger;
mod payment_page;
mod refusal;
mod server;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use ecommpay_api::client::ReqwestTransport;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::bounded::History;
use crate::events::StoredRequest;
use crate::server::{ServerLimits, Stop};

pub use config::{
    DEFAULT_BODY_READ_TIMEOUT, DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_SHUTDOWN_DEADLINE, EventSink,
    MockConfig, Outcome, OutcomeRule, ResendSchedule, When,
};
pub use events::{
    BODY_EXCERPT_BYTES, CallbackDelivery, KEPT_BODY_BYTES, MockEvent, ReceivedRequest,
};
pub use ledger::{OperationRecord, Payment};
pub use payment_page::{PageAction, PageOutcome, PaymentPageVisit};
pub use refusal::{Basis, Refusal, Route};

/// The size limit of a request body: 1 MiB (a larger one is answered 413).
pub const MAX_REQUEST_BYTES: usize = 1 << 20;

/// How many requests, deliveries and Payment Page visits the mock remembers by default, each;
/// older ones are forgotten, so a mock left running keeps its memory bounded (the event sink
/// still sees every one). [`MockConfig::history_limit`] sets another bound.
pub const HISTORY_LIMIT: usize = 100_000;

/// How many bytes each of those histories may take by default: 32 MiB. A request's body is
/// kept whole up to [`KEPT_BODY_BYTES`], as compact JSON text, and as an excerpt beyond.
pub const HISTORY_BYTES: usize = 32 << 20;

/// How many payments the mock remembers, Gate and Payment Page alike. Beyond it the oldest is
/// forgotten, with its last callback: a follow-up on it is refused as `payment_not_found`.
pub const PAYMENT_LIMIT: usize = 100_000;

/// A callback to send now for a payment.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Trigger {
    /// Sets the outcome of the payment's last operation and sends its final callback: decline
    /// a payment that succeeded, or the other way round.
    Outcome(Outcome),
    /// Sends the last callback again, as the platform does when it missed the merchant's 200.
    ResendLast,
}

/// Why a trigger sent nothing.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TriggerError {
    #[error("no payment with this payment_id")]
    UnknownPayment,
    #[error("no callback has been sent for this payment yet")]
    NothingSent,
    #[error("the mock has no callback URL")]
    NoCallbackUrl,
    #[error("the mock has no example of this payment's callback")]
    NoExample,
}

impl TriggerError {
    /// A short code for answers and logs.
    pub fn code(&self) -> &'static str {
        match self {
            TriggerError::UnknownPayment => "payment_not_found",
            TriggerError::NothingSent => "no_callback_sent",
            TriggerError::NoCallbackUrl => "no_callback_url",
            TriggerError::NoExample => "no_callback_example",
        }
    }
}

pub(crate) struct State {
    config: MockConfig,
    transport: ReqwestTransport,
    requests: Mutex<History<StoredRequest>>,
    deliveries: Mutex<History<CallbackDelivery>>,
    ledger: Mutex<ledger::Ledger>,
    sequence: AtomicU64,
    /// Callback plans still being delivered.
    in_flight: AtomicU64,
    /// The Payment Page side's payments and visits.
    payment_page: payment_page::PageState,
    /// Asked for when the mock stops: background deliveries end with it.
    stop: Stop,
}

impl State {
    /// Keeps an event for the test (bounded) and hands it to the sink.
    fn record(&self, event: MockEvent) {
        if let Some(sink) = &self.config.events {
            sink(&event);
        }
        match event {
            MockEvent::Request(request) => {
                let stored = StoredRequest::new(request);
                lock(&self.requests).push(stored);
            }
            MockEvent::Callback(delivery) => lock(&self.deliveries).push(delivery),
        }
    }

    /// Counts a delivery in progress (for [`MockGate::settled`]) until the guard is dropped.
    fn delivering(self: &Arc<Self>) -> Delivering {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        Delivering(Arc::clone(self))
    }

    /// Delivers a plan of callbacks in the background, counted from now until it is done or
    /// the mock stops.
    fn spawn_delivery(self: &Arc<Self>, plan: Vec<Value>) {
        let delivering = self.delivering();
        let mut stop = self.stop.clone();
        tokio::spawn(async move {
            tokio::select! {
                _ = callbacks::deliver(&delivering.0, plan) => {}
                () = stop.requested() => {}
            }
        });
    }

    async fn trigger(
        self: &Arc<Self>,
        payment_id: &str,
        trigger: Trigger,
    ) -> Result<Option<u16>, TriggerError> {
        if self.config.callback_url.is_none() {
            return Err(TriggerError::NoCallbackUrl);
        }
        let body = match trigger {
            Trigger::ResendLast => {
                let ledger = lock(&self.ledger);
                match (ledger.last_callback(payment_id), ledger.payment(payment_id)) {
                    (Some(body), _) => body.clone(),
                    (None, Some(_)) => return Err(TriggerError::NothingSent),
                    (None, None) => return Err(TriggerError::UnknownPayment),
                }
            }
            Trigger::Outcome(outcome) => {
                let applied = lock(&self.ledger)
                    .overturn(payment_id, &outcome)
                    .ok_or(TriggerError::UnknownPayment)?;
                callbacks::final_callback(&applied, &outcome).ok_or(TriggerError::NoExample)?
            }
        };
        Ok(callbacks::deliver_now(self, body).await)
    }
}

/// A delivery in progress; dropped (even by a task that panics) it is no longer counted.
struct Delivering(Arc<State>);

impl Drop for Delivering {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A running mock; it stops when [`MockGate::shutdown`] is called or it is dropped.
///
/// A stop ends the background deliveries at once, lets the requests in progress finish for at
/// most [`MockConfig::shutdown_deadline`], then closes every connection left, whatever its
/// client holds (a half-sent request, an idle kept-alive connection).
pub struct MockGate {
    base_url: String,
    state: Arc<State>,
    stop: watch::Sender<bool>,
    server: Option<JoinHandle<()>>,
}

impl MockGate {
    /// Binds the address and starts serving. Call it within a tokio runtime.
    pub async fn start(config: MockConfig) -> std::io::Result<Self> {
        let listener = TcpListener::bind(config.bind).await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let transport = ReqwestTransport::new(Duration::from_secs(5)).map_err(|e| {
            std::io::Error::other(format!("cannot set up the callback client: {e}"))
        })?;
        let (stop, stopped) = Stop::new();
        let limits = ServerLimits {
            header_read: config.header_read_timeout,
            body_read: config.body_read_timeout,
            shutdown: config.shutdown_deadline,
        };
        let (entries, bytes) = (config.history_entries, config.history_bytes);
        let state = Arc::new(State {
            requests: Mutex::new(History::new(entries, bytes)),
            deliveries: Mutex::new(History::new(entries, bytes)),
            payment_page: payment_page::PageState::new(History::new(entries, bytes)),
            config,
            transport,
            ledger: Mutex::new(ledger::Ledger::default()),
            sequence: AtomicU64::new(0),
            in_flight: AtomicU64::new(0),
            stop: stopped.clone(),
        });
        let server = tokio::spawn(server::serve(listener, router(&state), limits, stopped));
        Ok(Self {
            base_url,
            state,
            stop,
            server: Some(server),
        })
    }

    /// The base URL to give the Gate client (`http://127.0.0.1:PORT`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The requests received so far, in order (the newest, within
    /// [`MockConfig::history_limit`]).
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        lock(&self.state.requests)
            .iter()
            .map(StoredRequest::request)
            .collect()
    }

    /// How many bytes the history of requests takes now, by the measure its byte bound uses
    /// ([`MockConfig::history_limit`]).
    pub fn requests_history_bytes(&self) -> usize {
        lock(&self.state.requests).bytes()
    }

    /// The requests to the Payment Page side (`GET /payment?...` and its buttons), in order
    /// (the newest, within [`MockConfig::history_limit`]).
    pub fn payment_page_visits(&self) -> Vec<PaymentPageVisit> {
        lock(&self.state.payment_page.visits)
            .iter()
            .cloned()
            .collect()
    }

    /// The callback deliveries so far, in order, with the merchant's answers (the newest,
    /// within [`MockConfig::history_limit`]).
    pub fn callbacks(&self) -> Vec<CallbackDelivery> {
        lock(&self.state.deliveries).iter().cloned().collect()
    }

    /// A payment's state, when the mock knows the payment.
    pub fn payment(&self, payment_id: &str) -> Option<Payment> {
        lock(&self.state.ledger).payment(payment_id).cloned()
    }

    /// Every payment, in the order they were opened.
    pub fn payments(&self) -> Vec<Payment> {
        lock(&self.state.ledger).payments()
    }

    /// Waits until `done` holds for the deliveries so far, at most `timeout`; whether it held.
    pub async fn wait_for_callbacks(
        &self,
        timeout: Duration,
        done: impl Fn(&[CallbackDelivery]) -> bool,
    ) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let deliveries: Vec<CallbackDelivery> =
                lock(&self.state.deliveries).iter().cloned().collect();
            if done(&deliveries) {
                return true;
            }
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Waits until every callback plan has been delivered (answered 200 or out of re-sends), at
    /// most `timeout`; whether they all were.
    pub async fn settled(&self, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        while self.state.in_flight.load(Ordering::SeqCst) > 0 {
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        true
    }

    /// Sends a callback for a payment now, as `stripe trigger` does; the merchant's HTTP status,
    /// or `None` when it gave no answer.
    pub async fn trigger(
        &self,
        payment_id: &str,
        trigger: Trigger,
    ) -> Result<Option<u16>, TriggerError> {
        self.state.trigger(payment_id, trigger).await
    }

    /// Stops the mock and waits for its server: at most [`MockConfig::shutdown_deadline`] for
    /// the requests in progress, then the connections left are closed.
    pub async fn shutdown(mut self) {
        self.stop.send_replace(true);
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

impl Drop for MockGate {
    /// Stops the mock without waiting: its server closes within the deadline on its own.
    fn drop(&mut self) {
        self.stop.send_replace(true);
    }
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn router(state: &Arc<State>) -> axum::Router {
    gate::routes(state)
        .merge(control::routes(state))
        .merge(payment_page::routes(Arc::clone(state)))
        .fallback(|| async {
            let refusal = Refusal::UnknownPath;
            refusal.gate_answer(refusal.title(), None)
        })
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
}
