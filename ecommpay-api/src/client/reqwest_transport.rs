//! The default transport: reqwest over rustls.

use std::time::Duration;

use super::transport::{
    Timeouts, Transport, TransportError, TransportErrorKind, TransportRequest, TransportResponse,
};

/// The default size limit of an answer read by [`ReqwestTransport`]: 1 MiB (the Gate's answers
/// are a few hundred bytes).
pub const DEFAULT_MAX_ANSWER_BYTES: usize = 1 << 20;

/// [`Transport`] over a [`reqwest::Client`] with rustls (no OpenSSL).
///
/// The connect timeout is a setting of the client (reqwest has no per-request connect timeout),
/// so it is the one given to [`ReqwestTransport::new`], which [`GateBuilder::build`] passes from
/// its own settings; the total timeout is applied to each request, from the first connection
/// attempt to the last byte of the answer. Answers larger than the size limit are an
/// [`TransportErrorKind::Interrupted`] failure.
///
/// [`GateBuilder::build`]: super::GateBuilder::build
#[derive(Clone, Debug)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    max_answer_bytes: usize,
}

impl ReqwestTransport {
    /// A transport with its own client, this connect timeout, no redirects followed and no
    /// proxy from the environment, over rustls with the `ring` crypto provider and the
    /// platform's certificate verifier.
    pub fn new(connect_timeout: Duration) -> Result<Self, TransportError> {
        let setup = |e: &dyn std::fmt::Display| {
            TransportError::new(
                TransportErrorKind::Connect,
                format!("cannot set up the HTTP client: {e}"),
            )
        };
        let tls = tls_config().map_err(|e| setup(&e))?;
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .connect_timeout(connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .build()
            .map_err(|e| setup(&e))?;
        Ok(Self::from_client(client))
    }

    /// A transport over a client set up by the caller (proxy, certificates, pool): its connect
    /// timeout is the client's.
    pub fn from_client(client: reqwest::Client) -> Self {
        Self {
            client,
            max_answer_bytes: DEFAULT_MAX_ANSWER_BYTES,
        }
    }

    /// The same transport with another size limit for answers.
    pub fn with_max_answer_bytes(mut self, limit: usize) -> Self {
        self.max_answer_bytes = limit;
        self
    }

    /// The underlying client.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    async fn exchange(
        &self,
        request: TransportRequest,
    ) -> Result<TransportResponse, TransportError> {
        let method = reqwest::Method::from_bytes(request.method.as_bytes()).map_err(|e| {
            TransportError::new(TransportErrorKind::Connect, "invalid HTTP method").with_source(e)
        })?;
        let Timeouts { total, .. } = request.timeouts;
        let mut builder = self
            .client
            .request(method, &request.url)
            .timeout(total)
            .body(request.body);
        for (name, value) in &request.headers {
            builder = builder.header(*name, value.as_str());
        }
        let address = origin(&request.url);
        let mut response = builder.send().await.map_err(|e| classify(e, address))?;
        let status = response.status().as_u16();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| classify(e, address))? {
            if body.len() + chunk.len() > self.max_answer_bytes {
                return Err(TransportError::new(
                    TransportErrorKind::Interrupted,
                    format!(
                        "the answer (HTTP {status}) is larger than {} bytes",
                        self.max_answer_bytes
                    ),
                )
                .with_address(address));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(TransportResponse { status, body })
    }
}

impl Transport for ReqwestTransport {
    fn send(
        &self,
        request: TransportRequest,
    ) -> impl Future<Output = Result<TransportResponse, TransportError>> + Send {
        self.exchange(request)
    }
}

/// rustls on `ring`, an explicit provider rather than a process-wide default, so that the
/// client neither needs nor changes what the rest of the program installs.
fn tls_config() -> Result<rustls::ClientConfig, rustls::Error> {
    use rustls_platform_verifier::BuilderVerifierExt as _;
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_platform_verifier()?
        .with_no_client_auth())
}

/// The scheme, host and port of a URL: the address messages name.
fn origin(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let end = url[after_scheme..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| after_scheme + i);
    &url[..end]
}

/// reqwest reports a connect timeout as both a connect error and a timeout; a connect error is
/// raised only while the connection is made (TCP, TLS), before the request is written.
///
/// The message is the innermost cause (`Connection refused (os error 111)`), after the address:
/// reqwest's and hyper's layers above it each restate the kind ("error sending request",
/// "client error (Connect)", "tcp connect error"), so they are not kept as a source.
fn classify(error: reqwest::Error, address: &str) -> TransportError {
    let kind = match (error.is_connect(), error.is_timeout()) {
        (true, true) => TransportErrorKind::ConnectTimeout,
        (true, false) => TransportErrorKind::Connect,
        (false, true) => TransportErrorKind::Timeout,
        (false, false) => TransportErrorKind::Interrupted,
    };
    let mut cause: &dyn std::error::Error = &error;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    // A timeout's kind and address say it all; the innermost cause only repeats it.
    let message = if kind.is_timeout() {
        String::new()
    } else {
        crate::__private::shorten(cause.to_string())
    };
    TransportError::new(kind, message).with_address(address)
}
