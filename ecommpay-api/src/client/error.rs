//! What can go wrong in sending a request to the Gate.

use crate::signature::CanonicalError;
use crate::validate::Violations;

use super::answer::{AnswerBody, GateRejection};
use super::transport::TransportError;

/// The kinds of [`GateError`], for matching without the details.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GateErrorKind {
    /// Our validator refused the request; nothing was sent.
    Invalid,
    /// The request could not be signed; nothing was sent.
    Sign,
    /// HTTP 403: for payouts, the sending IP address is not on the project's allow-list.
    Forbidden,
    /// HTTP 3xx: a redirect, which the client does not follow; the request may have been
    /// processed.
    Redirected,
    /// Any other answer of the Gate that is not an acceptance (4xx, 5xx, `"status": "error"`).
    Rejected,
    /// No answer in time.
    Timeout,
    /// No answer: the connection failed.
    Transport,
    /// An answer that cannot be understood.
    MalformedAnswer,
}

/// A request the Gate did not accept, or whose fate is unknown.
///
/// Messages name the operation and what failed, quote at most a short prefix of any value,
/// and never show the key or a signature. [`GateError::may_have_been_processed`] tells whether
/// the Gate can have acted on the request: when it can, look up the payment before sending
/// anything again.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GateError {
    /// Our validator refused the request: nothing was sent.
    #[error("{operation}: the request is invalid, nothing was sent: {violations}")]
    Invalid {
        /// The operation id (`astropay.gate.sale`).
        operation: &'static str,
        /// Every violation, with its JSON path.
        violations: Violations,
    },
    /// The request could not be signed or serialized: nothing was sent.
    #[error("{operation}: the request cannot be signed, nothing was sent: {source}")]
    Sign {
        /// The operation id.
        operation: &'static str,
        /// Why.
        #[source]
        source: CanonicalError,
    },
    /// HTTP 403. For payouts and payout registrations this is what the Gate answers to a
    /// request from an IP address that is not on the project's allow-list (ask ecommpay's
    /// support to add it).
    #[error(
        "{operation}: forbidden by the Gate ({rejection}); payouts must come from an IP address \
         on the project's allow-list"
    )]
    Forbidden {
        /// The operation id.
        operation: &'static str,
        /// What the Gate said (boxed, to keep the error small).
        rejection: Box<GateRejection>,
    },
    /// HTTP 3xx: the request reached something that answered with a redirect, which the client
    /// does not follow (a request that moves money is never sent twice by itself). It may have
    /// been processed: look the payment up before sending anything again, and check the base URL.
    #[error(
        "{operation}: the Gate answered with a redirect ({rejection}), which is not followed; the \
         request may have been processed: look the payment up before sending it again, and check \
         the base URL"
    )]
    Redirected {
        /// The operation id.
        operation: &'static str,
        /// What came back (boxed, to keep the error small).
        rejection: Box<GateRejection>,
    },
    /// The Gate answered but did not accept the request: a 4xx or 5xx, or `"status": "error"`.
    #[error("{operation}: rejected by the Gate: {rejection}")]
    Rejected {
        /// The operation id.
        operation: &'static str,
        /// What the Gate said (boxed, to keep the error small).
        rejection: Box<GateRejection>,
    },
    /// No complete answer in time. After a connect timeout nothing was sent; after the total
    /// timeout the Gate may have processed the request.
    #[error("{operation}: {failure} (after {attempts} attempt(s))")]
    Timeout {
        /// The operation id.
        operation: &'static str,
        /// How many times the request was tried.
        attempts: u32,
        /// The last attempt's failure, shown in the message (not as a source, so that a report
        /// of the error's chain says it once).
        failure: TransportError,
    },
    /// No answer: the connection could not be made, or failed before an answer.
    #[error("{operation}: {failure} (after {attempts} attempt(s))")]
    Transport {
        /// The operation id.
        operation: &'static str,
        /// How many times the request was tried.
        attempts: u32,
        /// The last attempt's failure, shown in the message (not as a source, so that a report
        /// of the error's chain says it once).
        failure: TransportError,
    },
    /// A 2xx answer that is not an acceptance the client can read, or an acceptance about
    /// another `project_id` or `payment_id` than the request's. The Gate may have accepted the
    /// request.
    #[error(
        "{operation}: the Gate's answer (HTTP {http_status}) cannot be read: {reason}; body {body}"
    )]
    MalformedAnswer {
        /// The operation id.
        operation: &'static str,
        /// The HTTP status.
        http_status: u16,
        /// What is wrong with it.
        reason: String,
        /// The whole body.
        body: AnswerBody,
    },
}

impl GateError {
    /// The kind of error.
    pub fn kind(&self) -> GateErrorKind {
        match self {
            Self::Invalid { .. } => GateErrorKind::Invalid,
            Self::Sign { .. } => GateErrorKind::Sign,
            Self::Forbidden { .. } => GateErrorKind::Forbidden,
            Self::Redirected { .. } => GateErrorKind::Redirected,
            Self::Rejected { .. } => GateErrorKind::Rejected,
            Self::Timeout { .. } => GateErrorKind::Timeout,
            Self::Transport { .. } => GateErrorKind::Transport,
            Self::MalformedAnswer { .. } => GateErrorKind::MalformedAnswer,
        }
    }

    /// The operation id of the request.
    pub fn operation(&self) -> &'static str {
        match self {
            Self::Invalid { operation, .. }
            | Self::Sign { operation, .. }
            | Self::Forbidden { operation, .. }
            | Self::Redirected { operation, .. }
            | Self::Rejected { operation, .. }
            | Self::Timeout { operation, .. }
            | Self::Transport { operation, .. }
            | Self::MalformedAnswer { operation, .. } => operation,
        }
    }

    /// What the Gate said, for [`GateError::Forbidden`], [`GateError::Redirected`] and
    /// [`GateError::Rejected`].
    pub fn rejection(&self) -> Option<&GateRejection> {
        match self {
            Self::Forbidden { rejection, .. }
            | Self::Redirected { rejection, .. }
            | Self::Rejected { rejection, .. } => Some(rejection),
            _ => None,
        }
    }

    /// The violations, for [`GateError::Invalid`].
    pub fn violations(&self) -> Option<&Violations> {
        match self {
            Self::Invalid { violations, .. } => Some(violations),
            _ => None,
        }
    }

    /// Whether the Gate can have acted on the request: false when nothing was sent or the
    /// Gate refused it with a 4xx; true after a total timeout, a dropped connection, a redirect,
    /// a 5xx or an unreadable 2xx.
    pub fn may_have_been_processed(&self) -> bool {
        match self {
            Self::Invalid { .. } | Self::Sign { .. } | Self::Forbidden { .. } => false,
            Self::Redirected { .. } => true,
            Self::Rejected { rejection, .. } => rejection.is_server_error(),
            Self::Timeout { failure, .. } | Self::Transport { failure, .. } => {
                !failure.nothing_sent()
            }
            Self::MalformedAnswer { .. } => true,
        }
    }
}

/// A Gate that cannot be set up.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The base URL is not an `http://` or `https://` URL without a query or fragment.
    #[error(
        "invalid Gate base URL {}: expected an http:// or https:// URL without query or fragment",
        crate::__private::Excerpt(.0)
    )]
    InvalidBaseUrl(String),
    /// A timeout of zero.
    #[error("the {0} timeout must be greater than zero")]
    ZeroTimeout(&'static str),
    /// The HTTP client cannot be set up.
    #[error("cannot set up the transport: {0}")]
    Transport(#[source] TransportError),
}
