//! The transport under the Gate: one async exchange of bytes, so that another HTTP stack or a
//! test double can take reqwest's place.

use std::fmt;
use std::future::Future;
use std::time::Duration;

/// How long an exchange may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Timeouts {
    /// Establishing the connection (TCP and TLS). Default 10 s.
    pub connect: Duration,
    /// The whole exchange, from the first connection attempt to the last byte of the answer.
    /// Default 30 s.
    pub total: Duration,
}

impl Timeouts {
    /// The default connect timeout: 10 seconds.
    pub const DEFAULT_CONNECT: Duration = Duration::from_secs(10);
    /// The default total timeout: 30 seconds.
    pub const DEFAULT_TOTAL: Duration = Duration::from_secs(30);
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Self::DEFAULT_CONNECT,
            total: Self::DEFAULT_TOTAL,
        }
    }
}

/// One HTTP request as the Gate hands it to a [`Transport`].
///
/// `Debug` leaves the body out: it carries the request's signature.
#[derive(Clone)]
#[non_exhaustive]
pub struct TransportRequest {
    /// The HTTP method (`POST`).
    pub method: &'static str,
    /// The absolute URL: the Gate's base URL and the operation's path.
    pub url: String,
    /// Header names and values (`Content-Type`, `Accept`, `User-Agent`).
    pub headers: Vec<(&'static str, String)>,
    /// The body: the signed JSON request.
    pub body: Vec<u8>,
    /// The timeouts the transport must apply.
    pub timeouts: Timeouts,
}

impl TransportRequest {
    /// A request; the Gate builds these, transports and test doubles read them.
    pub fn new(
        method: &'static str,
        url: impl Into<String>,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
        timeouts: Timeouts,
    ) -> Self {
        Self {
            method,
            url: url.into(),
            headers,
            body,
            timeouts,
        }
    }
}

impl fmt::Debug for TransportRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &self.headers)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .field("timeouts", &self.timeouts)
            .finish()
    }
}

/// What came back: the HTTP status and the whole body.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TransportResponse {
    /// The HTTP status code.
    pub status: u16,
    /// The body, as received.
    pub body: Vec<u8>,
}

impl TransportResponse {
    /// A response with this status and body.
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            body: body.into(),
        }
    }
}

/// What kind of failure a [`TransportError`] is, and so whether the request can have reached
/// the Gate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection could be made (refused, unreachable, name not resolved, TLS handshake
    /// failed): no byte of the request was sent.
    Connect,
    /// The connection was not made within the connect timeout: no byte of the request was sent.
    ConnectTimeout,
    /// The exchange did not finish within the total timeout, after the connection was made: the
    /// Gate may have received and processed the request.
    Timeout,
    /// The connection failed after the request was (perhaps partly) sent: closed or reset
    /// without an answer, an answer cut short or too large. The Gate may have processed it.
    Interrupted,
}

impl TransportErrorKind {
    /// Whether the failure happened before any byte of the request was sent, so that the Gate
    /// cannot have seen it.
    pub fn nothing_sent(self) -> bool {
        matches!(self, Self::Connect | Self::ConnectTimeout)
    }

    /// Whether the failure is a timeout.
    pub fn is_timeout(self) -> bool {
        matches!(self, Self::ConnectTimeout | Self::Timeout)
    }

    fn describe(self) -> &'static str {
        match self {
            Self::Connect => "cannot connect",
            Self::ConnectTimeout => "connect timeout",
            Self::Timeout => "timeout",
            Self::Interrupted => "connection failed after sending",
        }
    }
}

/// A transport failure: no HTTP answer was received.
///
/// With an address, its message names it once (`cannot connect to http://127.0.0.1:9:
/// Connection refused (os error 111)`, `no complete answer from https://api.ecommpay.com within
/// the total timeout`).
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    address: Option<String>,
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(address) = &self.address else {
            return write!(f, "{}: {}", self.kind.describe(), self.message);
        };
        match self.kind {
            TransportErrorKind::Connect => write!(f, "cannot connect to {address}"),
            TransportErrorKind::ConnectTimeout => {
                write!(f, "no connection to {address} within the connect timeout")
            }
            TransportErrorKind::Timeout => {
                write!(
                    f,
                    "no complete answer from {address} within the total timeout"
                )
            }
            TransportErrorKind::Interrupted => {
                write!(f, "the connection to {address} failed after sending")
            }
        }?;
        if self.message.is_empty() {
            Ok(())
        } else {
            write!(f, ": {}", self.message)
        }
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl TransportError {
    /// A failure of this kind, described by `message` (which must not quote the request).
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            address: None,
            message: message.into(),
            source: None,
        }
    }

    /// The same failure naming the address it concerns (`http://127.0.0.1:9`; no path, no query).
    pub fn with_address(mut self, address: impl Into<String>) -> Self {
        self.address = Some(address.into());
        self
    }

    /// The same failure with its underlying cause.
    pub fn with_source(
        mut self,
        source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Self {
        self.source = Some(source.into());
        self
    }

    /// What kind of failure it is.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether no byte of the request was sent (see [`TransportErrorKind::nothing_sent`]).
    pub fn nothing_sent(&self) -> bool {
        self.kind.nothing_sent()
    }
}

/// An HTTP stack the Gate sends its requests through: one exchange of bytes.
///
/// Implementations apply the request's [`Timeouts`], return any HTTP answer as a
/// [`TransportResponse`] whatever its status, and classify failures with
/// [`TransportErrorKind`]: the Gate retries (when asked to) only what a transport reports as
/// [`TransportErrorKind::Connect`] or [`TransportErrorKind::ConnectTimeout`], so a transport
/// must report those only when no byte of the request was sent.
///
/// ```
/// use ecommpay_api::client::{Transport, TransportError, TransportRequest, TransportResponse};
///
/// /// A test double that accepts everything.
/// struct AlwaysAccepted;
///
/// impl Transport for AlwaysAccepted {
///     async fn send(&self, request: TransportRequest) -> Result<TransportResponse, TransportError> {
///         assert_eq!(request.method, "POST");
///         Ok(TransportResponse::new(200, r#"{"status":"success","request_id":"r-1"}"#))
///     }
/// }
/// ```
pub trait Transport: Send + Sync {
    /// Sends one request and returns the answer, or why there is none.
    fn send(
        &self,
        request: TransportRequest,
    ) -> impl Future<Output = Result<TransportResponse, TransportError>> + Send;
}

impl<T: Transport + ?Sized> Transport for std::sync::Arc<T> {
    fn send(
        &self,
        request: TransportRequest,
    ) -> impl Future<Output = Result<TransportResponse, TransportError>> + Send {
        (**self).send(request)
    }
}

impl<T: Transport + ?Sized> Transport for &T {
    fn send(
        &self,
        request: TransportRequest,
    ) -> impl Future<Output = Result<TransportResponse, TransportError>> + Send {
        (**self).send(request)
    }
}
