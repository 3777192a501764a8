//! How a mock is set up: the project's key, where it listens, where callbacks go, when they are
//! sent again, and which payments are declined.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use ecommpay_api::SecretKey;

use crate::events::MockEvent;

/// The default of [`MockConfig::header_read_timeout`]: 10 s.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The default of [`MockConfig::body_read_timeout`]: 30 s, for a body of at most 1 MiB.
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// The default of [`MockConfig::shutdown_deadline`]: 3 s.
pub const DEFAULT_SHUTDOWN_DEADLINE: Duration = Duration::from_secs(3);

/// A zero read timeout would close every connection before its first byte.
const MIN_TIMEOUT: Duration = Duration::from_millis(1);

/// Receives every event as it happens (the `ecommpay mock` command prints them as JSON lines).
pub type EventSink = Arc<dyn Fn(&MockEvent) + Send + Sync>;

/// How a mock is set up.
#[derive(Clone)]
pub struct MockConfig {
    pub(crate) key: SecretKey,
    pub(crate) bind: SocketAddr,
    pub(crate) callback_url: Option<String>,
    pub(crate) schedule: ResendSchedule,
    pub(crate) time_scale: f64,
    pub(crate) outcomes: Vec<OutcomeRule>,
    pub(crate) events: Option<EventSink>,
    pub(crate) header_read_timeout: Duration,
    pub(crate) body_read_timeout: Duration,
    pub(crate) shutdown_deadline: Duration,
    pub(crate) history_entries: usize,
    pub(crate) history_bytes: usize,
}

impl fmt::Debug for MockConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockConfig")
            .field("key", &self.key)
            .field("bind", &self.bind)
            .field("callback_url", &self.callback_url)
            .field("schedule", &self.schedule)
            .field("time_scale", &self.time_scale)
            .field("outcomes", &self.outcomes)
            .field("events", &self.events.as_ref().map(|_| "EventSink"))
            .field("header_read_timeout", &self.header_read_timeout)
            .field("body_read_timeout", &self.body_read_timeout)
            .field("shutdown_deadline", &self.shutdown_deadline)
            .field("history_entries", &self.history_entries)
            .field("history_bytes", &self.history_bytes)
            .finish()
    }
}

impl MockConfig {
    /// The project's key; on `127.0.0.1`, a port the system chooses, no callbacks, the
    /// platform's re-send schedule in real time, every payment successful, the default read
    /// timeouts, stop deadline and history bounds.
    pub fn new(key: SecretKey) -> Self {
        Self {
            key,
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            callback_url: None,
            schedule: ResendSchedule::platform(),
            time_scale: 1.0,
            outcomes: Vec::new(),
            events: None,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            shutdown_deadline: DEFAULT_SHUTDOWN_DEADLINE,
            history_entries: crate::HISTORY_LIMIT,
            history_bytes: crate::HISTORY_BYTES,
        }
    }

    /// How long a client may take to send a request's start line and headers, counted from
    /// when the mock starts waiting for them (an idle kept-alive connection too); then the
    /// connection is closed. Default [`DEFAULT_HEADER_READ_TIMEOUT`]; at least 1 ms.
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout.max(MIN_TIMEOUT);
        self
    }

    /// How long a client may take to send a request's whole body, counted from the end of its
    /// headers; then the request is refused and the connection closed, however slowly bytes
    /// still trickle in. Default [`DEFAULT_BODY_READ_TIMEOUT`]; at least 1 ms.
    pub fn body_read_timeout(mut self, timeout: Duration) -> Self {
        self.body_read_timeout = timeout.max(MIN_TIMEOUT);
        self
    }

    /// How long a stop ([`crate::MockGate::shutdown`], or dropping the mock) waits for the
    /// requests in progress to finish before it closes their connections. Default
    /// [`DEFAULT_SHUTDOWN_DEADLINE`].
    pub fn shutdown_deadline(mut self, deadline: Duration) -> Self {
        self.shutdown_deadline = deadline;
        self
    }

    /// How much history is kept: at most `entries` items and `bytes` bytes in each of the
    /// requests, the callback deliveries and the Payment Page visits, the oldest forgotten
    /// first (the event sink sees every one). Default [`crate::HISTORY_LIMIT`] and
    /// [`crate::HISTORY_BYTES`].
    pub fn history_limit(mut self, entries: usize, bytes: usize) -> Self {
        self.history_entries = entries;
        self.history_bytes = bytes;
        self
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

    /// When a callback not answered with 200 is sent again (default
    /// [`ResendSchedule::platform`]).
    pub fn resend_schedule(mut self, schedule: ResendSchedule) -> Self {
        self.schedule = schedule;
        self
    }

    /// How much faster than real time the schedule runs: `1000.0` turns the platform's 10 s
    /// gap into 10 ms, so a test sees every re-send without waiting. Values that are not finite
    /// and positive keep real time.
    pub fn time_scale(mut self, factor: f64) -> Self {
        self.time_scale = if factor.is_finite() && factor > 0.0 {
            factor
        } else {
            1.0
        };
        self
    }

    /// Adds an outcome rule; the first rule that matches a request decides its outcome, and a
    /// request no rule matches succeeds.
    pub fn outcome(mut self, when: When, outcome: Outcome) -> Self {
        self.outcomes.push(OutcomeRule { when, outcome });
        self
    }

    /// Declines every operation whose `payment.amount` is `amount`.
    pub fn decline_amount(self, amount: u64) -> Self {
        self.outcome(When::Amount(amount), Outcome::decline())
    }

    /// Calls `sink` with every request received and every callback delivered.
    pub fn on_event(mut self, sink: impl Fn(&MockEvent) + Send + Sync + 'static) -> Self {
        self.events = Some(Arc::new(sink));
        self
    }

    /// The gap before delivery `attempt + 1` in this configuration's time, or `None` when the
    /// schedule has no more deliveries.
    pub(crate) fn gap_after(&self, attempt: u32) -> Option<Duration> {
        self.schedule
            .gap_after(attempt)
            .map(|gap| scaled_gap(gap, self.time_scale).unwrap_or(Duration::MAX))
    }

    pub(crate) fn outcome_of(&self, request: &RequestFacts<'_>) -> Outcome {
        self.outcomes
            .iter()
            .find(|rule| rule.when.matches(request))
            .map(|rule| rule.outcome.clone())
            .unwrap_or(Outcome::Success)
    }
}

