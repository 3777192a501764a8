//! A mock that can be left running: it stops when told whatever its clients hold, closes
//! connections that stall, and keeps its history within its bytes. Every wait is bounded by a
//! test-side timeout that fails the test; none of them is a speed assertion.

mod support;

use std::time::Duration;

use ecommpay_api::client::{ReqwestTransport, Transport, TransportRequest};
use ecommpay_mock::{BODY_EXCERPT_BYTES, KEPT_BODY_BYTES, MockConfig, MockGate};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Longer than any test here waits: only the behaviour under test can close a connection.
const NEVER: Duration = Duration::from_secs(3600);

/// How long a test waits for what it expects before it fails.
const PATIENCE: Duration = Duration::from_secs(20);

const SALE_PATH: &str = "/v2/payment/wallet/paypal/sale";

fn address(mock: &MockGate) -> String {
    mock.base_url().trim_start_matches("http://").to_owned()
}

/// A connection that has sent `sent` and then holds still.
async fn holding(mock: &MockGate, sent: &str) -> TcpStream {
    let mut stream = TcpStream::connect(address(mock)).await.unwrap();
    stream.write_all(sent.as_bytes()).await.unwrap();
    stream
}

/// Everything the server sends until it closes the connection; fails the test when it is
/// still open after [`PATIENCE`].
async fn until_closed(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    let read = tokio::time::timeout(PATIENCE, async {
        let mut buffer = [0u8; 4096];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await;
    assert!(
        read.is_ok(),
        "the connection is still open after {PATIENCE:?}"
    );
    String::from_utf8_lossy(&received).into_owned()
}

/// Half a request's head, the whole head and half the body, and an idle kept-alive
/// connection: the stop finishes all the same, and closes them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_finishes_whatever_the_clients_hold() {
    let mock = MockGate::start(
        MockConfig::new(support::key())
            .header_read_timeout(NEVER)
            .body_read_timeout(NEVER)
            .shutdown_deadline(Duration::from_millis(300)),
    )
    .await
    .unwrap();
    let mut half_head = holding(
        &mock,
        &format!("POST {SALE_PATH} HTTP/1.1\r\nHost: mock\r\nContent-Le"),
    )
    .await;
    let mut half_body = holding(
        &mock,
        &format!(
            "POST {SALE_PATH} HTTP/1.1\r\nHost: mock\r\nContent-Type: application/json\r\n\
             Content-Length: 1000\r\n\r\n{{\"general\": "
        ),
    )
    .await;
    let mut idle = holding(&mock, "").await;
    // The server has taken all three in before it is told to stop.
    let answered = support::post_json(format!("{}{SALE_PATH}", mock.base_url()), &json!({})).await;
    assert_eq!(answered.status, 400);

    tokio::time::timeout(PATIENCE, mock.shutdown())
        .await
        .expect("the stop finishes while clients hold half-sent requests");
    for stream in [&mut half_head, &mut half_body, &mut idle] {
        until_closed(stream).await;
    }
}

/// Dropping the mock stops it too: its connections are closed by the deadline.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_mock_closes_its_connections() {
    let mock = MockGate::start(
        MockConfig::new(support::key())
            .header_read_timeout(NEVER)
            .shutdown_deadline(Duration::from_millis(100)),
    )
    .await
    .unwrap();
    let mut half_head = holding(&mock, &format!("POST {SALE_PATH} HTTP/1.1\r\n")).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    drop(mock);
    until_closed(&mut half_head).await;
}

/// A client that stops sending its head, or never sends one, loses its connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_head_is_closed() {
    let mock = MockGate::start(
        MockConfig::new(support::key())
            .header_read_timeout(Duration::from_millis(200))
            .body_read_timeout(NEVER),
    )
    .await
    .unwrap();
    let mut half_head = holding(&mock, &format!("POST {SALE_PATH} HTTP/1.1\r\nHost: m")).await;
    let mut silent = holding(&mock, "").await;
    until_closed(&mut half_head).await;
    until_closed(&mut silent).await;

    // A kept-alive connection that goes quiet after an answer is closed the same way.
    let mut kept_alive = holding(
        &mock,
        &format!("POST {SALE_PATH} HTTP/1.1\r\nHost: m\r\nContent-Length: 2\r\n\r\n{{}}"),
    )
    .await;
    let received = until_closed(&mut kept_alive).await;
    assert!(received.starts_with("HTTP/1.1 400"), "{received}");
    mock.shutdown().await;
}

