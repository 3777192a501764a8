//! `ecommpay verify`: check the signature a message or a Payment Page URL carries.

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;

use clap::Args;
use ecommpay_api::__private::Excerpt;
use ecommpay_api::payment_page::ParsedPaymentPageUrl;
use ecommpay_api::signature::{BodyTooLarge, CallbackError, CallbackVerifier, VerifyError};

use super::{Failure, Kind, MAX_INPUT_BYTES, MessageArgs, print_line, read_input};

/// Exit code for a missing, malformed or wrong signature.
const EXIT_INVALID: u8 = 1;

#[derive(Args, Debug)]
pub(crate) struct VerifyArgs {
    #[command(flatten)]
    pub message: MessageArgs,
    /// Verify a Payment Page URL instead of a JSON message: when its signature is valid, print
    /// its decoded parameters one per line as `name=value` (the signature left out).
    #[arg(long, value_name = "URL", conflicts_with_all = ["file", "sort", "kind"])]
    pub url: Option<String>,
}

pub(crate) fn run(args: &VerifyArgs) -> ExitCode {
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
    if matches!(args.message.kind, Kind::Callback | Kind::Auto) {
        return verify_callback(args);
    }
    let message = args.message.read_message()?;
    let key = args.message.read_key()?;
    let signer = key.signer().with_order(args.message.order());
    let verified = signer.verify_json(&message, args.message.kind());
    verified.map_err(|error| match error {
        VerifyError::MissingSignature { .. }
        | VerifyError::MalformedSignature { .. }
        | VerifyError::Mismatch => invalid(error),
        other => Failure::unusable(format!("cannot verify: {other}")),
    })
}

/// A callback (or a message of unnamed kind) is verified as the callback endpoint verifies it:
/// over the raw bytes, refusing a duplicated key at any level before anything else. The parts
/// the signature cannot see are listed on standard error.
fn verify_callback(args: &VerifyArgs) -> Result<(), Failure> {
    let (raw, _) = read_input(args.message.file.as_deref())?;
    let key = args.message.read_key()?;
    let verifier = CallbackVerifier::new(key)
        .with_max_body_bytes(MAX_INPUT_BYTES)
        .with_order(args.message.order());
    // Only `--kind callback` knows the message is a callback; `auto` may be reading a Gate
    // request or anything else signed the same way.
    let what = match args.message.kind {
        Kind::Callback => "the callback",
        _ => "the message",
    };
    let verified = verifier.verify(&raw).map_err(|error| match error {
        CallbackError::MissingSignature { .. }
        | CallbackError::MalformedSignature { .. }
        | CallbackError::Mismatch => invalid(describe(&error, what)),
        other => Failure::unusable(format!("cannot verify: {}", describe(&other, what))),
    })?;
    // One write for them all: a body may list thousands (up to the callback's value limit).
    let mut listed = String::new();
    for path in verified.unsigned() {
        let _ = writeln!(
            listed,
            "ecommpay: not covered by the signature, ignored: {}",
            Excerpt(path)
        );
    }
    let _ = std::io::stderr().lock().write_all(listed.as_bytes());
    Ok(())
}

/// The verifier's error, naming the message as what it is: the verifier reads every message as
/// a callback body, and says so.
fn describe(error: &CallbackError, what: &str) -> String {
    match error {
        CallbackError::MissingSignature { location } => {
            format!("{what} carries no signature at `{location}`")
        }
        CallbackError::MalformedSignature { location, reason } => {
            format!("the signature at `{location}` is malformed: {reason}")
        }
        CallbackError::Mismatch => format!("the signature does not match {what}"),
        CallbackError::TooLarge(BodyTooLarge { bytes, limit }) => {
            format!("{what} has {bytes} bytes, more than the limit of {limit}")
        }
        CallbackError::TooDeep { limit } => {
            format!("{what} nests arrays and objects deeper than {limit} levels")
        }
        CallbackError::DuplicateKey { path } => {
            format!("{what} has the key {} twice", Excerpt(path))
        }
        CallbackError::NotJson(source) => format!("{what} is not JSON: {source}"),
        CallbackError::NotAnObject { found } => {
            format!("{what} is not a JSON object but {found}")
        }
        other => other.to_string(),
    }
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
