//! Callbacks are verified over their raw body before anything else reads them.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::error::{CallbackError, json_kind};
use super::{MessageKind, SignOptions, SignatureLocation, SortOrder, verify_object};
use crate::secret::SecretKey;

/// A callback whose signature has been checked: the only way to get at its body.
#[derive(Debug, Clone)]
pub struct VerifiedCallback {
    body: Map<String, Value>,
    location: SignatureLocation,
}

impl VerifiedCallback {
    /// The body, exactly as received (unknown fields and the signature included).
    pub fn body(&self) -> &Map<String, Value> {
        &self.body
    }

    /// The body as a JSON object.
    pub fn into_body(self) -> Map<String, Value> {
        self.body
    }

    /// Where the callback carried its signature.
    pub fn signature_location(&self) -> SignatureLocation {
        self.location
    }

    /// Deserializes the body into a typed callback; errors give the JSON path.
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<T, CallbackError> {
        serde_path_to_error::deserialize(&self.body).map_err(|error| CallbackError::Deserialize {
            path: error.path().to_string(),
            source: error.into_inner(),
        })
    }
}

/// Verifies a callback over its raw body with the natural order and hands out the body.
///
/// The body is parsed as it is, unknown fields included. A number that is not an integer of at
/// most 64 bits makes the callback unverifiable ([`CallbackError::Canonical`]): `serde_json` would
/// hold it as an `f64` and its exact digits, which the signature covers, would be lost.
pub fn verify_callback_raw(raw: &[u8], key: &SecretKey) -> Result<VerifiedCallback, CallbackError> {
    verify_callback_raw_with_order(raw, key, SortOrder::Natural)
}

/// [`verify_callback_raw`] with another sort order.
pub fn verify_callback_raw_with_order(
    raw: &[u8],
    key: &SecretKey,
    order: SortOrder,
) -> Result<VerifiedCallback, CallbackError> {
    let body: Value = serde_json::from_slice(raw).map_err(CallbackError::NotJson)?;
    let Value::Object(body) = body else {
        return Err(CallbackError::NotAnObject {
            found: json_kind(&body),
        });
    };
    let options = SignOptions::new(MessageKind::Callback).with_order(order);
    let location = verify_object(&body, key, options)?;
    Ok(VerifiedCallback { body, location })
}

/// Verifies a callback over its raw body, then deserializes it into `T`.
pub fn verify_callback<T: DeserializeOwned>(
    raw: &[u8],
    key: &SecretKey,
) -> Result<T, CallbackError> {
    verify_callback_raw(raw, key)?.deserialize()
}
