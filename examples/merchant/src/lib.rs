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
//! The idempotency store is in memory: a set of [`IdempotencyKey`]s taken in, checked and
//! updated under the same lock as the order, so that a callback sent again is answered 200 and
//! not processed a second time. A real backend keeps it in its database, in the transaction that
//! updates the order, and answers [`Answer::retry_later`] when that transaction fails.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use ecommpay_api::callback::CallbackPaymentStatus;
use ecommpay_api::client::{ConfigError, Gate, GateAnswer, GateError};
use ecommpay_api::paypal::{RefundRequest, SaleRequest, SaleRequestCustomer, SaleRequestReturnUrl};
use ecommpay_api::shared::{General, Payment, RefundRequestPayment};
use ecommpay_api::webhook::{Answer, CallbackEndpoint, IdempotencyKey};
use ecommpay_api::{BuildError, SecretKey};
use serde::{Deserialize, Serialize};

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

/// Something the merchant did for a callback it took in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Processed {
    /// The delivery's key.
    pub key: IdempotencyKey,
    /// The order's status after it.
    pub status: OrderStatus,
}

#[derive(Default)]
struct Store {
    taken_in: HashSet<IdempotencyKey>,
    orders: HashMap<String, OrderStatus>,
    processed: Vec<Processed>,
    duplicates: usize,
}

struct Inner {
    gate: Gate,
    endpoint: CallbackEndpoint,
    project_id: i64,
    return_base_url: String,
    store: Mutex<Store>,
}

/// The merchant's state: its Gate client, its callback endpoint and its store.
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

/// An order that could not be opened.
#[derive(Debug)]
pub enum OpenError {
    /// The order does not make a valid request.
    Build(BuildError),
    /// The Gate client's error.
    Gate(GateError),
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Build(e) => e.fmt(f),
            Self::Gate(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for OpenError {}

impl App {
    /// The merchant with its Gate client.
    pub fn new(config: Config) -> Result<Self, ConfigError> {
        let gate = Gate::builder(config.key.clone())
            .base_url(config.gate_base_url)
            .build()?;
        Ok(Self {
            inner: Arc::new(Inner {
                gate,
                endpoint: CallbackEndpoint::new(config.key),
                project_id: config.project_id,
                return_base_url: config.return_base_url,
                store: Mutex::new(Store::default()),
            }),
        })
    }

    fn store(&self) -> MutexGuard<'_, Store> {
        self.inner
            .store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
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
                SaleRequestCustomer::builder()
                    .id(order.customer_id.as_str())
                    .ip_address(order.customer_ip.as_str())
                    .country(order.country.as_str()),
            )
            .return_url(
                SaleRequestReturnUrl::builder()
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
        self.store()
            .orders
            .entry(order.order_id.clone())
            .or_insert(OrderStatus::Opened);
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
        let mut payment =
            RefundRequestPayment::builder().description(format!("Refund of {order_id}"));
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

    /// Takes in a callback's raw body and says what to answer.
    pub fn receive_callback(&self, raw: &[u8]) -> Answer {
        let delivery = match self.inner.endpoint.receive(raw) {
            Ok(delivery) => delivery,
            Err(error) => {
                tracing::warn!("{error}");
                return error.answer();
            }
        };
        let mut store = self.store();
        if !store.taken_in.insert(delivery.idempotency_key().clone()) {
            store.duplicates += 1;
            tracing::info!(key = %delivery.idempotency_key(), "callback already taken in");
            return delivery.answer();
        }
        let Some(order_id) = delivery.payment_id() else {
            return delivery.answer();
        };
        let status = if let Some(url) = delivery.redirect_data().and_then(|r| r.url.clone()) {
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
        };
        tracing::info!(order = order_id, ?status, "callback taken in");
        store.orders.insert(order_id.to_owned(), status.clone());
        store.processed.push(Processed {
            key: delivery.idempotency_key().clone(),
            status,
        });
        delivery.answer()
    }

    /// An order's status.
    pub fn order(&self, order_id: &str) -> Option<OrderStatus> {
        self.store().orders.get(order_id).cloned()
    }

    /// The callbacks processed, in order (each delivery once).
    pub fn processed(&self) -> Vec<Processed> {
        self.store().processed.clone()
    }

    /// How many deliveries were answered 200 without being processed again.
    pub fn duplicates(&self) -> usize {
        self.store().duplicates
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
    match app.order(&id) {
        Some(status) => axum::Json(status).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn callback(State(app): State<App>, body: Bytes) -> Response {
    let answer = app.receive_callback(&body);
    let status = StatusCode::from_u16(answer.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(header::CONTENT_TYPE, Answer::CONTENT_TYPE)],
        answer.body(),
    )
        .into_response()
}
