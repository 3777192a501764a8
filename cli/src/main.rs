//! `ecommpay`: sign and verify ecommpay messages from the command line.

mod commands;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "ecommpay",
    version,
    about = "Sign, verify and validate ecommpay messages"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the signature of a JSON message (any signature it carries is ignored).
    Sign(commands::sign::SignArgs),
    /// Check the signature a JSON message carries: exit 0 valid, 1 invalid or missing, 2 the
    /// input cannot be read or there is no key.
    Verify(commands::verify::VerifyArgs),
    /// Validate a JSON payload against an operation of the spec and print every violation:
    /// exit 0 valid, 1 invalid, 2 the input cannot be read or the operation is unknown.
    Validate(commands::validate::ValidateArgs),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Sign(args) => commands::sign::run(&args),
        Command::Verify(args) => commands::verify::run(&args),
        Command::Validate(args) => commands::validate::run(&args),
    }
}
