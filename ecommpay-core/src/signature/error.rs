//! What can go wrong while canonicalizing, signing and verifying.

use std::fmt;

use super::kind::SignatureLocation;
use crate::excerpt::Excerpt;

/// Why a number is refused, said alike by the signer ([`CanonicalError::UnsupportedNumber`]), the
/// validator (`unsignable_number`) and Payment Page URLs.
pub(crate) const UNSUPPORTED_NUMBER_REASON: &str = "the official SDKs would write it \
    differently (PHP, Python and Node agree only on integers of at most 64 bits and on fractions \
    of at most 14 significant digits between 0.0001 and 10^14, such as 1.5); send it as a string \
    or an integer";

/// A message that cannot be put in canonical form.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CanonicalError {
    /// A number the official SDKs would not all write alike, so that no signature over it is
    /// the platform's for certain (see `Canonical for Number`): an integer beyond 64 bits, an
    /// integral value written as a fraction or with an exponent (`1.0`, `1e3`), more than 14
    /// significant digits, or a magnitude they write with an exponent.
    #[error(
        "unsupported number {} at {}: {}",
        Excerpt(.number), Excerpt(.path), UNSUPPORTED_NUMBER_REASON
    )]
    UnsupportedNumber {
        /// Canonical path of the number (keys joined with `:`).
        path: String,
        /// The number as `serde_json` holds it.
        number: String,
    },
    /// The message is not a JSON object.
    #[error("the message is not a JSON object but {found}")]
    NotAnObject {
        /// What it is instead (`an array`, `a string`…).
        found: &'static str,
    },
    /// Containers nested deeper than [`super::MAX_DEPTH`].
    #[error("the message nests containers deeper than {limit} levels, at {}", Excerpt(.path))]
    TooDeep {
        /// Canonical path where the limit was reached.
        path: String,
        /// The limit.
        limit: usize,
    },
    /// `serde_json::to_value` failed on a typed message.
    #[error("the message cannot be turned into JSON: {0}")]
    Serialize(#[source] serde_json::Error),
}

/// A message whose signature cannot be put in place.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmbedError {
    /// The message is not a JSON object.
    #[error("the message is not a JSON object but {found}")]
    NotAnObject {
        /// What it is instead.
        found: &'static str,
    },
    /// The signature belongs in `general`, which is there but is not an object.
    #[error("`general` is not a JSON object but {found}, so `general.signature` cannot be set")]
    GeneralNotAnObject {
        /// What it is instead.
        found: &'static str,
    },
}

/// Why a signature value cannot be an HMAC-SHA512 signature.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MalformedSignature {
    /// The value is not a JSON string.
    NotAString {
        /// What it is instead.
        found: &'static str,
    },
    /// The string is not standard Base64 with padding.
    NotBase64,
    /// The decoded bytes are not the 64 bytes of an HMAC-SHA512.
    WrongLength {
        /// How many bytes it decodes to.
        bytes: usize,
    },
}

impl fmt::Display for MalformedSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAString { found } => write!(f, "it is {found}, not a string"),
            Self::NotBase64 => f.write_str("it is not standard Base64 with padding"),
            Self::WrongLength { bytes } => {
                write!(
                    f,
                    "it decodes to {bytes} bytes instead of the 64 of an HMAC-SHA512"
                )
            }
        }
    }
}

/// A message whose signature does not check out.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// No signature where this kind of message carries it.
    #[error("the message carries no signature at `{location}`")]
    MissingSignature {
        /// Where it was looked for.
        location: SignatureLocation,
    },
    /// A signature value that cannot be a signature.
    #[error("the signature at `{location}` is malformed: {reason}")]
    MalformedSignature {
        /// Where it was found.
        location: SignatureLocation,
        /// What is wrong with it.
        reason: MalformedSignature,
    },
    /// A well-formed signature that is not the message's.
    #[error("the signature does not match the message")]
    Mismatch,
    /// The message cannot be put in canonical form.
    #[error(transparent)]
    Canonical(#[from] CanonicalError),
}

