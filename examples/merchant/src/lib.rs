//! An example merchant server on axum: it opens a payment through the Gate client
//! ([`ecommpay_api::client::Gate`]) and takes in the payment's callbacks with
//! [`ecommpay_api::webhook::CallbackEndpoint`], processing each delivery once.
//!
//! Routes:
//!
//! - `POST /orders` with `{"order_id", "amount", "currency", "customer_id", "customer_ip",
//!   "country"}`: a PayPal sale for the order; answers 202 with the Gate's `request_id`, or
//!   the Gate client's error;
//! - `POST /orders/{id}/refund` with `{"amount": N}` (part of it) or `{}` (all that is left): a
//!   refund through the Gate, answered like `/orders`; the refund callback settles it;
//! - `POST /ecommpay/callback`: the callback endpoint (the URL set in the project's settings
//!   at ecommpay); answers what [`CallbackEndpoint::receive`] says (200 once taken in);
//! - `GET /orders/{id}`: the order's status.
//!
//! # Exactly once
//!
//! The platform sends a callback again until it gets 200, so copies of one delivery arrive,
//! and may arrive together. The merchant keeps its orders and the deliveries it processed in
//! SQLite (`store.rs`; the file is created on start) and processes each delivery in one
//! transaction: it marks the delivery's [`IdempotencyKey`] as processed (a `UNIQUE` key: a copy
//! already marked inserts nothing) and, only when the mark is new, does the business action
//! (moving the order) in the same transaction. A copy is answered 200 and does nothing; a
//! failed transaction leaves neither mark nor action and is answered [`Answer::retry_later`],
//! so the platform sends it again.
//!
//! Orders only move forward through the documented statuses: opened, awaiting the customer's
//! redirect, paid or declined, partially refunded, refunded. A callback that comes late (the
//! redirect callback after the payment, a success after the refund) is processed once, recorded,
//! and leaves the order where it is.
//!
//! # Slow clients
//!
//! [`serve`] closes a connection whose client stalls in its headers (10 s) or its body (30 s),
//! and stops within a deadline ([`ServeLimits`]).

mod serve;
mod store;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use ecommpay_api::callback::CallbackPaymentStatus;
use ecommpay_api::client::{ConfigError, Gate, GateAnswer, GateError};
use ecommpay_api::paypal::{RefundRequest, SaleRequest};
use ecommpay_api::shared::{Customer, General, Payment, ReturnUrl};
#[cfg(doc)]
use ecommpay_api::webhook::IdempotencyKey;
use ecommpay_api::webhook::{Answer, CallbackEndpoint};
use ecommpay_api::{BuildError, SecretKey};
use serde::{Deserialize, Serialize};

pub use serve::{ServeLimits, serve};
pub use store::{Processed, StoreError, TakenIn};

/// The merchant's settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// The project's secret key.
    pub key: SecretKey,
    /// The project id.
    pub project_id: i64,
    /// The Gate's base URL (`https://api.ecommpay.com`, or a mock's).
    pub gate_base_url: String,
    /// Where PayPal sends the customer back: `{return_base_url}/success` or `/decline`.
    pub return_base_url: String,
    /// The SQLite file of orders and processed deliveries; created when missing.
    pub database: PathBuf,
}

/// An order to pay.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct NewOrder {
    /// The merchant's order id, sent as `general.payment_id`.
    pub order_id: String,
    /// In minor units.
    pub amount: u64,
    /// ISO 4217 alpha-3.
    pub currency: String,
    /// The customer's id in the shop.
    pub customer_id: String,
    /// The customer's IP address.
    pub customer_ip: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
}

/// Where an order stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum OrderStatus {
    /// The Gate accepted the sale.
    Opened,
    /// The redirect callback came: send the customer to `url`.
    AwaitingRedirect {
        /// Where to send the customer.
        url: String,
    },
    /// The final callback says success.
    Paid,
    /// The final callback says decline.
    Declined,
    /// A refund callback says part of the payment went back.
    PartiallyRefunded,
    /// A refund callback says all of it went back.
    Refunded,
    /// Another payment status.
    Other {
        /// As sent.
        payment_status: String,
    },
}

struct Inner {
    gate: Gate,
    endpoint: CallbackEndpoint,
    project_id: i64,
    return_base_url: String,
    store: store::Store,
    /// Copies answered 200 without being processed again, since start.
    duplicates: AtomicUsize,
}

