//! `ecommpay verify`: check the signature a message or a Payment Page URL carries.

use std::process::ExitCode;

use clap::Args;
use ecommpay_api::payment_page::ParsedPaymentPageUrl;
use ecommpay_api::signature::{VerifyError, verify_value};

use super::{Failure, MessageArgs, print_line};

/// Exit code for a missing, malformed or wrong signature.
const EXIT_INVALID: u8 = 1;

#[derive(Args, Debug)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub message: MessageArgs,
    /// Verify a Payment Page URL instead of a JSON message: when its signature is valid, print
    /// its decoded parameters one per line as `name=value` (the signature left out).
    #[arg(long, value_name = "URL", conflicts_with_all = ["file", "sort", "kind"])]
    pub url: Option<String>,
}

pub fn run(args: &VerifyArgs) -> ExitCode {
    let verified = match &args.url {
        Some(url) => verify_url(args, url),
        None => verify(args),
    };
    match verified.and_then(|()| print_line("valid")) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}

fn invalid(error: impl std::fmt::Display) -> Failure {
    Failure {
        code: EXIT_INVALID,
        message: format!("invalid: {error}"),
    }
}

fn verify(args: &VerifyArgs) -> Result<(), Failure> {
    let message = args.message.read_message()?;
    let key = args.message.read_key()?;
    verify_value(&message, &key, args.message.options()).map_err(|error| match error {
        VerifyError::MissingSignature { .. }
        | VerifyError::MalformedSignature { .. }
        | VerifyError::Mismatch => invalid(error),
        VerifyError::Canonical(error) => Failure::unusable(format!("cannot verify: {error}")),
    })
}

/// Decodes the URL, checks its signature, and only then prints its parameters.
fn verify_url(args: &VerifyArgs, url: &str) -> Result<(), Failure> {
    let parsed = ParsedPaymentPageUrl::parse(url)
        .map_err(|error| Failure::unusable(format!("cannot verify: {error}")))?;
    let key = args.message.read_key()?;
    parsed.verify(&key).map_err(|error| {
        if error.is_signature_error() {
            invalid(error)
        } else {
            Failure::unusable(format!("cannot verify: {error}"))
        }
    })?;
    for (name, value) in parsed.params() {
        print_line(format_args!("{name}={value}"))?;
    }
    Ok(())
}
