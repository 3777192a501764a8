//! Exactly once with a real store: concurrent copies of callbacks give one business action per
//! delivery, late callbacks never move an order backwards, and a client that stalls loses its
//! connection. The merchant runs on loopback with its SQLite file in a temporary directory;
//! every wait is bounded by a test-side timeout that fails the test.

use std::path::PathBuf;
use std::time::Duration;

use ecommpay_api::SecretKey;
use ecommpay_api::client::{ReqwestTransport, Transport, TransportRequest};
use ecommpay_example_merchant::{App, Config, OrderStatus, ServeLimits, router, serve};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const KEY: &str = "merchant-exactly-once-secret";
const PATIENCE: Duration = Duration::from_secs(60);

/// A fresh database file for one test.
fn database(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ecommpay-merchant-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("merchant.sqlite3")
}

/// The merchant on loopback; its base URL.
async fn merchant(name: &str, limits: ServeLimits) -> (App, String) {
    let app = App::new(Config {
        key: SecretKey::new(KEY).unwrap(),
        project_id: 210,
        // No order is opened here: the Gate is never called.
        gate_base_url: "http://127.0.0.1:9".into(),
        return_base_url: "http://127.0.0.1:9/return".into(),
        database: database(name),
    })
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(serve(
        listener,
        router(app.clone()),
        limits,
        std::future::pending(),
    ));
    (app, url)
}

/// A signed callback about `order`'s operation `operation_id`.
fn callback(
    order: &str,
    operation_id: u64,
    operation_type: &str,
    operation_status: &str,
    payment_status: &str,
) -> Vec<u8> {
    let mut body = json!({
        "project_id": 210,
        "payment": {"id": order, "type": "purchase", "status": payment_status},
        "operation": {"id": operation_id, "type": operation_type, "status": operation_status},
    });
    if operation_status == "awaiting redirect result" {
        body["redirect_data"] =
            json!({"method": "GET", "body": {}, "url": "https://example.com/pay"});
    }
    SecretKey::new(KEY).unwrap().sign_callback(&body).unwrap()
}

fn redirect(order: &str, operation_id: u64) -> Vec<u8> {
    callback(
        order,
        operation_id,
        "sale",
        "awaiting redirect result",
        "processing",
    )
}

fn sale(order: &str, operation_id: u64, outcome: &str) -> Vec<u8> {
    callback(order, operation_id, "sale", outcome, outcome)
}

fn refund(order: &str, operation_id: u64, payment_status: &str) -> Vec<u8> {
    callback(order, operation_id, "refund", "success", payment_status)
}

async fn deliver(transport: &ReqwestTransport, url: &str, body: Vec<u8>) -> u16 {
    transport
        .send(TransportRequest::new(
            "POST",
            format!("{url}/ecommpay/callback"),
            vec![("Content-Type", "application/json".into())],
            body,
            Default::default(),
        ))
        .await
        .map(|answer| answer.status)
        .unwrap_or(0)
}

fn order(app: &App, order_id: &str) -> Option<OrderStatus> {
    app.order(order_id).unwrap()
}

/// 250 concurrent copies of 5 callbacks (50 of each, in runs of 10 that alternate, so that
/// copies arrive together and later steps also race ahead of earlier ones): every copy answered 200, exactly 5 business actions, and each order
/// ends at its furthest status whatever the order of arrival.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_copies_give_one_business_action_per_delivery() {
    let (app, url) = merchant("copies", ServeLimits::default()).await;
    let callbacks = [
        redirect("order-a", 1),
        sale("order-a", 1, "success"),
        refund("order-a", 2, "refunded"),
        redirect("order-b", 3),
        sale("order-b", 3, "decline"),
    ];
    let transport = ReqwestTransport::new(Duration::from_secs(30)).unwrap();
    let mut copies = tokio::task::JoinSet::new();
    for copy in 0..250 {
        // Runs of 10 copies of one callback, so that copies arrive together.
        let body = callbacks[(copy / 10) % callbacks.len()].clone();
        let (transport, url) = (transport.clone(), url.clone());
        copies.spawn(async move { deliver(&transport, &url, body).await });
    }
    let answers = tokio::time::timeout(PATIENCE, copies.join_all())
        .await
        .expect("every copy answered");
    assert!(answers.iter().all(|&status| status == 200), "{answers:?}");

    let processed = app.processed().unwrap();
    assert_eq!(
        processed.len(),
        5,
        "one business action per delivery: {processed:#?}"
    );
    let mut keys: Vec<_> = processed.iter().map(|p| p.key.as_str()).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "order-a/1/awaiting redirect result",
            "order-a/1/success",
            "order-a/2/success",
            "order-b/3/awaiting redirect result",
            "order-b/3/decline",
        ]
    );
    assert_eq!(app.duplicates(), 245);
    assert_eq!(order(&app, "order-a"), Some(OrderStatus::Refunded));
    assert_eq!(order(&app, "order-b"), Some(OrderStatus::Declined));
}