/// The merchant's state: its Gate client, its callback endpoint and its store.
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

/// An order that could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The order does not make a valid request.
    #[error(transparent)]
    Build(BuildError),
    /// The Gate client's error.
    #[error(transparent)]
    Gate(GateError),
    /// The Gate accepted the payment but the store could not record the order.
    #[error(transparent)]
    Store(StoreError),
}

/// Why the merchant could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("the Gate client: {0}")]
    Gate(#[from] ConfigError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl App {
    /// The merchant with its Gate client and its store (the database created when missing).
    pub fn new(config: Config) -> Result<Self, StartError> {
        let gate = Gate::builder(config.key.clone())
            .base_url(config.gate_base_url)
            .build()?;
        Ok(Self {
            inner: Arc::new(Inner {
                gate,
                endpoint: CallbackEndpoint::new(config.key),
                project_id: config.project_id,
                return_base_url: config.return_base_url,
                store: store::Store::open(&config.database)?,
                duplicates: AtomicUsize::new(0),
            }),
        })
    }

    /// Opens the payment of an order: a PayPal sale through the Gate.
    pub async fn open_payment(&self, order: &NewOrder) -> Result<GateAnswer, OpenError> {
        let request = SaleRequest::builder()
            .general(
                General::builder()
                    .project_id(self.inner.project_id)
                    .payment_id(order.order_id.as_str()),
            )
            .payment(
                Payment::builder()
                    .amount(order.amount)
                    .currency(order.currency.as_str()),
            )
            .customer(
                Customer::builder()
                    .id(order.customer_id.as_str())
                    .ip_address(order.customer_ip.as_str())
                    .country(order.country.as_str()),
            )
            .return_url(
                ReturnUrl::builder()
                    .success(format!("{}/success", self.inner.return_base_url))
                    .decline(format!("{}/decline", self.inner.return_base_url)),
            )
            .build()
            .map_err(OpenError::Build)?;
        let accepted = self
            .inner
            .gate
            .send(request)
            .await
            .map_err(OpenError::Gate)?;
        let (app, order_id) = (self.clone(), order.order_id.clone());
        off_the_workers(move || app.inner.store.open_order(&order_id))
            .await
            .map_err(OpenError::Store)?;
        Ok(accepted)
    }

    /// Refunds `amount` of an order's payment, or all that is left when `None`. A refund moves
    /// money: the Gate client never retries it, and the callback, not this answer, says whether
    /// it went through.
    pub async fn refund(
        &self,
        order_id: &str,
        amount: Option<(u64, &str)>,
    ) -> Result<GateAnswer, OpenError> {
        let mut payment = Payment::builder().description(format!("Refund of {order_id}"));
        if let Some((amount, currency)) = amount {
            payment = payment.amount(amount).currency(currency);
        }
        let request = RefundRequest::builder()
            .general(
                General::builder()
                    .project_id(self.inner.project_id)
                    .payment_id(order_id),
            )
            .payment(payment)
            .build()
            .map_err(OpenError::Build)?;
        self.inner.gate.send(request).await.map_err(OpenError::Gate)
    }

    /// Takes in a callback's raw body and says what to answer: verified, then processed once
    /// (see the [crate documentation](crate)). It waits for the database: call it where
    /// blocking is allowed (`spawn_blocking`).
    pub fn receive_callback(&self, raw: &[u8]) -> Answer {
        let delivery = match self.inner.endpoint.receive(raw) {
            Ok(delivery) => delivery,
            Err(error) => {
                tracing::warn!("{error}");
                return error.answer();
            }
        };
        let key = delivery.idempotency_key();
        let reported = reported_status(&delivery);
        match self.inner.store.take_in(&delivery, &reported) {
            Ok(TakenIn::Processed { moved_order }) => {
                tracing::info!(%key, ?reported, moved_order, "callback processed");
                delivery.answer()
            }
            Ok(TakenIn::Duplicate) => {
                self.inner.duplicates.fetch_add(1, Ordering::Relaxed);
                tracing::info!(%key, "callback already processed");
                delivery.answer()
            }
            Err(error) => {
                // Neither marked nor done: the platform sends it again.
                tracing::error!(%key, %error, "callback not processed");
                Answer::retry_later()
            }
        }
    }

    /// An order's status, when the store has the order.
    pub fn order(&self, order_id: &str) -> Result<Option<OrderStatus>, StoreError> {
        self.inner.store.order(order_id)
    }

    /// The deliveries processed, in order: one business action each, copies not counted.
    pub fn processed(&self) -> Result<Vec<Processed>, StoreError> {
        self.inner.store.processed()
    }

    /// How many copies were answered 200 without being processed again, since start.
    pub fn duplicates(&self) -> usize {
        self.inner.duplicates.load(Ordering::Relaxed)
    }
}

