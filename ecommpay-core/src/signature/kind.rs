//! The kinds of message and where each carries its signature.

use std::fmt;

use serde_json::{Map, Value};

/// Name of the signature key.
pub const SIGNATURE_KEY: &str = "signature";
/// Name of the object that carries the signature of Gate requests.
pub const GENERAL_KEY: &str = "general";

/// The kinds of message, which differ in where they carry the signature (what is signed is the
/// same for all: see [`super`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MessageKind {
    /// A Gate request: the signature is `general.signature`.
    GateRequest,
    /// Payment Page parameters: the signature is the top-level `signature`.
    PaymentPage,
    /// A callback: the top-level `signature`, except the payout registration callback, which
    /// carries it in `general.signature`. Which one is decided by [`SignatureLocation::detect`].
    Callback,
}

impl MessageKind {
    /// Where this message carries its signature.
    pub fn signature_location(self, message: &Map<String, Value>) -> SignatureLocation {
        match self {
            Self::GateRequest => SignatureLocation::General,
            Self::PaymentPage => SignatureLocation::TopLevel,
            Self::Callback => SignatureLocation::detect(message),
        }
    }
}

/// Where a message carries its signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureLocation {
    /// The top-level key `signature`.
    TopLevel,
    /// `general.signature`.
    General,
}

impl SignatureLocation {
    /// The top-level `signature` when there is one; otherwise `general.signature` when the message
    /// has a `general` object (Gate requests and the payout registration callback, the only
    /// callback built that way); otherwise the top level.
    pub fn detect(message: &Map<String, Value>) -> Self {
        if !message.contains_key(SIGNATURE_KEY)
            && message.get(GENERAL_KEY).is_some_and(Value::is_object)
        {
            Self::General
        } else {
            Self::TopLevel
        }
    }

    /// The signature value at this location, if present.
    pub fn get(self, message: &Map<String, Value>) -> Option<&Value> {
        match self {
            Self::TopLevel => message.get(SIGNATURE_KEY),
            Self::General => message.get(GENERAL_KEY)?.as_object()?.get(SIGNATURE_KEY),
        }
    }
}

impl fmt::Display for SignatureLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::TopLevel => "signature",
            Self::General => "general.signature",
        })
    }
}
