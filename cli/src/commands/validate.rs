//! `ecommpay validate`: check a payload against the rules of one operation of the spec.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use ecommpay_api::__private::Excerpt;
use ecommpay_api::{FACTS, Facts, OPERATIONS};

use super::{Failure, print_line, read_json_object};

/// Exit code for a payload that breaks a rule.
const EXIT_INVALID: u8 = 1;

#[derive(Args, Debug)]
pub(crate) struct ValidateArgs {
    /// The operation id, e.g. `astropay.gate.sale` (`--list` prints them all).
    #[arg(long, required_unless_present = "list")]
    pub operation: Option<String>,
    /// A fact the payload cannot show, e.g. `visa_card_issued_in_canada`; repeatable.
    #[arg(long = "fact", value_name = "FACT")]
    pub facts: Vec<String>,
    /// List the operations and exit.
    #[arg(long)]
    pub list: bool,
    /// Treat parameters the documents do not name as errors (typo protection). Without it they
    /// are allowed, as the documents allow any other parameter of the platform's
    /// specification, and listed as notes on standard error.
    #[arg(long)]
    pub strict: bool,
    /// JSON file holding the payload; standard input when absent or `-`.
    pub file: Option<PathBuf>,
}

pub(crate) fn run(args: &ValidateArgs) -> ExitCode {
    let done = if args.list {
        list()
    } else {
        validate(args).and_then(|()| print_line("valid"))
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}

fn list() -> Result<(), Failure> {
    for entry in OPERATIONS {
        let schema = entry.schema;
        let target = schema.path.or(schema.mode).unwrap_or("");
        print_line(format_args!(
            "{:<46} {:<13} {target}",
            schema.id,
            schema.interface.as_str()
        ))?;
    }
    Ok(())
}

fn validate(args: &ValidateArgs) -> Result<(), Failure> {
    let id = args.operation.as_deref().unwrap_or_default();
    let entry = ecommpay_api::operation(id).ok_or_else(|| {
        Failure::unusable(format!(
            "unknown operation `{id}` (`ecommpay validate --list` prints the operations)"
        ))
    })?;
    if let Some(unknown) = args.facts.iter().find(|f| !FACTS.contains(&f.as_str())) {
        return Err(Failure::unusable(format!(
            "unknown fact {}; the spec knows {}",
            Excerpt(unknown),
            FACTS.join(", ")
        )));
    }
    let payload = read_json_object(args.file.as_deref())?;
    let facts = args
        .facts
        .iter()
        .fold(Facts::none(), |facts, f| facts.with_name(f.clone()));
    let violations = entry.validate_json(&payload, &facts);
    let others = entry.other_parameters(&payload);
    let mut errors = violations.len();
    for violation in &violations {
        print_line(violation)?;
    }
    for other in &others {
        if args.strict {
            print_line(format_args!("{other} [strict]"))?;
            errors += 1;
        } else {
            eprintln!("note: {other}");
        }
    }
    if errors == 0 {
        return Ok(());
    }
    Err(Failure {
        code: EXIT_INVALID,
        message: format!("{errors} violation(s) of {id}"),
    })
}
