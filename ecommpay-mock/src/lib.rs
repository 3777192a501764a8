//! A local stand-in for the ecommpay Gate, started in-process by a test on loopback.
//!
//! **The start of the mock-Gate issue.** It holds what the Gate client's tests and the merchant
//! example's end-to-end test need: every Gate operation at its path, the signature checked with
//! the project's key, the body validated with the spec's rules, the Gate's answer, then the
//! operation's callbacks, signed, delivered to the merchant and sent again when not answered
//! with 200. The Payment Page side (`GET /payment?...`, its "Pay" and "Decline" buttons and
//! their callbacks) is in `payment_page`. Outcome rules, the documented re-send schedule,
//! payment state and the `ecommpay mock` command are that issue's.
//!
//! ```no_run
//! use ecommpay_api::SecretKey;
//! use ecommpay_mock::{MockConfig, MockGate};
//!
//! # async fn run() -> std::io::Result<()> {
//! let mock = MockGate::start(
//!     MockConfig::new(SecretKey::new("test-secret"))
//!         .callback_url("http://127.0.0.1:8080/ecommpay/callback"),
//! )
//! .await?;
//! // Point the merchant's Gate client at mock.base_url(), then look at mock.requests() and
//! // mock.callbacks().
//! # mock.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod callbacks;
mod payment_page;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use ecommpay_api::client::ReqwestTransport;
use ecommpay_api::signature::{MessageKind, SignOptions, verify_value};
use ecommpay_api::{Facts, Interface, OperationEntry, SecretKey};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use callbacks::{CallbackDelivery, PageOutcome};
pub use payment_page::{PageAction, PaymentPageVisit};

/// The size limit of a request body: 1 MiB (a larger one is answered 413).
pub const MAX_REQUEST_BYTES: usize = 1 << 20;

/// How the mock is set up.
#[derive(Clone, Debug)]
pub struct MockConfig {
    key: SecretKey,
    bind: SocketAddr,
    callback_url: Option<String>,
    deliveries: u32,
    resend_delay: Duration,
}

impl MockConfig {
    /// The project's key; on `127.0.0.1`, a port the system chooses, no callbacks, each callback
    /// delivered at most twice (so one failed delivery is sent again), 50 ms apart.
    pub fn new(key: SecretKey) -> Self {
        Self {
            key,
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            callback_url: None,
            deliveries: 2,
            resend_delay: Duration::from_millis(50),
        }
    }

    /// Where to listen (default `127.0.0.1:0`).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.bind = addr;
        self
    }

    /// The merchant's callback URL; without one, no callbacks are sent.
    pub fn callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_url = Some(url.into());
        self
    }

    /// How many times at most a callback is delivered while it is not answered with 200
    /// (at least 1).
    pub fn deliveries(mut self, deliveries: u32) -> Self {
        self.deliveries = deliveries.max(1);
        self
    }

    /// The delay before a callback is sent again.
    pub fn resend_delay(mut self, delay: Duration) -> Self {
        self.resend_delay = delay;
        self
    }
}

/// A request the mock received at a Gate path.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ReceivedRequest {
    /// The operation id (`astropay.gate.sale`).
    pub operation: &'static str,
    /// `general.payment_id`, when there is one.
    pub payment_id: Option<String>,
    /// The body, when it was JSON.
    pub body: Option<Value>,
    /// The HTTP status the mock answered.
    pub answered: u16,
}

pub(crate) struct State {
    config: MockConfig,
    transport: ReqwestTransport,
    requests: Mutex<Vec<ReceivedRequest>>,
    deliveries: Mutex<Vec<CallbackDelivery>>,
    /// The last callback body sent for each payment, to deliver again on demand.
    last_callback: Mutex<Vec<(String, Value)>>,
    sequence: AtomicU64,
    /// The Payment Page side's payments and visits.
    payment_page: payment_page::PageState,
}

