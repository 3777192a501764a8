//! What may be sent again, and when.

use std::time::Duration;

/// When the Gate sends a request again. The default sends nothing again.
///
/// Even when enabled, a request is sent again only when both hold:
/// - the operation opens a new payment with its own `payment_id` (its spec-declared
///   [`Action`](crate::Action) says so: [`Action::opens_payment`](crate::Action::opens_payment);
///   refunds, captures and cancels never do), and
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
