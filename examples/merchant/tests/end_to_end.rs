//! The merchant example end to end, on loopback: a mock Gate (`ecommpay-mock`) and the merchant
//! server, both on 127.0.0.1 with a port the system chose. The merchant opens a payment through
//! the Gate client; the mock checks the request's signature, accepts it, and delivers the
//! redirect callback and the final one to the merchant's endpoint. The first delivery of the
//! final callback meets a 503 (a load balancer's hiccup, injected in front of the merchant), so
//! the mock sends it again; then the mock re-sends it once more as the platform does when it
//! missed the 200. The merchant must have seen the payment succeed exactly once. Then it refunds
//! the payment in two parts, each settled by its callback, and a third refund is refused.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use ecommpay_api::SecretKey;
use ecommpay_example_merchant::{App, Config, NewOrder, OrderStatus, ServeLimits, router, serve};
use ecommpay_mock::{MockConfig, MockGate, Trigger};
use serde_json::json;

const KEY: &str = "merchant-e2e-secret";

/// Answers 503 to the first callback that is not a redirect callback, then lets everything
/// through.
async fn first_final_callback_fails(
    failed: Arc<AtomicBool>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let is_final = !bytes.windows(13).any(|w| w == b"redirect_data");
    if parts.uri.path() == "/ecommpay/callback" && is_final && !failed.swap(true, Ordering::SeqCst)
    {
        return (StatusCode::SERVICE_UNAVAILABLE, "try later").into_response();
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payment_opened_and_its_callbacks_taken_in_once() {
    tokio::time::timeout(Duration::from_secs(30), run())
        .await
        .expect("the end-to-end run finishes in 30 s");
}

async fn run() {
    // The merchant's address first: the mock needs it as the callback URL.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let merchant_url = format!("http://{}", listener.local_addr().unwrap());
    let mock = MockGate::start(
        MockConfig::new(SecretKey::new(KEY).unwrap())
            .callback_url(format!("{merchant_url}/ecommpay/callback"))
            // The platform's schedule, 1000 times faster: its 10 s gap is 10 ms.
            .time_scale(1000.0),
    )
    .await
    .unwrap();

    let app = App::new(Config {
        key: SecretKey::new(KEY).unwrap(),
        project_id: 210,
        gate_base_url: mock.base_url().to_owned(),
        return_base_url: format!("{merchant_url}/return"),
        database: {
            let dir =
                std::env::temp_dir().join(format!("ecommpay-merchant-e2e-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            dir.join("merchant.sqlite3")
        },
    })
    .unwrap();
    let failed = Arc::new(AtomicBool::new(false));
    let routes = router(app.clone()).layer(middleware::from_fn(move |request, next| {
        first_final_callback_fails(Arc::clone(&failed), request, next)
    }));
    let server = tokio::spawn(serve(
        listener,
        routes,
        ServeLimits::default(),
        std::future::pending(),
    ));

    // A customer orders; the merchant opens the payment (through its own HTTP route).
    let client = ecommpay_api::client::ReqwestTransport::new(Duration::from_secs(5)).unwrap();
    let order = NewOrder {
        order_id: "order-e2e-1".into(),
        amount: 1000,
        currency: "BRL".into(),
        customer_id: "customer123".into(),
        customer_ip: "192.0.2.10".into(),
        country: "BR".into(),
    };
    let opened = ecommpay_api::client::Transport::send(
        &client,
        ecommpay_api::client::TransportRequest::new(
            "POST",
            format!("{merchant_url}/orders"),
            vec![("Content-Type", "application/json".into())],
            serde_json::to_vec(&order).unwrap(),
            Default::default(),
        ),
    )
    .await
    .unwrap();
    assert_eq!(
        opened.status,
        202,
        "{}",
        String::from_utf8_lossy(&opened.body)
    );

    // The mock received one signed, valid sale and accepted it.
    let requests = mock.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0].operation, "paypal.gate.sale");
    assert_eq!(requests[0].payment_id.as_deref(), Some("order-e2e-1"));
    assert_eq!(requests[0].answered, 200);

    // The redirect callback (200), the final one (503, then 200).
    let delivered = mock
        .wait_for_callbacks(Duration::from_secs(10), |c| {
            c.iter().any(|d| !d.redirect && d.answered == Some(200))
        })
        .await;
    assert!(delivered, "{:?}", mock.callbacks());
    let answers: Vec<_> = mock
        .callbacks()
        .iter()
        .map(|d| (d.redirect, d.attempt, d.answered))
        .collect();
    assert_eq!(
        answers,
        [
            (true, 1, Some(200)),
            (false, 1, Some(503)),
            (false, 2, Some(200))
        ]
    );

    // The platform sends the final callback once more: answered 200, not processed again.
    assert_eq!(
        mock.trigger("order-e2e-1", Trigger::ResendLast).await,
        Ok(Some(200))
    );

    let processed = app.processed().unwrap();
    let paid: Vec<_> = processed
        .iter()
        .filter(|p| p.reported == OrderStatus::Paid)
        .collect();
    assert_eq!(paid.len(), 1, "{processed:?}");
    assert_eq!(paid[0].order_id, "order-e2e-1");
    assert!(paid[0].key.ends_with("/success"), "{}", paid[0].key);
    assert_eq!(processed.len(), 2, "the redirect and the success");
    assert_eq!(app.duplicates(), 1);
    assert_eq!(app.order("order-e2e-1").unwrap(), Some(OrderStatus::Paid));

    // The merchant refunds 600 of the 1000, then the rest; a third refund is refused by the
    // Gate (nothing is left), and no callback comes for it.
    let refund = |body: serde_json::Value| {
        let client = client.clone();
        let url = format!("{merchant_url}/orders/order-e2e-1/refund");
        async move {
            ecommpay_api::client::Transport::send(
                &client,
                ecommpay_api::client::TransportRequest::new(
                    "POST",
                    url,
                    vec![("Content-Type", "application/json".into())],
                    serde_json::to_vec(&body).unwrap(),
                    Default::default(),
                ),
            )
            .await
            .unwrap()
        }
    };
    assert_eq!(
        refund(json!({"amount": 600, "currency": "BRL"}))
            .await
            .status,
        202
    );
    assert!(mock.settled(Duration::from_secs(10)).await);
    assert_eq!(
        app.order("order-e2e-1").unwrap(),
        Some(OrderStatus::PartiallyRefunded)
    );
    assert_eq!(refund(json!({})).await.status, 202);
    assert!(mock.settled(Duration::from_secs(10)).await);
    assert_eq!(
        app.order("order-e2e-1").unwrap(),
        Some(OrderStatus::Refunded)
    );
    let refused = refund(json!({})).await;
    assert_eq!(
        refused.status,
        502,
        "{}",
        String::from_utf8_lossy(&refused.body)
    );
    assert!(String::from_utf8_lossy(&refused.body).contains("wrong_payment_status"));
    let payment = mock.payment("order-e2e-1").unwrap();
    assert_eq!(
        (payment.status.as_str(), payment.refunded),
        ("refunded", 1000)
    );
    assert_eq!(
        app.processed().unwrap().len(),
        4,
        "the redirect, the success and two refunds"
    );

    mock.shutdown().await;
    server.abort();
}