/// A running mock Gate; it stops when [`MockGate::shutdown`] is called or it is dropped.
pub struct MockGate {
    base_url: String,
    state: Arc<State>,
    stop: Option<oneshot::Sender<()>>,
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
        let state = Arc::new(State {
            config,
            transport,
            requests: Mutex::new(Vec::new()),
            deliveries: Mutex::new(Vec::new()),
            last_callback: Mutex::new(Vec::new()),
            sequence: AtomicU64::new(0),
            payment_page: payment_page::PageState::default(),
        });
        let router = router(Arc::clone(&state));
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(Self {
            base_url,
            state,
            stop: Some(stop),
            server: Some(server),
        })
    }

    /// The base URL to give the Gate client (`http://127.0.0.1:PORT`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The requests received so far, in order.
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        lock(&self.state.requests).clone()
    }

    /// The requests to the Payment Page side (`GET /payment?...` and its buttons), in order.
    pub fn payment_page_visits(&self) -> Vec<PaymentPageVisit> {
        lock(&self.state.payment_page.visits).clone()
    }

    /// The callback deliveries so far, in order, with the merchant's answers.
    pub fn callbacks(&self) -> Vec<CallbackDelivery> {
        lock(&self.state.deliveries).clone()
    }

    /// Waits until `done` holds for the deliveries so far, at most `timeout`; whether it held.
    pub async fn wait_for_callbacks(
        &self,
        timeout: Duration,
        done: impl Fn(&[CallbackDelivery]) -> bool,
    ) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if done(&lock(&self.state.deliveries)) {
                return true;
            }
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Delivers the last callback sent for `payment_id` once more (as the platform does when
    /// it did not see the merchant's 200), and returns the merchant's answer, or `None` when
    /// there was no such callback or no answer.
    pub async fn redeliver(&self, payment_id: &str) -> Option<u16> {
        let body = lock(&self.state.last_callback)
            .iter()
            .rev()
            .find(|(id, _)| id == payment_id)
            .map(|(_, body)| body.clone())?;
        callbacks::deliver_once(&self.state, payment_id, &body, 0).await
    }

    /// Stops the server and waits for it.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

impl Drop for MockGate {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn router(state: Arc<State>) -> Router {
    let mut router = Router::new();
    for entry in ecommpay_api::OPERATIONS {
        let (Interface::Gate, Some(path)) = (entry.schema.interface, entry.schema.path) else {
            continue;
        };
        let state = Arc::clone(&state);
        router = router.route(
            path,
            post(move |body: Bytes| {
                let state = Arc::clone(&state);
                async move { gate_request(&state, entry, &body) }
            }),
        );
    }
    router
        .merge(payment_page::routes(Arc::clone(&state)))
        .fallback(|| async {
            error_answer(
                StatusCode::NOT_FOUND,
                "unknown_path",
                "no Gate operation at this path",
                None,
            )
        })
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
}

fn error_answer(status: StatusCode, code: &str, message: &str, errors: Option<Value>) -> Response {
    let mut body = json!({"status": "error", "code": code, "message": message});
    if let Some(errors) = errors {
        body["errors"] = errors;
    }
    (status, axum::Json(body)).into_response()
}

fn gate_request(state: &Arc<State>, entry: &'static OperationEntry, raw: &[u8]) -> Response {
    let operation = entry.id();
    let parsed = serde_json::from_slice::<Value>(raw).ok();
    let payment_id = parsed
        .as_ref()
        .and_then(|v| v.pointer("/general/payment_id"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let record = |answered: u16| {
        lock(&state.requests).push(ReceivedRequest {
            operation,
            payment_id: payment_id.clone(),
            body: parsed.clone(),
            answered,
        });
    };
    let Some(body) = parsed.as_ref().filter(|v| v.is_object()) else {
        record(400);
        return error_answer(
            StatusCode::BAD_REQUEST,
            "malformed_request",
            "the body is not a JSON object",
            None,
        );
    };
    if let Err(e) = verify_value(
        body,
        &state.config.key,
        SignOptions::new(MessageKind::GateRequest),
    ) {
        record(400);
        return error_answer(
            StatusCode::BAD_REQUEST,
            "invalid_signature",
            &e.to_string(),
            None,
        );
    }
    let violations = entry.validate_json(body, &Facts::none());
    if !violations.is_empty() {
        record(400);
        let errors = violations
            .iter()
            .map(|v| json!({"path": v.path, "kind": v.kind.as_str(), "message": v.message}))
            .collect();
        return error_answer(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "the request breaks the rules of the documents",
            Some(Value::Array(errors)),
        );
    }
    record(200);
    let sequence = state.sequence.fetch_add(1, Ordering::Relaxed) + 1;
    let request_id = format!("mock{sequence:08x}-{sequence:08}");
    let general = &body["general"];
    let answer = json!({
        "status": "success",
        "request_id": request_id,
        "project_id": general["project_id"],
        "payment_id": general["payment_id"],
    });
    if state.config.callback_url.is_some() {
        let plan = callbacks::plan(operation, body, &request_id, sequence);
        let state = Arc::clone(state);
        tokio::spawn(async move { callbacks::deliver(&state, plan).await });
    }
    (StatusCode::OK, axum::Json(answer)).into_response()
}
