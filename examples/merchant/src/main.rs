//! The example merchant server.
//!
//! ```sh
//! ECOMMPAY_SECRET_KEY=... ECOMMPAY_PROJECT_ID=210 \
//!   cargo run -p ecommpay-example-merchant -- 127.0.0.1:3000
//! ```
//!
//! `ECOMMPAY_GATE_URL` replaces the Gate's address (a mock's, in tests); `ECOMMPAY_RETURN_URL`
//! is where PayPal sends customers back (`http://HOST:PORT/return` by default);
//! `ECOMMPAY_MERCHANT_DB` is the SQLite file of orders and processed callbacks
//! (`merchant.sqlite3` by default, created when missing). The callback URL is
//! `http://HOST:PORT/ecommpay/callback`, set in the project's settings at ecommpay. It stops
//! on Ctrl-C or SIGTERM.

use ecommpay_api::SecretKey;
use ecommpay_api::client::DEFAULT_BASE_URL;
use ecommpay_example_merchant::{App, Config, ServeLimits, router, serve};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let bind = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3000".to_owned());
    let config = Config {
        key: SecretKey::from_env(ecommpay_api::secret::SECRET_KEY_ENV)?,
        project_id: std::env::var("ECOMMPAY_PROJECT_ID")?.parse()?,
        gate_base_url: std::env::var("ECOMMPAY_GATE_URL")
            .unwrap_or_else(|_| DEFAULT_BASE_URL.to_owned()),
        return_base_url: std::env::var("ECOMMPAY_RETURN_URL")
            .unwrap_or_else(|_| format!("http://{bind}/return")),
        database: std::env::var_os("ECOMMPAY_MERCHANT_DB")
            .map_or_else(|| "merchant.sqlite3".into(), Into::into),
    };
    let app = App::new(config)?;
    let listener = tokio::net::TcpListener::bind(&bind).await?;
    eprintln!("merchant listening on http://{}", listener.local_addr()?);
    serve(listener, router(app), ServeLimits::default(), stopped()).await;
    Ok(())
}

/// Resolves on Ctrl-C, or on SIGTERM where there are signals.
async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
