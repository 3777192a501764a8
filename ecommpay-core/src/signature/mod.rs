//! Request and callback signatures: HMAC-SHA512 over a canonical form of the message.
//!
//! The canonical form (the platform's algorithm):
//!
//! 1. Every key named `signature`, at any depth, is left out, when signing as when verifying,
//!    so that what one signs the other verifies. That is what the official SDKs' callback
//!    check drops (the PHP SDK's `Callback::checkSignature` removes `signature` recursively
//!    before signing the rest), the one verification of the platform's whose source is public;
//!    the messages the documents show carry no `signature` but their own (the top-level one in
//!    Payment Page parameters and callbacks, `general.signature` in Gate requests and the payout
//!    registration callback), and sign the same either way.
//! 2. Every scalar leaf becomes an entry `path:value`, the path joining the keys from the root
//!    with `:` (array elements by their 0-based index, a `:` inside a key written `::`).
//! 3. `true` is `1`, `false` is `0`, `null` is empty, strings are verbatim, integers exact.
//!    Empty arrays and objects contribute nothing; keys named `frame_mode` are left out.
//! 4. The entries are sorted by path in natural order (PHP's `strnatcmp`, see [`crate::natural`]);
//!    the byte-wise orders of the other SDKs are available as [`SortOrder`] options.
//! 5. The entries joined with `;` are signed with HMAC-SHA512 under the secret key and the result
//!    is encoded as standard Base64 with padding (88 characters).
//!
//! Integers of at most 64 bits are written exactly; other numbers as the official SDKs all write
//! them (`1.5`), and refused with [`CanonicalError::UnsupportedNumber`] naming their path where
//! the SDKs would disagree (`1.0`, `1e3`, `0.00001`), rather than signed one SDK's way.
//!
//! Typed messages get the canonical form from `#[derive(Canonical)]`, which settles the order of
//! their fields at compile time; [`sign_canonical`] signs them without building a JSON value.
//! Received callbacks are verified over their raw body with [`verify_callback_raw`] or
//! [`verify_callback`] before anything else looks at them.

mod callback;
mod canonical;
mod error;
mod fast_parse;
pub(crate) mod hmac512;
mod tree;

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::Serialize;
use serde_json::{Map, Value};

use self::hmac512::MacState;

use crate::secret::SecretKey;

pub use callback::{
    CallbackLimits, CallbackOptions, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_DEPTH, DEFAULT_MAX_VALUES,
    MAX_CALLBACK_DEPTH, VerifiedCallback, verify_callback, verify_callback_raw,
    verify_callback_raw_with, verify_callback_raw_with_order, verify_callback_with,
};
pub(crate) use canonical::shown_number;
pub use canonical::{
    Canonical, CanonicalKey, CanonicalWriter, FRAME_MODE_KEY, GENERAL_KEY, MAX_DEPTH, PathMark,
    SIGNATURE_KEY, SignatureRemoval, SortOrder, UnorderedMark, escape_key, fraction_text,
    is_signable_number,
};
pub(crate) use error::UNSUPPORTED_NUMBER_REASON;
pub use error::{CallbackError, CanonicalError, EmbedError, MalformedSignature, VerifyError};

/// Length in bytes of an HMAC-SHA512 signature.
pub const SIGNATURE_BYTES: usize = 64;

/// The kinds of message, which differ in where they carry the signature.
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
    /// Which `signature` keys are left out when signing this kind of message: every one, at any
    /// depth, as when verifying (see the module's step 1), whatever the kind.
    pub fn removal_when_signing(self) -> SignatureRemoval {
        SignatureRemoval::Everywhere
    }

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

/// How to sign or verify: the kind of message and the sort order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SignOptions {
    /// The kind of message.
    pub kind: MessageKind,
    /// The order of the entries; natural by default.
    pub order: SortOrder,
}

