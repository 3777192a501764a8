//! What may be sent again, and when.

use std::time::Duration;

/// What a Gate operation does to payments, which decides whether it may ever be sent again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OperationEffect {
    /// It opens a new payment under its own, new `general.payment_id`: sale, auth, payout, PIX
    /// payout, recurring charge, payout registration. The platform keeps payment ids unique
    /// within a project, so a second delivery of the same request cannot open a second payment.
    CreatesPayment,
    /// It acts on an existing payment, under that payment's `general.payment_id`: refund,
    /// capture, cancel, recurring cancel. Two deliveries cannot be told apart by the platform
    /// (two partial refunds of one payment carry the same `payment_id`), so these are never
    /// sent again.
    ActsOnPayment,
}

/// The operations that open a new payment, by the action their id ends with
/// (`paypal.gate.sale` → `sale`). Every other Gate operation, and any the list does not know,
/// acts on an existing payment and is never retried.
pub const CREATES_PAYMENT: &[&str] = &[
    "sale",
    "auth",
    "payout",
    "pix_payout",
    "recurring",
    "payout_registration",
];

/// The operations that act on an existing payment, by the action their id ends with.
pub const ACTS_ON_PAYMENT: &[&str] = &["refund", "capture", "cancel", "recurring_cancel"];

/// What the Gate operation `operation_id` (`upi.gate.refund`) does, from the action its id ends
/// with: [`OperationEffect::CreatesPayment`] for the actions in [`CREATES_PAYMENT`],
/// [`OperationEffect::ActsOnPayment`] for every other (unknown actions included, so that a new
/// operation is never retried before someone has decided it may be).
pub fn operation_effect(operation_id: &str) -> OperationEffect {
    let action = operation_id.rsplit('.').next().unwrap_or(operation_id);
    if CREATES_PAYMENT.contains(&action) {
        OperationEffect::CreatesPayment
    } else {
        OperationEffect::ActsOnPayment
    }
}

/// When the Gate sends a request again. The default sends nothing again.
///
/// Even when enabled, a request is sent again only when both hold:
/// - the operation opens a new payment with its own `payment_id`
///   ([`OperationEffect::CreatesPayment`]; refunds, captures and cancels never are), and
/// - the attempt failed before any byte of the request was sent: the connection could not be
///   made, or not within the connect timeout ([`TransportErrorKind::nothing_sent`]).
///
/// A timeout after the connection was made, a dropped connection, any answer of the Gate
/// (4xx, 5xx) and an answer that cannot be read are never retried: the Gate may have processed
/// the request. The request is sent again byte for byte (same signature, same `payment_id`).
///
/// [`TransportErrorKind::nothing_sent`]: super::TransportErrorKind::nothing_sent
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct RetryPolicy {
    retries: u32,
    delay: Duration,
}

impl RetryPolicy {
    /// Nothing is sent again (the default).
    pub const fn none() -> Self {
        Self {
            retries: 0,
            delay: Duration::ZERO,
        }
    }

    /// Up to `retries` more attempts after a connection failure that happened before sending,
    /// for operations that open a new payment; `delay` between attempts, doubled each time.
    pub const fn connection_failures(retries: u32, delay: Duration) -> Self {
        Self { retries, delay }
    }

    /// How many more attempts at most.
    pub fn retries(&self) -> u32 {
        self.retries
    }

    /// The delay before the first retry.
    pub fn delay(&self) -> Duration {
        self.delay
    }

    /// The delay before retry number `retry` (1 for the first): `delay`, doubled each time.
    pub fn delay_before(&self, retry: u32) -> Duration {
        let factor = 1u32 << retry.saturating_sub(1).min(16);
        self.delay.saturating_mul(factor)
    }
}
