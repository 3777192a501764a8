//! Signing through the key, or through a [`Signer`] in another sort order.

use serde_json::Value;

use super::canonical::{
    Canonical, CanonicalWriter, SignatureRemoval, SortOrder, with_thread_writer,
};
use super::error::{CanonicalError, EmbedError, VerifyError};
use super::kind::MessageKind;
use super::low_level::{as_message, decode_signature, embed, encode, mac_over};
use crate::secret::SecretKey;

/// Signs and verifies messages with a key in a sort order: [`SecretKey::signer`], then
/// [`Signer::with_order`] for the byte-wise orders some SDKs use. The key's own methods
/// ([`SecretKey::sign`], ...) sign in the natural order, the platform's.
///
/// `Debug` does not show the key.
#[derive(Clone, Copy, Debug)]
pub struct Signer<'k> {
    key: &'k SecretKey,
    order: SortOrder,
}

impl<'k> Signer<'k> {
    /// A signer with this key in the natural order.
    pub fn new(key: &'k SecretKey) -> Self {
        Self {
            key,
            order: SortOrder::Natural,
        }
    }

    /// The same signer in another sort order.
    pub fn with_order(self, order: SortOrder) -> Self {
        Self { order, ..self }
    }

    /// The sort order.
    pub fn order(&self) -> SortOrder {
        self.order
    }

    /// Signs a typed message from its [`Canonical`] implementation (any signature it carries is
    /// left out), without building JSON and, in the natural order, without building the string
    /// to sign: the entries whose place is settled go straight into the HMAC (see
    /// [`CanonicalWriter`]). A message whose canonical form is far longer than itself (a long
    /// key over many values) costs the MAC's time, not that much memory.
    ///
    /// A `serde_json::Map` is a message too; a `serde_json::Value` goes through
    /// [`Signer::sign_json`], which refuses one that is not an object.
    pub fn sign<T: Canonical + ?Sized>(&self, message: &T) -> Result<String, CanonicalError> {
        let (order, removal) = (self.order, SignatureRemoval::Everywhere);
        with_thread_writer(|writer| {
            writer.reset_streaming(order, removal, self.key.mac());
            writer.write(message)?;
            if let Some(mac) = writer.take_mac() {
                return Ok(encode(mac));
            }
            // Not streamable (a bytewise order, or a hand-written `sort_from` over settled
            // entries).
            writer.reset(order, removal);
            writer.write(message)?;
            Ok(encode(mac_over(writer, self.key)))
        })
    }

    /// Signs a JSON message, which must be an object, leaving out the signature it may carry.
    pub fn sign_json(&self, message: &Value) -> Result<String, CanonicalError> {
        self.sign(as_message(message)?)
    }

    /// Checks the signature a JSON message carries where its kind carries it. Every key named
    /// `signature` at any depth is left out of the canonical form, as when signing; the
    /// comparison is constant-time.
    ///
    /// A received callback is verified over its raw body by a [`super::CallbackVerifier`]
    /// instead, which also bounds what the body may cost and refuses duplicate keys.
    pub fn verify_json(&self, message: &Value, kind: MessageKind) -> Result<(), VerifyError> {
        let message = as_message(message)?;
        let location = kind.signature_location(message);
        let signature = location
            .get(message)
            .ok_or(VerifyError::MissingSignature { location })?;
        let expected = decode_signature(signature)
            .map_err(|reason| VerifyError::MalformedSignature { location, reason })?;
        let mut writer = CanonicalWriter::with_options(self.order, SignatureRemoval::Everywhere);
        writer.write(message)?;
        if !mac_over(&mut writer, self.key).verify(&expected) {
            return Err(VerifyError::Mismatch);
        }
        Ok(())
    }
}

/// Signing through the key, in the natural order (the platform's).
impl SecretKey {
    /// A [`Signer`] with this key, for another sort order.
    pub fn signer(&self) -> Signer<'_> {
        Signer::new(self)
    }

    /// Signs a typed message (see [`Signer::sign`]): the Base64 text of its signature.
    pub fn sign<T: Canonical + ?Sized>(&self, message: &T) -> Result<String, CanonicalError> {
        self.signer().sign(message)
    }

    /// Signs a JSON message, which must be an object (see [`Signer::sign_json`]).
    pub fn sign_json(&self, message: &Value) -> Result<String, CanonicalError> {
        self.signer().sign_json(message)
    }

    /// Checks the signature a JSON message of this kind carries (see [`Signer::verify_json`]).
    pub fn verify_json(&self, message: &Value, kind: MessageKind) -> Result<(), VerifyError> {
        self.signer().verify_json(message, kind)
    }

    /// The body the platform would send for this callback, for a merchant's tests of its
    /// endpoint: the callback signed with this key (any signature it carries left out), the
    /// signature put where callbacks carry it (the top level, or `general` for the payout
    /// registration callback), serialized.
    ///
    /// ```
    /// # use ecommpay_core::SecretKey;
    /// # use ecommpay_core::signature::CallbackVerifier;
    /// let key = SecretKey::new("test-project-secret")?;
    /// let raw = key.sign_callback(&serde_json::json!({"payment": {"id": "order-1"}}))?;
    /// let verified = CallbackVerifier::new(key).verify(&raw)?;
    /// assert_eq!(verified.body()["payment"]["id"], "order-1");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sign_callback(&self, callback: &Value) -> Result<Vec<u8>, CanonicalError> {
        let signature = self.sign_json(callback)?;
        let mut body = callback.clone();
        // `sign_json` took it as an object, and a callback's signature goes in `general` only
        // when that is an object: neither refusal of `embed` can happen here.
        embed(&mut body, MessageKind::Callback, &signature).map_err(|error| match error {
            EmbedError::NotAnObject { found } | EmbedError::GeneralNotAnObject { found } => {
                CanonicalError::NotAnObject { found }
            }
        })?;
        serde_json::to_vec(&body).map_err(CanonicalError::Serialize)
    }
}