impl SignOptions {
    /// Options for this kind of message with the natural order.
    pub fn new(kind: MessageKind) -> Self {
        Self {
            kind,
            order: SortOrder::Natural,
        }
    }

    /// The same options with another sort order.
    pub fn with_order(self, order: SortOrder) -> Self {
        Self { order, ..self }
    }
}

fn as_message(message: &Value) -> Result<&Map<String, Value>, CanonicalError> {
    message.as_object().ok_or(CanonicalError::NotAnObject {
        found: error::json_kind(message),
    })
}

/// Writes the canonical form of a JSON message as it is signed (every `signature` key left out).
pub fn canonical_value(
    message: &Value,
    options: SignOptions,
) -> Result<CanonicalWriter, CanonicalError> {
    let mut writer =
        CanonicalWriter::with_options(options.order, options.kind.removal_when_signing());
    writer.write(as_message(message)?)?;
    Ok(writer)
}

/// The string to sign of a JSON message.
pub fn string_to_sign_value(
    message: &Value,
    options: SignOptions,
) -> Result<String, CanonicalError> {
    Ok(canonical_value(message, options)?.string_to_sign())
}

/// The string to sign of a typed message, from its [`Canonical`] implementation.
pub fn string_to_sign_canonical<T: Canonical + ?Sized>(
    message: &T,
    options: SignOptions,
) -> Result<String, CanonicalError> {
    let mut writer =
        CanonicalWriter::with_options(options.order, options.kind.removal_when_signing());
    writer.write(message)?;
    Ok(writer.string_to_sign())
}

fn mac_over(writer: &mut CanonicalWriter, key: &SecretKey) -> MacState {
    let mut mac = key.mac();
    for (i, entry) in writer.entries().enumerate() {
        if i > 0 {
            mac.update(b";");
        }
        mac.update(entry.as_bytes());
    }
    mac
}

fn encode(mac: MacState) -> String {
    BASE64.encode(mac.finalize())
}

/// Signs the entries of a writer: Base64 of HMAC-SHA512 over the entries joined with `;`.
pub fn sign_writer(writer: &mut CanonicalWriter, key: &SecretKey) -> String {
    encode(mac_over(writer, key))
}

/// Signs a string to sign as it is: Base64 of HMAC-SHA512 under the key's prepared state (the
/// floor the benchmarks measure the signing paths against).
pub fn sign_string(string_to_sign: &str, key: &SecretKey) -> String {
    let mut mac = key.mac();
    mac.update(string_to_sign.as_bytes());
    encode(mac)
}

/// Signs a JSON message, leaving out the signature it may already carry. In the natural order
/// its settled entries stream into the MAC (see [`sign_canonical`]) rather than being collected
/// first: a message whose canonical form is far longer than itself (a long key over many
/// values) costs the MAC's time, not that much memory.
pub fn sign_value(
    message: &Value,
    key: &SecretKey,
    options: SignOptions,
) -> Result<String, CanonicalError> {
    sign_canonical(as_message(message)?, key, options)
}

/// Signs a serializable message through its JSON form (`serde_json::to_value`).
pub fn sign<T: Serialize + ?Sized>(
    message: &T,
    key: &SecretKey,
    options: SignOptions,
) -> Result<String, CanonicalError> {
    let value = serde_json::to_value(message).map_err(CanonicalError::Serialize)?;
    sign_value(&value, key, options)
}

/// Signs a typed message from its [`Canonical`] implementation, without building JSON and,
/// in the natural order, without building the string to sign: the entries whose place is
/// settled go straight into the HMAC (see [`CanonicalWriter`]).
pub fn sign_canonical<T: Canonical + ?Sized>(
    message: &T,
    key: &SecretKey,
    options: SignOptions,
) -> Result<String, CanonicalError> {
    let removal = options.kind.removal_when_signing();
    canonical::with_thread_writer(|writer| {
        writer.reset_streaming(options.order, removal, key.mac());
        writer.write(message)?;
        if let Some(mac) = writer.take_mac() {
            return Ok(encode(mac));
        }
        // Not streamable (a bytewise order, or a hand-written `sort_from` over settled entries).
        writer.reset(options.order, removal);
        writer.write(message)?;
        Ok(sign_writer(writer, key))
    })
}

