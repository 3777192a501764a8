//! The merchant's HTTP/1 server: a client that stalls while sending its headers or its body
//! loses its connection, so strangers cannot hold the server's connections open, and a stop
//! waits for the requests in progress only until a deadline.
//!
//! `axum::serve` has neither read timeouts nor a deadline on its graceful stop, so the accept
//! loop is hyper's own connection builder. (`ecommpay-mock`'s server does the same; an example
//! keeps its own copy so that it can be copied without the mock.)

use std::future::Future;
use std::pin::{Pin, pin};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes, HttpBody};
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::{Instant, Sleep};
use tower::ServiceExt;

/// How the server treats slow clients and a stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServeLimits {
    /// From waiting for a request's head (on a new or an idle kept-alive connection) to having
    /// it whole; then the connection is closed.
    pub header_read: Duration,
    /// From a request's head to the end of its body, however slowly bytes trickle in; then the
    /// request is refused and the connection closed.
    pub body_read: Duration,
    /// From the stop to closing the connections still open.
    pub shutdown: Duration,
}

impl Default for ServeLimits {
    /// 10 s for the head, 30 s for a body (a callback is at most 1 MiB), 5 s to stop.
    fn default() -> Self {
        Self {
            header_read: Duration::from_secs(10),
            body_read: Duration::from_secs(30),
            shutdown: Duration::from_secs(5),
        }
    }
}

/// Serves `router` on `listener` until `stop` resolves, then lets the requests in progress
/// finish for at most `limits.shutdown` and closes the connections left.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ServeLimits,
    stop: impl Future<Output = ()>,
) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read.max(Duration::from_millis(1)));
    let service = router.map_request(move |request: hyper::Request<Incoming>| {
        request.map(|body| Body::new(BodyDeadline::new(body, limits.body_read)))
    });
    let (stopping, stopped) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut stop = pin!(stop);
    loop {
        tokio::select! {
            () = stop.as_mut() => break,
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(error) => {
                        // Out of file descriptors and the like: pause rather than spin.
                        tracing::warn!(%error, "cannot accept a connection");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let connection = http.serve_connection(
                    TokioIo::new(stream),
                    TowerToHyperService::new(service.clone()),
                );
                let mut stopped = stopped.clone();
                connections.spawn(async move {
                    let mut connection = pin!(connection);
                    tokio::select! {
                        _ = connection.as_mut() => {}
                        () = async { let _ = stopped.wait_for(|stopped| *stopped).await; } => {
                            // Closes an idle connection now, a busy one after its answer.
                            connection.as_mut().graceful_shutdown();
                            let _ = connection.await;
                        }
                    }
                });
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    stopping.send_replace(true);
    let drained = async { while connections.join_next().await.is_some() {} };
    let _ = tokio::time::timeout(limits.shutdown, drained).await;
    connections.shutdown().await;
}

/// A request body that fails once its deadline has passed.
struct BodyDeadline {
    inner: Incoming,
    deadline: Pin<Box<Sleep>>,
    timeout: Duration,
}

impl BodyDeadline {
    fn new(inner: Incoming, timeout: Duration) -> Self {
        Self {
            inner,
            deadline: Box::pin(tokio::time::sleep_until(Instant::now() + timeout)),
            timeout,
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the request body was not received within {0:?}")]
struct BodyTimedOut(Duration);

impl HttpBody for BodyDeadline {
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|frame| frame.map_err(Into::into)));
        }
        match this.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(BodyTimedOut(this.timeout).into()))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