/// Signing through the writer: streaming, depth and numbers.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::low_level::{sign_string, string_to_sign_json};
    use crate::signature::{CallbackVerifier, SignatureLocation};
    use crate::signature::{MAX_DEPTH, SortOrder};
    use serde_json::{Map, json};

    /// A hand-written impl on the old API: `entry_count` taken outside any region.
    struct OldStyle(Vec<(&'static str, u32)>);

    impl Canonical for OldStyle {
        fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
            let start = out.entry_count();
            for (key, value) in &self.0 {
                let mark = out.enter_key(key);
                out.leaf_integer(*value);
                out.leave(mark);
            }
            out.sort_from(start);
            Ok(())
        }
    }

    #[test]
    fn the_old_region_api_still_signs_right() {
        let key = SecretKey::new("k").unwrap();
        let message = OldStyle(vec![("b", 1), ("a10", 2), ("a2", 3)]);
        let expected = sign_string("a2:3;a10:2;b:1", &key);
        assert_eq!(key.sign(&message).unwrap(), expected);
        assert_eq!(
            key.sign_json(&json!({"b": 1, "a10": 2, "a2": 3})).unwrap(),
            expected
        );
    }

    /// A value nested `depth` levels deep, built and torn down without recursion (dropping it
    /// recursively would itself exhaust a test thread's stack).
    fn with_nested(depth: usize, test: impl FnOnce(&Value)) {
        let mut value = json!("leaf");
        for i in 0..depth {
            value = if i % 2 == 0 {
                Value::Array(vec![value])
            } else {
                // Not `json!`, which would serialize `value` recursively.
                Value::Object(Map::from_iter([("k".to_owned(), value)]))
            };
        }
        test(&value);
        let mut stack = vec![value];
        while let Some(mut value) = stack.pop() {
            match &mut value {
                Value::Array(elements) => stack.append(elements),
                Value::Object(members) => {
                    stack.extend(std::mem::take(members).into_iter().map(|(_, v)| v))
                }
                _ => {}
            }
        }
    }

    #[test]
    fn any_depth_is_an_error_not_a_stack_overflow() {
        let key = SecretKey::new("k").unwrap();
        with_nested(100_000, |value| {
            let mut writer = CanonicalWriter::new();
            let error = writer.write(value).unwrap_err();
            assert!(
                matches!(
                    error,
                    CanonicalError::TooDeep {
                        limit: MAX_DEPTH,
                        ..
                    }
                ),
                "{error}"
            );
            assert!(error.to_string().len() < 200, "{error}");
            let error = key.sign(value).unwrap_err();
            assert!(matches!(error, CanonicalError::TooDeep { .. }), "{error}");
        });
        with_nested(MAX_DEPTH, |value| {
            let mut writer = CanonicalWriter::new();
            writer.write(value).unwrap();
            assert_eq!(writer.entries().len(), 1);
        });
    }

    #[test]
    fn unsupported_numbers_quote_a_short_path() {
        let long_key = "k".repeat(1_000_000);
        let message = json!({ long_key: 0.00001 });
        let error = string_to_sign_json(&message, SortOrder::Natural)
            .unwrap_err()
            .to_string();
        assert!(error.len() < 500, "{}", error.len());
        assert!(error.contains("1e-5"), "{error}");
    }

    /// The test helper signs where the platform does: the top level, or `general` for the
    /// payout registration callback; what it makes verifies, and a stale signature is replaced.
    #[test]
    fn sign_callback_makes_what_the_verifier_takes() {
        let key = SecretKey::new("k").unwrap();
        let verifier = CallbackVerifier::new(key.clone());
        for (callback, location) in [
            (
                json!({"payment": {"id": "p"}, "signature": "stale"}),
                SignatureLocation::TopLevel,
            ),
            (
                json!({"general": {"payment_id": "p", "signature": "stale"}}),
                SignatureLocation::General,
            ),
        ] {
            let raw = key.sign_callback(&callback).unwrap();
            let verified = verifier.verify(&raw).unwrap();
            assert_eq!(verified.signature_location(), location, "{callback}");
            let sent: serde_json::Value = serde_json::from_slice(&raw).unwrap();
            let signature = location.get(sent.as_object().unwrap()).unwrap();
            assert_eq!(signature, &json!(key.sign_json(&callback).unwrap()));
        }
        assert!(matches!(
            key.sign_callback(&json!([1])),
            Err(CanonicalError::NotAnObject { found: "an array" })
        ));
    }
}