/// `gap` in a time running `time_scale` times faster than real time, or `None` when it is longer
/// than a [`Duration`] holds (`Duration::div_f64` would panic): a scale that small is refused by
/// `ecommpay mock` ([`ResendSchedule::fits_time_scale`]), and waits "forever" in a library
/// caller's mock.
pub(crate) fn scaled_gap(gap: Duration, time_scale: f64) -> Option<Duration> {
    Duration::try_from_secs_f64(gap.as_secs_f64() / time_scale).ok()
}

/// When a callback is delivered again: the gaps between consecutive deliveries. A callback is
/// delivered once, then once after each gap while the merchant does not answer 200.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResendSchedule {
    gaps: Vec<Duration>,
}

impl ResendSchedule {
    /// The platform's schedule as the source states it: six deliveries 10 s apart,
    /// then growing gaps. How they grow is not in our documents; the mock doubles them from
    /// 20 s to 640 s (six more deliveries), twelve in all over about 22 minutes.
    pub fn platform() -> Self {
        let mut gaps = vec![Duration::from_secs(10); 5];
        gaps.extend((1..=6).map(|step| Duration::from_secs(10 << step)));
        Self { gaps }
    }

    /// `deliveries` deliveries in all (at least one), `gap` apart.
    pub fn fixed(deliveries: u32, gap: Duration) -> Self {
        let resends = deliveries.max(1) - 1;
        Self {
            gaps: vec![gap; resends as usize],
        }
    }

    /// The given gaps, in order.
    pub fn gaps(gaps: impl IntoIterator<Item = Duration>) -> Self {
        Self {
            gaps: gaps.into_iter().collect(),
        }
    }

    /// Deliveries in all while the merchant never answers 200.
    pub fn deliveries(&self) -> u32 {
        u32::try_from(self.gaps.len()).map_or(u32::MAX, |n| n.saturating_add(1))
    }

    /// Whether every gap, run `time_scale` times faster than real time, is a time a [`Duration`]
    /// holds (`1e-300` turns 640 s into more than 10^300 s: it does not).
    pub fn fits_time_scale(&self, time_scale: f64) -> bool {
        time_scale.is_finite()
            && time_scale > 0.0
            && self
                .gaps
                .iter()
                .all(|gap| scaled_gap(*gap, time_scale).is_some())
    }

    /// The gap before delivery `attempt + 1` (attempts count from 1).
    pub fn gap_after(&self, attempt: u32) -> Option<Duration> {
        let index = usize::try_from(attempt.checked_sub(1)?).ok()?;
        self.gaps.get(index).copied()
    }
}

/// What a request's callbacks report.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The operation succeeds.
    Success,
    /// The operation is declined with this code and message (`20000`, `General decline` as in
    /// the documents' decline callbacks).
    Decline {
        /// The decline code (`operation.code`).
        code: String,
        /// Its text (`operation.message`).
        message: String,
    },
}

