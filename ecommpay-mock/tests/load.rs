//! A load test on loopback, bounded in count and time: many signed sales from concurrent
//! clients, each answered by the mock and each followed by its two callbacks. Nothing may be
//! lost: every request is answered 200, every callback delivered once and answered 200, and
//! the merchant received exactly those. The rates are printed (`-- --nocapture`), not asserted;
//! `MOCK_LOAD_SALES` (at most 100,000) sets the count for a longer run, e.g. in release mode.

mod support;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ecommpay_api::client::{ReqwestTransport, Transport, TransportRequest};
use ecommpay_mock::{MockConfig, MockGate};
use support::*;

const DEFAULT_SALES: usize = 1000;
const CLIENTS: usize = 16;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_and_callback_is_accounted_for_under_load() {
    let sales = std::env::var("MOCK_LOAD_SALES")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(DEFAULT_SALES)
        .clamp(1, 100_000);
    let merchant = Merchant::start().await;
    let mock = Arc::new(
        MockGate::start(
            MockConfig::new(key())
                .callback_url(merchant.url.clone())
                .time_scale(1000.0),
        )
        .await
        .unwrap(),
    );
    let bodies: Arc<Vec<Vec<u8>>> = Arc::new(
        (0..sales)
            .map(|i| {
                serde_json::to_vec(&paypal_sale(&format!("load-{i}"), 100 + i as u64)).unwrap()
            })
            .collect(),
    );
    let url = format!("{}/v2/payment/wallet/paypal/sale", mock.base_url());
    let started = Instant::now();
    let mut clients = Vec::new();
    for client in 0..CLIENTS {
        let (bodies, url) = (Arc::clone(&bodies), url.clone());
        clients.push(tokio::spawn(async move {
            let transport = ReqwestTransport::new(Duration::from_secs(10)).unwrap();
            let mut statuses = Vec::new();
            for body in bodies.iter().skip(client).step_by(CLIENTS) {
                let answer = transport
                    .send(TransportRequest::new(
                        "POST",
                        url.clone(),
                        vec![("Content-Type", "application/json".into())],
                        body.clone(),
                        Default::default(),
                    ))
                    .await
                    .map(|a| a.status);
                statuses.push(answer);
            }
            statuses
        }));
    }
    let mut answered = 0;
    for client in clients {
        for status in client.await.unwrap() {
            assert_eq!(status.ok(), Some(200));
            answered += 1;
        }
    }
    let requests_done = started.elapsed();
    assert!(
        tokio::time::timeout(
            Duration::from_secs(120),
            mock.settled(Duration::from_secs(120))
        )
        .await
        .unwrap_or(false),
        "callbacks still in flight after 120 s"
    );
    let all_done = started.elapsed();

    assert_eq!(answered, sales);
    assert_eq!(mock.requests().len(), sales);
    let deliveries = mock.callbacks();
    assert_eq!(
        deliveries.len(),
        2 * sales,
        "a redirect and a final callback per sale"
    );
    assert!(
        deliveries
            .iter()
            .all(|d| d.attempt == 1 && d.answered == Some(200))
    );
    let distinct: HashSet<_> = deliveries
        .iter()
        .map(|d| (d.payment_id.clone(), d.redirect))
        .collect();
    assert_eq!(
        distinct.len(),
        2 * sales,
        "no callback delivered twice or lost"
    );
    let received = merchant.received();
    assert_eq!(received.len(), 2 * sales);
    assert!(received.iter().all(|(_, verified)| *verified));

    println!(
        "load: {sales} sales from {CLIENTS} clients in {:.2} s ({:.0} requests/s); \
         {} callbacks delivered, all settled after {:.2} s ({:.0} callbacks/s)",
        requests_done.as_secs_f64(),
        sales as f64 / requests_done.as_secs_f64(),
        deliveries.len(),
        all_done.as_secs_f64(),
        deliveries.len() as f64 / all_done.as_secs_f64(),
    );
}
