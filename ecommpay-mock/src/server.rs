//! The HTTP/1 server under the mock's routes, built so that the mock can be left running and
//! stopped when told: a client that stalls while sending its headers or its body loses its
//! connection, and a stop waits for requests in progress only until a deadline, then closes
//! whatever connections are left, whatever their clients hold.
//!
//! `axum::serve` has neither read timeouts nor a deadline on its graceful stop (it waits for
//! every connection to finish), so the accept loop is hyper's own connection builder.

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
#[derive(Clone, Copy, Debug)]
pub(crate) struct ServerLimits {
    /// From waiting for a request's head to having it whole.
    pub(crate) header_read: Duration,
    /// From a request's head to the end of its body.
    pub(crate) body_read: Duration,
    /// From the stop to closing the connections still open.
    pub(crate) shutdown: Duration,
}

/// The stop signal the server, its connections and the mock's background deliveries watch.
#[derive(Clone)]
pub(crate) struct Stop(watch::Receiver<bool>);

impl Stop {
    pub(crate) fn new() -> (watch::Sender<bool>, Self) {
        let (sender, receiver) = watch::channel(false);
        (sender, Self(receiver))
    }

    /// Resolves once the stop has been asked for (or its sender dropped).
    pub(crate) async fn requested(&mut self) {
        let _ = self.0.wait_for(|stopped| *stopped).await;
    }
}

/// Serves `router` on `listener` until `stop`, then lets requests in progress finish for at
/// most `limits.shutdown` and closes the connections left.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ServerLimits,
    mut stop: Stop,
) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read);
    let service = router.map_request(move |request: hyper::Request<Incoming>| {
        request.map(|body| Body::new(BodyDeadline::new(body, limits.body_read)))
    });
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            () = stop.requested() => break,
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
                let mut stop = stop.clone();
                connections.spawn(async move {
                    let mut connection = pin!(connection);
                    tokio::select! {
                        _ = connection.as_mut() => {}
                        () = stop.requested() => {
                            // Closes an idle connection now, a busy one after its answer.
                            connection.as_mut().graceful_shutdown();
                            let _ = connection.await;
                        }
                    }
                });
            }
            // Finished connections are reaped as they go, so the set stays as large as the
            // number of open connections.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let drained = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(limits.shutdown, drained)
        .await
        .is_err()
    {
        tracing::info!(
            open = connections.len(),
            "closing the connections still open at the stop deadline"
        );
    }
    connections.shutdown().await;
}

/// A request body that fails once its deadline has passed, so that a client sending it slowly
/// (or not at all) is refused and its connection closed.
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

/// The error a body past its deadline gives its reader.
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