impl Outcome {
    /// The decline of the documents' examples: code `20000`, `General decline`.
    pub fn decline() -> Self {
        Outcome::Decline {
            code: "20000".into(),
            message: "General decline".into(),
        }
    }
}

/// What an outcome rule looks at.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum When {
    /// `payment.amount` is this amount.
    Amount(u64),
    /// `general.payment_id` is this id.
    PaymentId(String),
    /// `general.payment_id` starts with this prefix.
    PaymentIdPrefix(String),
    /// The operation id is this one (`paypal.gate.refund`).
    Operation(String),
    /// Every request.
    Always,
}

impl When {
    fn matches(&self, request: &RequestFacts<'_>) -> bool {
        match self {
            When::Amount(amount) => request.amount == Some(*amount),
            When::PaymentId(id) => request.payment_id == Some(id.as_str()),
            When::PaymentIdPrefix(prefix) => request
                .payment_id
                .is_some_and(|id| id.starts_with(prefix.as_str())),
            When::Operation(operation) => request.operation == operation,
            When::Always => true,
        }
    }
}

/// An outcome and when it applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutcomeRule {
    /// Which requests it applies to.
    pub when: When,
    /// What their callbacks report.
    pub outcome: Outcome,
}

/// What outcome rules see of a request.
pub(crate) struct RequestFacts<'a> {
    pub(crate) operation: &'a str,
    pub(crate) payment_id: Option<&'a str>,
    pub(crate) amount: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_platform_schedule_is_six_tries_ten_seconds_apart_then_growing_gaps() {
        let schedule = ResendSchedule::platform();
        assert_eq!(schedule.deliveries(), 12);
        let gaps: Vec<u64> = (1..12)
            .map(|attempt| schedule.gap_after(attempt).unwrap().as_secs())
            .collect();
        assert_eq!(gaps, [10, 10, 10, 10, 10, 20, 40, 80, 160, 320, 640]);
        assert_eq!(schedule.gap_after(12), None);
        assert_eq!(schedule.gap_after(0), None);
    }

    #[test]
    fn the_time_scale_shortens_every_gap() {
        let config = MockConfig::new(SecretKey::new("k").unwrap()).time_scale(1000.0);
        assert_eq!(config.gap_after(1), Some(Duration::from_millis(10)));
        assert_eq!(config.gap_after(11), Some(Duration::from_millis(640)));
        let real = MockConfig::new(SecretKey::new("k").unwrap()).time_scale(f64::NAN);
        assert_eq!(real.gap_after(1), Some(Duration::from_secs(10)));
        let tiny = MockConfig::new(SecretKey::new("k").unwrap()).time_scale(1e-300);
        assert_eq!(tiny.gap_after(11), Some(Duration::MAX), "no panic");
        assert_eq!(scaled_gap(Duration::from_secs(640), 1e-300), None);
        assert!(!ResendSchedule::platform().fits_time_scale(1e-300));
        assert!(ResendSchedule::platform().fits_time_scale(0.001));
        assert!(!ResendSchedule::platform().fits_time_scale(f64::INFINITY));
    }

    #[test]
    fn a_fixed_schedule_counts_its_deliveries() {
        assert_eq!(ResendSchedule::fixed(0, Duration::ZERO).deliveries(), 1);
        assert_eq!(ResendSchedule::fixed(3, Duration::ZERO).deliveries(), 3);
    }

    #[test]
    fn the_first_matching_rule_decides_and_success_is_the_default() {
        let config = MockConfig::new(SecretKey::new("k").unwrap())
            .outcome(When::PaymentIdPrefix("vip-".into()), Outcome::Success)
            .decline_amount(1313)
            .outcome(
                When::Operation("paypal.gate.refund".into()),
                Outcome::decline(),
            );
        let facts = |operation, payment_id, amount| RequestFacts {
            operation,
            payment_id,
            amount,
        };
        let sale = "astropay.gate.sale";
        assert_eq!(
            config.outcome_of(&facts(sale, Some("vip-1"), Some(1313))),
            Outcome::Success
        );
        assert_eq!(
            config.outcome_of(&facts(sale, Some("o-1"), Some(1313))),
            Outcome::decline()
        );
        assert_eq!(
            config.outcome_of(&facts(sale, Some("o-1"), Some(1000))),
            Outcome::Success
        );
        assert_eq!(
            config.outcome_of(&facts("paypal.gate.refund", Some("o-1"), None)),
            Outcome::decline()
        );
    }

    #[test]
    fn the_debug_form_does_not_show_the_key() {
        let config = MockConfig::new(SecretKey::new("very-secret-key").unwrap()).on_event(|_| {});
        let shown = format!("{config:?}");
        assert!(!shown.contains("very-secret-key"), "{shown}");
        assert!(shown.contains("EventSink"));
    }
}
