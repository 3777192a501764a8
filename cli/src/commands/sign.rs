//! `ecommpay sign`: print the signature, the signed message or the string to sign.

use std::process::ExitCode;

use clap::Args;
use ecommpay_api::signature::low_level::{embed, string_to_sign_json};

use super::{Failure, MessageArgs, print_line};

#[derive(Args, Debug)]
pub(crate) struct SignArgs {
    #[command(flatten)]
    pub message: MessageArgs,
    /// Print the message with the signature put where this kind of message carries it.
    #[arg(long, conflicts_with = "print_canonical")]
    pub embed: bool,
    /// Print the string to sign instead of the signature (no key needed).
    #[arg(long)]
    pub print_canonical: bool,
}

pub(crate) fn run(args: &SignArgs) -> ExitCode {
    match sign(args).and_then(print_line) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}

fn sign(args: &SignArgs) -> Result<String, Failure> {
    let mut message = args.message.read_message()?;
    let order = args.message.order();
    if args.print_canonical {
        return string_to_sign_json(&message, order).map_err(Failure::unusable);
    }
    let key = args.message.read_key()?;
    let signature = key
        .signer()
        .with_order(order)
        .sign_json(&message)
        .map_err(Failure::unusable)?;
    if !args.embed {
        return Ok(signature);
    }
    embed(&mut message, args.message.kind(), &signature).map_err(Failure::unusable)?;
    serde_json::to_string(&message).map_err(Failure::unusable)
}
