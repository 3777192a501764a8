//! The subcommands, and what they share: reading the message and the key.

pub(crate) mod mock;
pub(crate) mod payment_page_url;
pub(crate) mod sign;
pub(crate) mod validate;
pub(crate) mod verify;

use std::fmt;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use ecommpay_api::SecretKey;
use ecommpay_api::secret::SECRET_KEY_ENV;
use ecommpay_api::signature::{CallbackVerifier, MessageKind, SortOrder};
use serde_json::Value;

/// Exit code for input that cannot be read or used, and for a missing key.
pub(crate) const EXIT_UNUSABLE_INPUT: u8 = 2;

/// The message to work on and how to treat it.
#[derive(Args, Debug)]
pub(crate) struct MessageArgs {
    /// JSON file holding the message; standard input when absent or `-`.
    pub file: Option<PathBuf>,
    /// Order of the entries of the string to sign.
    #[arg(long, value_enum, default_value_t = Sort::Natural)]
    pub sort: Sort,
    /// Kind of message, which decides where its signature sits. `auto`: the top-level
    /// `signature`, or `general.signature` when the message has a `general` object and no
    /// top-level signature (Gate requests, the payout registration callback).
    #[arg(long, value_enum, default_value_t = Kind::Auto)]
    pub kind: Kind,
    /// File holding the secret key (one trailing newline is ignored); otherwise the
    /// environment variable ECOMMPAY_SECRET_KEY.
    #[arg(long, value_name = "PATH")]
    pub key_file: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum Sort {
    /// PHP's natural order (`strnatcmp`): index 2 before 10.
    Natural,
    /// Byte-wise by path.
    BytewiseKey,
    /// Byte-wise by the whole `path:value` entry.
    BytewiseEntry,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum Kind {
    /// A Gate request: `general.signature`.
    Gate,
    /// Payment Page parameters: top-level `signature`.
    PaymentPage,
    /// A callback: top-level `signature`, or `general.signature` for the payout registration.
    Callback,
    /// Decide from the message (as for callbacks).
    Auto,
}

impl MessageArgs {
    /// The kind of message, which decides where its signature sits.
    pub(crate) fn kind(&self) -> MessageKind {
        match self.kind {
            Kind::Gate => MessageKind::GateRequest,
            Kind::PaymentPage => MessageKind::PaymentPage,
            // Callbacks already decide between the two places from the message.
            Kind::Callback | Kind::Auto => MessageKind::Callback,
        }
    }

    /// The order of the entries of the string to sign.
    pub(crate) fn order(&self) -> SortOrder {
        match self.sort {
            Sort::Natural => SortOrder::Natural,
            Sort::BytewiseKey => SortOrder::BytewiseKey,
            Sort::BytewiseEntry => SortOrder::BytewiseEntry,
        }
    }

    /// The message: a JSON object from the file or standard input.
    pub(crate) fn read_message(&self) -> Result<Value, Failure> {
        read_json_object(self.file.as_deref())
    }

    /// The key from `--key-file` or the environment. Errors name the source, never the key.
    pub(crate) fn read_key(&self) -> Result<SecretKey, Failure> {
        read_key(self.key_file.as_deref())
    }
}

/// The key from `key_file`, or from the environment when it is absent. Errors name the source,
/// never the key.
pub(crate) fn read_key(key_file: Option<&std::path::Path>) -> Result<SecretKey, Failure> {
    let key = match key_file {
        Some(path) => SecretKey::from_file(path),
        None => SecretKey::from_env(SECRET_KEY_ENV),
    };
    key.map_err(|e| {
        Failure::unusable(format!(
            "no key: {e} (set {SECRET_KEY_ENV} or pass --key-file)"
        ))
    })
}

/// The longest input read: 1 MiB, as the callback limit
/// ([`CallbackVerifier::DEFAULT_MAX_BODY_BYTES`]); longer input is refused before it is parsed.
pub(crate) const MAX_INPUT_BYTES: usize = CallbackVerifier::DEFAULT_MAX_BODY_BYTES;

/// The bytes of `file`, or of standard input when it is absent or `-`, with a name for errors;
/// at most [`MAX_INPUT_BYTES`] (more is refused without reading it all).
pub(crate) fn read_input(file: Option<&std::path::Path>) -> Result<(Vec<u8>, String), Failure> {
    let mut bytes = Vec::new();
    let limit = MAX_INPUT_BYTES as u64 + 1;
    let source = match file.filter(|path| path.as_os_str() != "-") {
        Some(path) => {
            let source = path.display().to_string();
            std::fs::File::open(path)
                .and_then(|file| file.take(limit).read_to_end(&mut bytes))
                .map_err(|e| Failure::unusable(format!("cannot read {source}: {e}")))?;
            source
        }
        None => {
            std::io::stdin()
                .lock()
                .take(limit)
                .read_to_end(&mut bytes)
                .map_err(|e| Failure::unusable(format!("cannot read standard input: {e}")))?;
            "standard input".to_owned()
        }
    };
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(Failure::unusable(format!(
            "{source} is longer than the limit of {MAX_INPUT_BYTES} bytes"
        )));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Failure::unusable(format!(
            "{source} is empty: expected a JSON object"
        )));
    }
    Ok((bytes, source))
}

/// A JSON object from `file`, or from standard input when it is absent or `-`.
pub(crate) fn read_json_object(file: Option<&std::path::Path>) -> Result<Value, Failure> {
    let (bytes, source) = read_input(file)?;
    let message: Value = serde_json::from_slice(&bytes)
        .map_err(|e| Failure::unusable(format!("{source} is not JSON: {e}")))?;
    if !message.is_object() {
        return Err(Failure::unusable(format!(
            "{source} does not hold a JSON object"
        )));
    }
    Ok(message)
}

/// Writes one line to standard output. A closed pipe (`ecommpay validate --list | head`) or a
/// full disk is a failure with a message, never a panic as `println!` would give.
pub(crate) fn print_line(line: impl fmt::Display) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")
        .and_then(|()| out.flush())
        .map_err(|e| Failure::unusable(format!("cannot write to standard output: {e}")))
}

/// What went wrong, and the exit code that says so.
pub(crate) struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub(crate) fn unusable(message: impl fmt::Display) -> Self {
        Self {
            code: EXIT_UNUSABLE_INPUT,
            message: message.to_string(),
        }
    }

    pub(crate) fn report(self) -> ExitCode {
        eprintln!("ecommpay: {}", self.message);
        ExitCode::from(self.code)
    }
}