/// Callbacks that come late are processed once and recorded, but the order stays where it is:
/// paid is never moved back to awaiting the redirect, nor refunded back to paid.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_callback_never_moves_an_order_backwards() {
    let (app, url) = merchant("late", ServeLimits::default()).await;
    let transport = ReqwestTransport::new(Duration::from_secs(10)).unwrap();
    let steps = [
        (sale("order-c", 7, "success"), OrderStatus::Paid, true),
        (redirect("order-c", 7), OrderStatus::Paid, false),
        (
            refund("order-c", 8, "partially refunded"),
            OrderStatus::PartiallyRefunded,
            true,
        ),
        (
            refund("order-c", 9, "refunded"),
            OrderStatus::Refunded,
            true,
        ),
        // A copy of the success sent again after the refunds.
        (sale("order-c", 7, "success"), OrderStatus::Refunded, false),
        // The first refund's callback, late.
        (
            refund("order-c", 8, "partially refunded"),
            OrderStatus::Refunded,
            false,
        ),
        // An overturned outcome of the sale, late.
        (sale("order-c", 7, "decline"), OrderStatus::Refunded, false),
    ];
    for (i, (body, expected, _)) in steps.iter().enumerate() {
        assert_eq!(
            deliver(&transport, &url, body.clone()).await,
            200,
            "step {i}"
        );
        assert_eq!(order(&app, "order-c").as_ref(), Some(expected), "step {i}");
    }
    let processed = app.processed().unwrap();
    // The copies of the success and of the first refund were not processed again.
    let moved: Vec<bool> = processed.iter().map(|p| p.moved_order).collect();
    assert_eq!(moved, [true, false, true, true, false], "{processed:#?}");
    assert_eq!(app.duplicates(), 2);
    // The order's status as its route shows it.
    let shown = transport
        .send(TransportRequest::new(
            "GET",
            format!("{url}/orders/order-c"),
            vec![],
            Vec::new(),
            Default::default(),
        ))
        .await
        .unwrap();
    let shown: Value = serde_json::from_slice(&shown.body).unwrap();
    assert_eq!(shown, json!({"status": "refunded"}));
}

/// The store is a file: a merchant started again on it knows what it processed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_merchant_does_not_process_a_delivery_again() {
    let path = database("restart");
    let config = || Config {
        key: SecretKey::new(KEY).unwrap(),
        project_id: 210,
        gate_base_url: "http://127.0.0.1:9".into(),
        return_base_url: "http://127.0.0.1:9/return".into(),
        database: path.clone(),
    };
    let body = sale("order-d", 11, "success");
    let first = App::new(config()).unwrap();
    let answer = tokio::task::spawn_blocking({
        let (first, body) = (first.clone(), body.clone());
        move || first.receive_callback(&body)
    })
    .await
    .unwrap();
    assert_eq!(answer.status(), 200);
    drop(first);
    let again = App::new(config()).unwrap();
    let answer = tokio::task::spawn_blocking({
        let again = again.clone();
        move || again.receive_callback(&body)
    })
    .await
    .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(again.processed().unwrap().len(), 1);
    assert_eq!(again.duplicates(), 1);
    assert_eq!(order(&again, "order-d"), Some(OrderStatus::Paid));
}

/// Everything the server sends until it closes the connection.
async fn until_closed(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    let read = tokio::time::timeout(PATIENCE, stream.read_to_end(&mut received)).await;
    assert!(
        read.is_ok(),
        "the connection is still open after {PATIENCE:?}"
    );
    String::from_utf8_lossy(&received).into_owned()
}

/// A client that stalls in its head or its body loses its connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_connection_is_closed() {
    let limits = ServeLimits {
        header_read: Duration::from_millis(200),
        body_read: Duration::from_millis(200),
        ..ServeLimits::default()
    };
    let (_app, url) = merchant("stalled", limits).await;
    let address = url.trim_start_matches("http://");
    let mut half_head = TcpStream::connect(address).await.unwrap();
    half_head
        .write_all(b"POST /ecommpay/callback HTTP/1.1\r\nHost: m\r\n")
        .await
        .unwrap();
    let mut half_body = TcpStream::connect(address).await.unwrap();
    half_body
        .write_all(b"POST /ecommpay/callback HTTP/1.1\r\nHost: m\r\nContent-Length: 900\r\n\r\n{")
        .await
        .unwrap();
    until_closed(&mut half_head).await;
    let answered = until_closed(&mut half_body).await;
    assert!(answered.starts_with("HTTP/1.1 4"), "{answered}");
}

/// A stop finishes while a client holds half a request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_finishes_while_a_client_holds_half_a_request() {
    let app = App::new(Config {
        key: SecretKey::new(KEY).unwrap(),
        project_id: 210,
        gate_base_url: "http://127.0.0.1:9".into(),
        return_base_url: "http://127.0.0.1:9/return".into(),
        database: database("stop"),
    })
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let limits = ServeLimits {
        header_read: Duration::from_secs(3600),
        body_read: Duration::from_secs(3600),
        shutdown: Duration::from_millis(200),
    };
    let server = tokio::spawn(serve(listener, router(app), limits, async {
        let _ = stopped.await;
    }));
    let mut half_head = TcpStream::connect(address).await.unwrap();
    half_head
        .write_all(b"POST /orders HTTP/1.1\r\nHo")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    stop.send(()).unwrap();
    tokio::time::timeout(PATIENCE, server)
        .await
        .expect("the server stops")
        .unwrap();
    until_closed(&mut half_head).await;
}
