//! The parts of signing, for tools and tests: the string to sign, the signature of a given text,
//! and putting a signature where a kind of message carries it. A merchant signs and verifies
//! through [`SecretKey`] and [`super::CallbackVerifier`] instead.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Map, Value};

use super::canonical::{Canonical, CanonicalWriter, SignatureRemoval, SortOrder};
use super::error::{CanonicalError, EmbedError, MalformedSignature, json_kind};
use super::kind::{GENERAL_KEY, MessageKind, SIGNATURE_KEY, SignatureLocation};
use crate::secret::SecretKey;
use crate::secret::hmac512::{MacState, OUTPUT};

/// The rule for numbers that are not integers: the text the official SDKs agree on, and whether
/// a number can be signed at all.
pub use super::canonical::{fraction_text, is_signable_number};

/// The string to sign of a typed message, from its [`Canonical`] implementation: the entries
/// joined with `;`, every `signature` key left out.
pub fn string_to_sign<T: Canonical + ?Sized>(
    message: &T,
    order: SortOrder,
) -> Result<String, CanonicalError> {
    let mut writer = CanonicalWriter::with_options(order, SignatureRemoval::Everywhere);
    writer.write(message)?;
    Ok(writer.string_to_sign())
}

/// The string to sign of a JSON message, which must be an object.
pub fn string_to_sign_json(message: &Value, order: SortOrder) -> Result<String, CanonicalError> {
    string_to_sign(as_message(message)?, order)
}

/// Signs a string to sign as it is: Base64 of HMAC-SHA512 under the key's prepared state (the
/// floor the benchmarks measure the signing paths against).
pub fn sign_string(string_to_sign: &str, key: &SecretKey) -> String {
    let mut mac = key.mac();
    mac.update(string_to_sign.as_bytes());
    encode(mac)
}

/// Signs the entries of a writer: Base64 of HMAC-SHA512 over the entries joined with `;`.
pub fn sign_writer(writer: &mut CanonicalWriter, key: &SecretKey) -> String {
    encode(mac_over(writer, key))
}

/// Puts a signature where this kind of message carries it, replacing any already there (a new
/// top-level key goes last; a missing `general` is created).
pub fn embed(
    message: &mut Value,
    kind: MessageKind,
    signature: &str,
) -> Result<SignatureLocation, EmbedError> {
    let found = json_kind(message);
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
            let found = json_kind(general);
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

/// A JSON message's members; a message is an object.
pub(crate) fn as_message(message: &Value) -> Result<&Map<String, Value>, CanonicalError> {
    message.as_object().ok_or(CanonicalError::NotAnObject {
        found: json_kind(message),
    })
}

/// HMAC-SHA512 over a collecting writer's entries joined with `;`.
pub(crate) fn mac_over(writer: &mut CanonicalWriter, key: &SecretKey) -> MacState {
    let mut mac = key.mac();
    for (i, entry) in writer.entries().enumerate() {
        if i > 0 {
            mac.update(b";");
        }
        mac.update(entry.as_bytes());
    }
    mac
}

/// The signature's text: standard Base64 with padding.
pub(crate) fn encode(mac: MacState) -> String {
    BASE64.encode(mac.finalize())
}

/// Decodes a signature value: a string of standard Base64 that decodes to 64 bytes.
pub(crate) fn decode_signature(value: &Value) -> Result<Vec<u8>, MalformedSignature> {
    let text = value.as_str().ok_or(MalformedSignature::NotAString {
        found: json_kind(value),
    })?;
    decode_signature_text(text)
}

/// Decodes the text of a signature: standard Base64 of 64 bytes. Anything longer than the 88
/// characters of such a text is refused before decoding.
pub(crate) fn decode_signature_text(text: &str) -> Result<Vec<u8>, MalformedSignature> {
    const MAX_TEXT: usize = 4 * OUTPUT.div_ceil(3);
    if text.len() > MAX_TEXT {
        // Its length is all that matters: at least this many bytes once decoded.
        return Err(MalformedSignature::WrongLength {
            bytes: text.len() / 4 * 3,
        });
    }
    let bytes = BASE64
        .decode(text)
        .map_err(|_| MalformedSignature::NotBase64)?;
    if bytes.len() != OUTPUT {
        return Err(MalformedSignature::WrongLength { bytes: bytes.len() });
    }
    Ok(bytes)
}
