//! `ecommpay mock`: the mock Gate as a process, for merchants whose backends are not in Rust.
//! The first line on standard output is `{"event": "listening", "base_url": ...}`; then one JSON
//! line per request received and per callback delivered. It serves until interrupted (Ctrl-C or
//! SIGTERM), then stops within `--shutdown-deadline` whatever its clients hold; a second signal
//! stops it at once.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use ecommpay_mock::{
    DEFAULT_BODY_READ_TIMEOUT, DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_SHUTDOWN_DEADLINE, MockConfig,
    MockEvent, MockGate, Outcome, ResendSchedule, When,
};
use serde_json::json;

use super::{Failure, print_line, read_key};

#[derive(Args, Debug)]
pub(crate) struct MockArgs {
    /// Port to listen on; 0 lets the system choose (the first line says which).
    #[arg(long, default_value_t = 8090)]
    pub port: u16,
    /// Address to listen on. Loopback by default: the mock checks signatures with a real key
    /// and is not meant to be reachable from elsewhere.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub bind: IpAddr,
    /// File holding the project's secret key (one trailing newline is ignored); otherwise the
    /// environment variable ECOMMPAY_SECRET_KEY.
    #[arg(long, value_name = "PATH")]
    pub key_file: Option<PathBuf>,
    /// The merchant's callback URL; without one, no callbacks are sent.
    #[arg(long, value_name = "URL")]
    pub callback_url: Option<String>,
    /// How much faster than real time the re-send schedule runs (1000: the platform's 10 s gap
    /// is 10 ms).
    #[arg(long, default_value_t = 1.0, value_name = "FACTOR")]
    pub time_scale: f64,
    /// Decline every operation with this `payment.amount` (repeatable).
    #[arg(long, value_name = "AMOUNT")]
    pub decline_amount: Vec<u64>,
    /// Decline every operation whose `general.payment_id` starts with this prefix (repeatable).
    #[arg(long, value_name = "PREFIX")]
    pub decline_payment_id_prefix: Vec<String>,
    /// Seconds a client may take to send a request's head; then its connection is closed.
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_HEADER_READ_TIMEOUT.as_secs_f64())]
    pub header_read_timeout: f64,
    /// Seconds a client may take to send a request's body after its head; then the request is
    /// refused and its connection closed.
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_BODY_READ_TIMEOUT.as_secs_f64())]
    pub body_read_timeout: f64,
    /// Seconds a stop waits for the requests in progress before it closes their connections.
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_SHUTDOWN_DEADLINE.as_secs_f64())]
    pub shutdown_deadline: f64,
}

/// A number of seconds given on the command line, as a duration.
fn seconds(flag: &str, value: f64) -> Result<Duration, Failure> {
    Duration::try_from_secs_f64(value)
        .map_err(|_| Failure::unusable(format!("{flag} must be a number of seconds, not {value}")))
}

pub(crate) fn run(args: &MockArgs) -> ExitCode {
    match serve(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}

fn config(args: &MockArgs) -> Result<MockConfig, Failure> {
    if !(args.time_scale.is_finite() && args.time_scale > 0.0) {
        return Err(Failure::unusable("--time-scale must be a positive number"));
    }
    if !ResendSchedule::platform().fits_time_scale(args.time_scale) {
        return Err(Failure::unusable(format!(
            "--time-scale {} is too small: the re-send schedule's 640 s gap would last longer \
             than a timer can wait",
            args.time_scale
        )));
    }
    if let Some(url) = &args.callback_url {
        check_callback_url(url)?;
    }
    let mut config = MockConfig::new(read_key(args.key_file.as_deref())?)
        .bind(SocketAddr::new(args.bind, args.port))
        .time_scale(args.time_scale)
        .header_read_timeout(seconds("--header-read-timeout", args.header_read_timeout)?)
        .body_read_timeout(seconds("--body-read-timeout", args.body_read_timeout)?)
        .shutdown_deadline(seconds("--shutdown-deadline", args.shutdown_deadline)?)
        .on_event(log_event);
    if let Some(url) = &args.callback_url {
        config = config.callback_url(url.clone());
    }
    for amount in &args.decline_amount {
        config = config.decline_amount(*amount);
    }
    for prefix in &args.decline_payment_id_prefix {
        config = config.outcome(When::PaymentIdPrefix(prefix.clone()), Outcome::decline());
    }
    Ok(config)
}

/// The callback URL must be an absolute `http://` or `https://` URL with a host: anything else
/// would start the mock and then fail every delivery of every callback.
fn check_callback_url(url: &str) -> Result<(), Failure> {
    let refuse = |why: String| {
        Failure::unusable(format!(
            "--callback-url {}: {why}",
            ecommpay_api::__private::Excerpt(url)
        ))
    };
    let parsed = url::Url::parse(url).map_err(|e| {
        refuse(format!(
            "not an absolute URL ({e}); write it with its scheme, as http://127.0.0.1:3000/callback"
        ))
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(refuse(format!(
            "the scheme is {:?}; callbacks are POSTed to an http:// or https:// URL",
            parsed.scheme()
        )));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(refuse("it names no host".to_owned()));
    }
    Ok(())
}

/// One JSON line per event. A log nobody reads (a closed pipe) does not stop the mock: the
/// merchant's tests depend on its answers, not on its log.
fn log_event(event: &MockEvent) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", event.to_json()).and_then(|()| out.flush());
}

fn serve(args: &MockArgs) -> Result<(), Failure> {
    let config = config(args)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::unusable(format!("cannot start the runtime: {e}")))?;
    let served = runtime.block_on(async {
        let address = SocketAddr::new(args.bind, args.port);
        let mut signals = Signals::new()
            .map_err(|e| Failure::unusable(format!("cannot listen for signals: {e}")))?;
        let mock = MockGate::start(config)
            .await
            .map_err(|e| Failure::unusable(format!("cannot listen on {address}: {e}")))?;
        print_line(json!({"event": "listening", "base_url": mock.base_url()}))?;
        signals.next().await;
        tokio::select! {
            () = mock.shutdown() => {}
            // A second signal: stop now, the requests in progress with it.
            () = signals.next() => {}
        }
        Ok(())
    });
    // Tasks still running (a callback delivery's name lookup, say) are not waited for long.
    runtime.shutdown_timeout(Duration::from_millis(500));
    served
}

/// Ctrl-C (SIGINT) and, where there are signals, SIGTERM, registered before the mock starts
/// so that no signal is missed between the two.
struct Signals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Signals {
    #[cfg(unix)]
    fn new() -> std::io::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Self {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    #[cfg(not(unix))]
    fn new() -> std::io::Result<Self> {
        Ok(Self {})
    }

    /// Resolves on the next signal.
    async fn next(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