/// A client that stops sending its body, or sends it too slowly, is refused and loses its
/// connection, however many bytes still trickle in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_or_trickling_body_is_closed() {
    let mock = MockGate::start(
        MockConfig::new(support::key())
            .header_read_timeout(NEVER)
            .body_read_timeout(Duration::from_millis(300)),
    )
    .await
    .unwrap();
    let head = format!(
        "POST {SALE_PATH} HTTP/1.1\r\nHost: m\r\nContent-Type: application/json\r\n\
         Content-Length: 100000\r\n\r\n"
    );
    let mut stalled = holding(&mock, &format!("{head}{{\"general\"")).await;
    let received = until_closed(&mut stalled).await;
    assert!(received.starts_with("HTTP/1.1 4"), "{received}");

    let mut trickling = holding(&mock, &head).await;
    let trickle = async {
        // One byte every 20 ms, for far longer than the body's deadline.
        for _ in 0..1000 {
            if trickling.write_all(b" ").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let closed = tokio::time::timeout(PATIENCE, trickle).await;
    assert!(closed.is_ok(), "a trickling body still accepted");
    until_closed(&mut trickling).await;
    mock.shutdown().await;
}

/// The history keeps within its bytes: bodies of up to `KEPT_BODY_BYTES` whole (as compact
/// text), larger ones as an excerpt, the oldest forgotten when the bytes run out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_history_keeps_within_its_bytes() {
    const BOUND: usize = 256 << 10;
    let mock = MockGate::start(MockConfig::new(support::key()).history_limit(1000, BOUND))
        .await
        .unwrap();
    let url = format!("{}{SALE_PATH}", mock.base_url());
    // Refused (no signature), but recorded with their bodies: 40 KiB each, 20 of them.
    let padding = "x".repeat(40 << 10);
    for i in 0..20 {
        let body = json!({"general": {"payment_id": format!("big-{i}")}, "padding": padding});
        assert_eq!(support::post_json(url.clone(), &body).await.status, 400);
    }
    let kept = mock.requests();
    assert!(
        mock.requests_history_bytes() <= BOUND,
        "{} bytes",
        mock.requests_history_bytes()
    );
    assert!((1..20).contains(&kept.len()), "{} kept", kept.len());
    let ids: Vec<_> = kept.iter().filter_map(|r| r.payment_id.clone()).collect();
    let newest: Vec<_> = (20 - kept.len()..20).map(|i| format!("big-{i}")).collect();
    assert_eq!(ids, newest, "the newest are kept, in order");
    assert_eq!(kept[0].body.as_ref().unwrap()["padding"], padding.as_str());

    // 1 MiB of zeros in an array: an excerpt and the length, not a parsed value.
    let zeros = format!("[{}0]", "0,".repeat((1 << 19) - 2));
    assert!(zeros.len() > KEPT_BODY_BYTES);
    let answered = support::post(url, "application/json", zeros.clone().into_bytes()).await;
    assert_eq!(answered.status, 400);
    let last = mock.requests().pop().unwrap();
    assert_eq!(
        (last.body, last.body_bytes, last.body_excerpt.as_deref()),
        (None, zeros.len(), Some(&zeros[..BODY_EXCERPT_BYTES]))
    );
    assert!(mock.requests_history_bytes() <= BOUND);

    // Over HTTP: the kept body as it is, the excerpt of the other.
    let transport = ReqwestTransport::new(Duration::from_secs(5)).unwrap();
    let listed = transport
        .send(TransportRequest::new(
            "GET",
            format!("{}/_mock/requests", mock.base_url()),
            vec![],
            Vec::new(),
            Default::default(),
        ))
        .await
        .unwrap();
    let listed: serde_json::Value = serde_json::from_slice(&listed.body).unwrap();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), mock.requests().len());
    assert_eq!(listed[0]["body"]["padding"], padding.as_str());
    assert_eq!(listed[0]["answered"], 400);
    assert!(listed[0].get("body_excerpt").is_none());
    let last = listed.last().unwrap();
    assert_eq!(
        (&last["body"], &last["body_bytes"], &last["body_excerpt"]),
        (
            &serde_json::Value::Null,
            &json!(zeros.len()),
            &json!(&zeros[..BODY_EXCERPT_BYTES])
        )
    );
    mock.shutdown().await;
}
