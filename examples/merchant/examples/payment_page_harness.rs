//! The browser test's harness: the mock (Gate and Payment Page) and the merchant example, both on
//! loopback. It builds a Payment Page URL with the crate's builder and prints one JSON line
//! (`{"url", "merchant_url", "payment_id"}`), then waits until the merchant has taken in a
//! verified callback for that payment and prints a second line
//! (`{"merchant_received": true, "status": ...}`); exit 0 only when the callback said the payment
//! succeeded, after stdin is closed (the merchant serves until then). The browser script (`tests/browser/pay.mjs`) opens the URL and presses "Pay".
//!
//! ```sh
//! cargo run -p ecommpay-example-merchant --example payment_page_harness
//! ```

use std::time::Duration;

use ecommpay_api::SecretKey;
use ecommpay_api::astropay::PurchaseParams;
use ecommpay_api::formats::{CountryCode, CurrencyCode};
use ecommpay_api::payment_page::PaymentPageUrl;
use ecommpay_example_merchant::{App, Config, OrderStatus, ServeLimits, router, serve};
use ecommpay_mock::{MockConfig, MockGate};

const KEY: &str = "browser-test-secret";
const PAYMENT_ID: &str = "browser-order-1";
/// How long the harness waits for the browser to pay.
const TIMEOUT: Duration = Duration::from_secs(120);

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let merchant_url = format!("http://{}", listener.local_addr()?);
    let mock = MockGate::start(
        MockConfig::new(SecretKey::new(KEY).unwrap())
            .callback_url(format!("{merchant_url}/ecommpay/callback")),
    )
    .await?;
    let app = App::new(Config {
        key: SecretKey::new(KEY).unwrap(),
        project_id: 120,
        gate_base_url: mock.base_url().to_owned(),
        return_base_url: format!("{merchant_url}/return"),
        database: std::env::temp_dir().join(format!(
            "ecommpay-payment-page-harness-{}.sqlite3",
            std::process::id()
        )),
    })?;
    let server = tokio::spawn(serve(
        listener,
        router(app.clone()),
        ServeLimits::default(),
        std::future::pending(),
    ));

    let params = PurchaseParams::builder()
        .project_id(120)
        .payment_id(PAYMENT_ID)
        .payment_currency(CurrencyCode::new("BRL")?)
        .payment_amount(1000u64)
        .customer_id("customer1")
        .customer_country(CountryCode::new("BR")?)
        .force_payment_method("astropay")
        .build()?;
    let url = PaymentPageUrl::from_params(params, &SecretKey::new(KEY).unwrap())?
        .with_base_url(format!("{}/payment", mock.base_url()))
        .to_url();
    println!(
        "{}",
        serde_json::json!({"url": url, "merchant_url": merchant_url, "payment_id": PAYMENT_ID})
    );

    // The merchant's endpoint verifies each callback's signature before processing it, so a
    // processed callback is a verified one.
    let deadline = tokio::time::Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(status) = app.order(PAYMENT_ID)? {
            break Some(status);
        }
        if tokio::time::Instant::now() >= deadline {
            break None;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let status_text = status.as_ref().map(|s| format!("{s:?}"));
    println!(
        "{}",
        serde_json::json!({
            "merchant_received": status.is_some(),
            "status": status_text,
            "callbacks": mock.callbacks().len(),
        })
    );
    // The merchant stays up for the script's own look at the order, until it closes stdin.
    tokio::task::spawn_blocking(|| std::io::copy(&mut std::io::stdin(), &mut std::io::sink()))
        .await??;
    server.abort();
    mock.shutdown().await;
    match status {
        Some(OrderStatus::Paid) => Ok(()),
        Some(other) => Err(format!("the merchant's order is {other:?}, not paid").into()),
        None => Err(format!("no verified callback reached the merchant in {TIMEOUT:?}").into()),
    }
}
