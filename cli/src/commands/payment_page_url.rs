//! `ecommpay payment-page-url`: print the signed Payment Page URL of a parameter set.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use ecommpay_api::payment_page::{DEFAULT_BASE_URL, PaymentPageUrl};

use super::{Failure, print_line, read_json_object, read_key};

#[derive(Args, Debug)]
pub(crate) struct PaymentPageUrlArgs {
    /// JSON file holding the parameters as an object, in the order they go into the URL;
    /// standard input when absent or `-`.
    pub file: Option<PathBuf>,
    /// Payment Page address the parameters are appended to (everything before the `?`).
    #[arg(long, value_name = "URL", default_value = DEFAULT_BASE_URL)]
    pub base: String,
    /// File holding the secret key (one trailing newline is ignored); otherwise the
    /// environment variable ECOMMPAY_SECRET_KEY.
    #[arg(long, value_name = "PATH")]
    pub key_file: Option<PathBuf>,
}

pub(crate) fn run(args: &PaymentPageUrlArgs) -> ExitCode {
    match url(args).and_then(print_line) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}

fn url(args: &PaymentPageUrlArgs) -> Result<String, Failure> {
    if args.base.is_empty() {
        return Err(Failure::unusable("--base is empty"));
    }
    // The Payment Page is opened in a browser: only an http(s) address with a host makes sense.
    let host = args
        .base
        .strip_prefix("https://")
        .or_else(|| args.base.strip_prefix("http://"));
    if !host.is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/')) {
        return Err(Failure::unusable(format!(
            "--base {} is not an http:// or https:// URL",
            ecommpay_api::__private::Excerpt(&args.base)
        )));
    }
    let params = read_json_object(args.file.as_deref())?;
    let builder = PaymentPageUrl::from_value(&params)
        .map_err(Failure::unusable)?
        .with_base_url(args.base.as_str());
    let key = read_key(args.key_file.as_deref())?;
    builder.to_url(&key).map_err(Failure::unusable)
}
