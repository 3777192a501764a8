//! `ecommpay verify`: check the signature a message carries.

use std::process::ExitCode;

use clap::Args;
use ecommpay_api::signature::{VerifyError, verify_value};

use super::{Failure, MessageArgs, print_line};

/// Exit code for a missing, malformed or wrong signature.
const EXIT_INVALID: u8 = 1;

#[derive(Args, Debug)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub message: MessageArgs,
}

pub fn run(args: &VerifyArgs) -> ExitCode {
    match verify(args).and_then(|()| print_line("valid")) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}

fn verify(args: &VerifyArgs) -> Result<(), Failure> {
    let message = args.message.read_message()?;
    let key = args.message.read_key()?;
    verify_value(&message, &key, args.message.options()).map_err(|error| match error {
        VerifyError::MissingSignature { .. }
        | VerifyError::MalformedSignature { .. }
        | VerifyError::Mismatch => Failure {
            code: EXIT_INVALID,
            message: format!("invalid: {error}"),
        },
        VerifyError::Canonical(error) => Failure::unusable(format!("cannot verify: {error}")),
    })
}
