//! `ecommpay`: sign and verify ecommpay messages from the command line.

mod commands;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "ecommpay",
    version,
    about = "Sign, verify and validate ecommpay messages; build and verify Payment Page URLs; run a mock Gate"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the signature of a JSON message (any signature it carries is ignored).
    Sign(commands::sign::SignArgs),
    /// Check the signature of a JSON message, or with `--url` of a Payment Page URL.
    ///
    /// Exit 0 valid, 1 invalid or missing, 2 the input cannot be read or decoded, or there is no
    /// key. With `--url`, a valid URL's parameters are printed first, one per line as
    /// `name=value`, the signature left out.
    Verify(commands::verify::VerifyArgs),
    /// Print the signed Payment Page URL of a JSON object of parameters.
    ///
    /// Byte for byte as the official PHP SDK builds it: the parameters in their order (strings
    /// verbatim, integers in decimal, booleans 1 or 0, objects and arrays as PHP's json_encode
    /// writes them), form-encoded, `frame_mode` sent but not signed, the signature last. Exit 0,
    /// or 2 when the input cannot be read or used, or there is no key.
    PaymentPageUrl(commands::payment_page_url::PaymentPageUrlArgs),
    /// Validate a JSON payload against an operation of the spec and print every violation:
    /// exit 0 valid, 1 invalid, 2 the input cannot be read or the operation is unknown.
    Validate(commands::validate::ValidateArgs),
    /// Run the mock Gate on loopback: Gate operations checked as the Gate checks them, each
    /// payment's state, signed callbacks to `--callback-url` re-sent on the platform's schedule,
    /// control routes under `/_mock`. Logs one JSON line per request and callback; runs until
    /// interrupted.
    Mock(commands::mock::MockArgs),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Sign(args) => commands::sign::run(&args),
        Command::Verify(args) => commands::verify::run(&args),
        Command::Validate(args) => commands::validate::run(&args),
        Command::PaymentPageUrl(args) => commands::payment_page_url::run(&args),
        Command::Mock(args) => commands::mock::run(&args),
    }
}