/// Decodes a signature value: a string of standard Base64 that decodes to 64 bytes.
fn decode_signature(value: &Value) -> Result<Vec<u8>, MalformedSignature> {
    let text = value.as_str().ok_or(MalformedSignature::NotAString {
        found: error::json_kind(value),
    })?;
    decode_signature_text(text)
}

/// Decodes the text of a signature: standard Base64 of 64 bytes. Anything longer than the 88
/// characters of such a text is refused before decoding.
fn decode_signature_text(text: &str) -> Result<Vec<u8>, MalformedSignature> {
    const MAX_TEXT: usize = 4 * SIGNATURE_BYTES.div_ceil(3);
    if text.len() > MAX_TEXT {
        // Its length is all that matters: at least this many bytes once decoded.
        return Err(MalformedSignature::WrongLength {
            bytes: text.len() / 4 * 3,
        });
    }
    let bytes = BASE64
        .decode(text)
        .map_err(|_| MalformedSignature::NotBase64)?;
    if bytes.len() != SIGNATURE_BYTES {
        return Err(MalformedSignature::WrongLength { bytes: bytes.len() });
    }
    Ok(bytes)
}

/// Checks the signature a JSON message carries where its kind carries it. Every key named
/// `signature` at any depth is left out of the canonical form, as when signing; the comparison
/// is constant-time
/// (`Mac::verify_slice` on the decoded bytes).
pub fn verify_value(
    message: &Value,
    key: &SecretKey,
    options: SignOptions,
) -> Result<(), VerifyError> {
    let message = as_message(message)?;
    verify_object(message, key, options).map(|_| ())
}

pub(crate) fn verify_object(
    message: &Map<String, Value>,
    key: &SecretKey,
    options: SignOptions,
) -> Result<SignatureLocation, VerifyError> {
    let location = options.kind.signature_location(message);
    let signature = location
        .get(message)
        .ok_or(VerifyError::MissingSignature { location })?;
    let expected = decode_signature(signature)
        .map_err(|reason| VerifyError::MalformedSignature { location, reason })?;
    let mut writer = CanonicalWriter::with_options(options.order, SignatureRemoval::Everywhere);
    writer.write(message)?;
    if !mac_over(&mut writer, key).verify(&expected) {
        return Err(VerifyError::Mismatch);
    }
    Ok(location)
}

/// Checks the signature of a serializable message through its JSON form.
pub fn verify<T: Serialize + ?Sized>(
    message: &T,
    key: &SecretKey,
    options: SignOptions,
) -> Result<(), VerifyError> {
    let value = serde_json::to_value(message).map_err(CanonicalError::Serialize)?;
    verify_value(&value, key, options)
}

/// Puts a signature where this kind of message carries it, replacing any already there (a new
/// top-level key goes last; a missing `general` is created).
pub fn embed(
    message: &mut Value,
    kind: MessageKind,
    signature: &str,
) -> Result<SignatureLocation, EmbedError> {
    let found = error::json_kind(message);
    let Value::Object(members) = message else {
        return Err(EmbedError::NotAnObject { found });
    };
    let location = kind.signature_location(members);
    let target = match location {
        SignatureLocation::TopLevel => members,
        SignatureLocation::General => {
            let general = members
                .entry(GENERAL_KEY)
                .or_insert_with(|| Value::Object(Map::new()));
            let found = error::json_kind(general);
            general
                .as_object_mut()
                .ok_or(EmbedError::GeneralNotAnObject { found })?
        }
    };
    target.insert(
        SIGNATURE_KEY.to_owned(),
        Value::String(signature.to_owned()),
    );
    Ok(location)
}