/// The order status a delivery reports: awaiting the redirect when it carries a redirect URL,
/// else its payment status.
fn reported_status(delivery: &ecommpay_api::webhook::Delivery) -> OrderStatus {
    if let Some(url) = delivery.redirect_data().and_then(|r| r.url.clone()) {
        OrderStatus::AwaitingRedirect { url }
    } else {
        match delivery.payment_status() {
            Some(CallbackPaymentStatus::Success) => OrderStatus::Paid,
            Some(CallbackPaymentStatus::Decline) => OrderStatus::Declined,
            Some(CallbackPaymentStatus::PartiallyRefunded) => OrderStatus::PartiallyRefunded,
            Some(CallbackPaymentStatus::Refunded) => OrderStatus::Refunded,
            other => OrderStatus::Other {
                payment_status: other.map(|s| s.as_str().to_owned()).unwrap_or_default(),
            },
        }
    }
}

/// The merchant's routes over `app`.
pub fn router(app: App) -> Router {
    let limit = app.inner.endpoint.max_body_bytes();
    Router::new()
        .route("/orders", post(open_order))
        .route("/orders/{id}", get(order_status))
        .route("/orders/{id}/refund", post(refund_order))
        .route(
            "/ecommpay/callback",
            // The body limit is checked before the body is read whole, too.
            post(callback).layer(DefaultBodyLimit::max(limit)),
        )
        .with_state(app)
}

async fn open_order(State(app): State<App>, axum::Json(order): axum::Json<NewOrder>) -> Response {
    gate_response(app.open_payment(&order).await)
}

/// 202 with the Gate's `request_id` when it accepted the request; 400 when the order does not
/// make a valid request; 502 with the Gate client's error otherwise.
fn gate_response(result: Result<GateAnswer, OpenError>) -> Response {
    match result {
        Ok(accepted) => (
            StatusCode::ACCEPTED,
            axum::Json(serde_json::json!({"request_id": accepted.request_id})),
        )
            .into_response(),
        Err(OpenError::Build(e)) => (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
        Err(OpenError::Gate(e)) => (StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
        Err(OpenError::Store(e)) => {
            tracing::error!(%e, "order not recorded");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The body of `POST /orders/{id}/refund`.
#[derive(Debug, Deserialize, Serialize)]
pub struct RefundOrder {
    /// The part to refund, in minor units; all that is left when absent.
    pub amount: Option<u64>,
    /// The amount's currency; needed with `amount`.
    pub currency: Option<String>,
}

async fn refund_order(
    State(app): State<App>,
    Path(id): Path<String>,
    axum::Json(refund): axum::Json<RefundOrder>,
) -> Response {
    let part = match (refund.amount, refund.currency.as_deref()) {
        (Some(amount), Some(currency)) => Some((amount, currency)),
        (None, None) => None,
        _ => {
            return (
                StatusCode::BAD_REQUEST,
                "a partial refund names its amount and currency",
            )
                .into_response();
        }
    };
    gate_response(app.refund(&id, part).await)
}

async fn order_status(State(app): State<App>, Path(id): Path<String>) -> Response {
    match off_the_workers(move || app.order(&id)).await {
        Ok(Some(status)) => axum::Json(status).into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(%error, "order not read");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

async fn callback(State(app): State<App>, body: Bytes) -> Response {
    // The `http` feature turns the endpoint's answer into the response axum sends.
    off_the_workers(move || app.receive_callback(&body))
        .await
        .into()
}

/// Runs a store call where blocking is allowed (SQLite and the pool wait), not on the async
/// workers; a panic in it goes on as a panic.
async fn off_the_workers<T: Send + 'static>(call: impl FnOnce() -> T + Send + 'static) -> T {
    match tokio::task::spawn_blocking(call).await {
        Ok(value) => value,
        Err(error) => std::panic::resume_unwind(error.into_panic()),
    }
}