/// A callback body longer than the limit, refused before any of it is read: one shape for the
/// verifier's [`CallbackError::TooLarge`] and the callback endpoint's refusal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the callback body has {bytes} bytes, more than the limit of {limit}")]
pub struct BodyTooLarge {
    /// Its length.
    pub bytes: usize,
    /// The limit ([`super::CallbackVerifier::max_body_bytes`]).
    pub limit: usize,
}

/// A callback that must not be trusted, or that is not of the expected type. Each variant names
/// the check that failed, in the order they run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CallbackError {
    /// The body is longer than the limit; nothing of it was parsed.
    #[error(transparent)]
    TooLarge(BodyTooLarge),
    /// The body nests arrays and objects deeper than the limit.
    #[error("the callback body nests arrays and objects deeper than {limit} levels")]
    TooDeep {
        /// The limit ([`super::CallbackVerifier::max_depth`]).
        limit: usize,
    },
    /// The body holds more values (scalars, arrays and objects, the top-level object included)
    /// than the limit.
    #[error("the callback body holds more than {limit} values (arrays, objects and scalars)")]
    TooManyValues {
        /// The limit ([`super::CallbackVerifier::max_values`]).
        limit: usize,
    },
    /// The canonical form of the body (the text its signature covers, a path before every
    /// value) would be longer than the limit: refused before any of it is written.
    #[error(
        "the callback body's canonical form would be longer than {limit} bytes (paths repeated before each value)"
    )]
    CanonicalTooLong {
        /// The limit ([`super::CallbackVerifier::max_canonical_bytes`]).
        limit: usize,
    },
    /// An object of the body has the same key twice: refused before anything else, since the
    /// platform never sends one and readers disagree on which one counts.
    #[error("the callback body has the key {} twice", Excerpt(.path))]
    DuplicateKey {
        /// JSON path of the second occurrence.
        path: String,
    },
    /// A key that would make the canonical form ambiguous: empty, or starting or ending with `:`
    /// (two different bodies would then have the same signature).
    #[error("the callback body has the key {}, which the signature cannot tell apart from other keys", Excerpt(.path))]
    AmbiguousKey {
        /// JSON path of the key.
        path: String,
    },
    /// The body is not JSON.
    #[error("the callback body is not JSON: {0}")]
    NotJson(#[source] serde_json::Error),
    /// The body is JSON but not an object.
    #[error("the callback body is not a JSON object but {found}")]
    NotAnObject {
        /// What it is instead.
        found: &'static str,
    },
    /// The callback carries no signature.
    #[error("the callback carries no signature at `{location}`")]
    MissingSignature {
        /// Where it was looked for.
        location: SignatureLocation,
    },
    /// The signature value cannot be a signature.
    #[error("the callback's signature at `{location}` is malformed: {reason}")]
    MalformedSignature {
        /// Where it was found.
        location: SignatureLocation,
        /// What is wrong with it.
        reason: MalformedSignature,
    },
    /// The signature is well-formed but does not match the body: the body was altered or signed
    /// with another key.
    #[error("the callback's signature does not match its body")]
    Mismatch,
    /// The body cannot be put in canonical form, so it cannot be verified.
    #[error("the callback cannot be verified: {0}")]
    Canonical(#[source] CanonicalError),
    /// The body is authentic but does not deserialize into the expected type.
    #[error("the verified callback does not fit the expected type at {}: {source}", Excerpt(.path))]
    Deserialize {
        /// JSON path of the offending value (`payment.sum.amount`, `errors[0].code`).
        path: String,
        /// What `serde_json` reported.
        #[source]
        source: serde_json::Error,
    },
}

impl From<VerifyError> for CallbackError {
    fn from(error: VerifyError) -> Self {
        match error {
            VerifyError::MissingSignature { location } => Self::MissingSignature { location },
            VerifyError::MalformedSignature { location, reason } => {
                Self::MalformedSignature { location, reason }
            }
            VerifyError::Mismatch => Self::Mismatch,
            VerifyError::Canonical(error) => Self::Canonical(error),
        }
    }
}

/// How a JSON value is named in error messages.
pub(crate) fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}
