//! Callbacks are verified over their raw body before anything else reads them, in one pass:
//! see [`VerifiedCallback`] for the checks and for what the signature covers.
//!
//! The canonical form is written by the signing writer, which frees no memory holding message
//! text (see [`CanonicalWriter::reset`]). Reading a callback is not held to that: the tree's
//! decoded strings, the body handed out and the typed value (with serde's own buffers) are
//! copies of the body's text, freed as they are; the raw body is the caller's.

use std::borrow::Cow;
use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::canonical::{
    Canonical, CanonicalWriter, SignatureRemoval, SortOrder, with_thread_writer,
};
use super::error::{BodyTooLarge, CallbackError, CanonicalError, MalformedSignature};
use super::kind::{GENERAL_KEY, SIGNATURE_KEY, SignatureLocation};
use super::low_level::{decode_signature_text, mac_over};
use super::tree::{self, KeptSignature, Node, ParseError, TreeFailure, TreeLimits};
use crate::secret::SecretKey;

/// How much longer than the body limit its canonical form may be
/// ([`CallbackVerifier::max_canonical_bytes`]).
const CANONICAL_BYTES_PER_BODY_BYTE: usize = 4;

/// Verifies received callbacks over their raw body, before anything else reads them: the
/// project's key, the limits on what a body may cost before its signature is known, and the
/// sort order. The callback endpoint of `ecommpay-api` wraps one.
///
/// Each limit is refused with its own [`CallbackError`] naming it. With the defaults any body,
/// whatever its shape, is accepted or refused in a few milliseconds and a few megabytes: the
/// tree of a body holds at most [`CallbackVerifier::max_values`] nodes, and the text the MAC
/// reads is bounded too. See [`VerifiedCallback`] for the checks, in order, and for what the
/// signature covers.
///
/// ```
/// # use ecommpay_core::SecretKey;
/// # use ecommpay_core::signature::{CallbackError, CallbackVerifier};
/// let key = SecretKey::new("your-project-secret")?;
/// let verifier = CallbackVerifier::new(key.clone()).with_max_body_bytes(64 * 1024);
/// let raw = key.sign_callback(&serde_json::json!({"payment": {"id": "order-1"}}))?;
/// assert_eq!(verifier.verify(&raw)?.body()["payment"]["id"], "order-1");
/// let forged = br#"{"payment": {"id": "order-1"}, "signature": "bm90IGEgc2lnbmF0dXJl"}"#;
/// assert!(matches!(
///     verifier.verify(forged),
///     Err(CallbackError::MalformedSignature { .. })
/// ));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// `Debug` does not show the key.
#[derive(Clone, Debug)]
pub struct CallbackVerifier {
    key: SecretKey,
    max_body_bytes: usize,
    max_depth: usize,
    max_values: usize,
    order: SortOrder,
}

impl CallbackVerifier {
    /// The default [`CallbackVerifier::max_body_bytes`]: 1 MiB (the platform's callbacks are a
    /// few KiB). The one size limit of callbacks: the callback endpoint and the CLI use it too.
    pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;
    /// The default [`CallbackVerifier::max_depth`] (the platform's callbacks nest four or five
    /// levels).
    pub const DEFAULT_MAX_DEPTH: usize = 32;
    /// The default [`CallbackVerifier::max_values`] (the documents' callbacks hold a few dozen
    /// values).
    pub const DEFAULT_MAX_VALUES: usize = 10_000;
    /// The largest [`CallbackVerifier::max_depth`] honoured; a larger setting is lowered to it.
    pub const DEPTH_CAP: usize = 100;

    /// A verifier with the project's key, the default limits and the natural order.
    pub fn new(key: SecretKey) -> Self {
        Self {
            key,
            max_body_bytes: Self::DEFAULT_MAX_BODY_BYTES,
            max_depth: Self::DEFAULT_MAX_DEPTH,
            max_values: Self::DEFAULT_MAX_VALUES,
            order: SortOrder::Natural,
        }
    }

    /// The same verifier with another longest body, in bytes.
    pub fn with_max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// The same verifier with another deepest nesting, at most [`CallbackVerifier::DEPTH_CAP`].
    pub fn with_max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth.min(Self::DEPTH_CAP);
        self
    }

    /// The same verifier with another largest number of values.
    pub fn with_max_values(mut self, values: usize) -> Self {
        self.max_values = values;
        self
    }

    /// The same verifier with another sort order.
    pub fn with_order(mut self, order: SortOrder) -> Self {
        self.order = order;
        self
    }

    /// Longest body accepted, in bytes; checked before any parsing ([`CallbackError::TooLarge`]).
    /// A framework that can refuse a body before reading it whole (a `Content-Length` check, a
    /// body-limit layer) should use this too.
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }

    /// Deepest nesting of arrays and objects accepted, the top-level object being depth 1
    /// ([`CallbackError::TooDeep`]).
    pub fn max_depth(&self) -> usize {
        self.max_depth
    }

    /// Most values a body may hold, counting every scalar, array and object, the top-level
    /// object included ([`CallbackError::TooManyValues`]), checked while parsing: 1 MiB of `{}`
    /// or `1` is refused after this many values, not parsed whole.
    pub fn max_values(&self) -> usize {
        self.max_values
    }

    /// Longest canonical form accepted (the paths and values the MAC reads, which repeat a
    /// path before each value and so can be far longer than the body): four times
    /// [`CallbackVerifier::max_body_bytes`], checked on the parsed tree before the MAC reads any
    /// of it ([`CallbackError::CanonicalTooLong`]).
    pub fn max_canonical_bytes(&self) -> usize {
        self.max_body_bytes
            .saturating_mul(CANONICAL_BYTES_PER_BODY_BYTE)
    }

    /// The order of the entries; natural by default.
    pub fn order(&self) -> SortOrder {
        self.order
    }

    /// Verifies a callback over its raw body and hands out the body, less what the signature
    /// cannot see (see [`VerifiedCallback`]).
    ///
    /// A number the official SDKs would write differently (`1.0`, `1e3`, an integer beyond 64
    /// bits; see [`CanonicalWriter::leaf_fraction`]) makes the callback unverifiable
    /// ([`CallbackError::Canonical`]); `1.5` is verified as they verify it.
    pub fn verify(&self, raw: &[u8]) -> Result<VerifiedCallback, CallbackError> {
        let verified = self.verify_tree(raw)?;
        Ok(VerifiedCallback {
            body: tree::into_map(verified.members),
            location: verified.location,
            unsigned: verified.unsigned,
        })
    }

    /// Verifies a callback over its raw body, then deserializes it into `T` from the same parse,
    /// less what the signature cannot see; errors give the JSON path.
    pub fn verify_into<T: DeserializeOwned>(&self, raw: &[u8]) -> Result<T, CallbackError> {
        let verified = self.verify_tree(raw)?;
        tree::deserialize_members(&verified.members).map_err(|error| CallbackError::Deserialize {
            path: error.path(),
            source: <serde_json::Error as serde::de::Error>::custom(error.message()),
        })
    }
}

/// A callback whose signature has been checked: the only way to get at its body.
///
/// The checks, in order, each with its own [`CallbackError`]:
///
/// 1. the body is at most [`CallbackVerifier::max_body_bytes`] long ([`CallbackError::TooLarge`]),
///    checked before any parsing;
/// 2. it is parsed once, into a tree whose strings borrow from the body: strict JSON
///    ([`CallbackError::NotJson`]), containers at most [`CallbackVerifier::max_depth`] deep
///    ([`CallbackError::TooDeep`]), at most [`CallbackVerifier::max_values`] values
///    ([`CallbackError::TooManyValues`]), no key twice in any object ([`CallbackError::DuplicateKey`]:
///    the platform never sends one, and where readers disagree on which duplicate wins, one of
///    them would read a value the signature did not cover), no key that makes a canonical path
///    ambiguous ([`CallbackError::AmbiguousKey`]), an object at the top
///    ([`CallbackError::NotAnObject`]);
/// 3. the signature is found ([`CallbackError::MissingSignature`]), decoded
///    ([`CallbackError::MalformedSignature`]), the length of the canonical form is checked
///    ([`CallbackError::CanonicalTooLong`]), and the signature compared in constant time with
///    HMAC-SHA512 of the canonical form written from the tree under the key's prepared state
///    ([`CallbackError::Canonical`], [`CallbackError::Mismatch`]);
/// 4. what the signature cannot see is pruned from the tree (below), and the typed value is
///    deserialized from the same tree ([`CallbackError::Deserialize`]).
///
/// # What the signature covers
///
/// The canonical form (see [`super`]) sees every scalar leaf as `path:value`, and nothing else.
/// So these parts of a body can be added, removed or changed by anyone without breaking its
/// signature, and are **removed** before the body is handed out (their paths are listed by
/// [`VerifiedCallback::unsigned`]):
///
/// - every key named `frame_mode`, at any depth;
/// - every key named `signature` except the verified one (top-level `signature`, or
///   `general.signature` in the payout registration callback);
/// - every array or object that contributes no entry: `{}`, `[]`, and those that held only the
///   above.
///
/// Keys that would make two different bodies share a canonical form (an empty key, or one that
/// starts or ends with `:`, since a `:` in a key is written `::` and keys are joined with `:`)
/// are **refused**. What stays is covered, with these limits of the platform's scheme, which no
/// verifier can lift and which a program should keep in mind when it reads the body:
///
/// - the JSON type of a scalar is not covered, only its text: `null` and `""` are both empty,
///   `true`, `1` and `"1"` are all `1`, `false`, `0` and `"0"` all `0`, `5` and `"5"` both `5`
///   (`null` members are kept: their presence is covered; a typed field that reads `null` as
///   `None` and `""` as `Some("")` can be made to see either);
/// - an array and an object whose keys are its indices (`["a"]`, `{"0": "a"}`) look the same;
/// - the entries are joined with `;` and a value may contain `;` and `:`, so a string value
///   such as `"x;b:y"` and the two members it spells look the same where the order allows.
///
/// `Debug` shows the body with the signature's value redacted.
#[derive(Clone)]
pub struct VerifiedCallback {
    body: Map<String, Value>,
    location: SignatureLocation,
    unsigned: Vec<String>,
}

impl VerifiedCallback {
    /// The body as received, less what the signature cannot see (see [`VerifiedCallback`]):
    /// unknown fields and the verified signature included.
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

    /// The JSON paths (`payment.frame_mode`, `items[0]`) of the parts of the received body that
    /// the signature did not cover and that were removed from [`VerifiedCallback::body`].
    pub fn unsigned(&self) -> &[String] {
        &self.unsigned
    }

    /// Deserializes the body into a typed callback; errors give the JSON path.
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<T, CallbackError> {
        serde_path_to_error::deserialize(&self.body).map_err(|error| CallbackError::Deserialize {
            path: error.path().to_string(),
            source: <serde_json::Error as serde::de::Error>::custom(tree::shorten(
                error.into_inner().to_string(),
            )),
        })
    }
}

impl fmt::Debug for VerifiedCallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifiedCallback")
            .field("body", &RedactedMembers(&self.body))
            .field("location", &self.location)
            .field("unsigned", &self.unsigned)
            .finish()
    }
}

/// A JSON object as `serde_json::Value`'s `Debug` shows it, with the value of every key named
/// `signature` replaced (the verified one is at the top or in `general`; pruning removed the
/// others).
struct RedactedMembers<'a>(&'a Map<String, Value>);

struct RedactedValue<'a>(&'a Value);

/// A value, or `"<redacted>"` in its place.
struct Shown<'a>(Option<RedactedValue<'a>>);

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(value) => value.fmt(f),
            None => f.write_str("\"<redacted>\""),
        }
    }
}

impl fmt::Debug for RedactedMembers<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Object ")?;
        f.debug_map()
            .entries(self.0.iter().map(|(key, value)| {
                let shown = (key != SIGNATURE_KEY).then_some(RedactedValue(value));
                (key, Shown(shown))
            }))
            .finish()
    }
}

impl fmt::Debug for RedactedValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Value::Object(members) => RedactedMembers(members).fmt(f),
            Value::Array(elements) => {
                f.write_str("Array ")?;
                f.debug_list()
                    .entries(elements.iter().map(RedactedValue))
                    .finish()
            }
            scalar => scalar.fmt(f),
        }
    }
}

/// A body parsed and verified: the pruned tree, where the signature was, what was pruned.
struct Verified<'a> {
    members: Vec<(Cow<'a, str>, Node<'a>)>,
    location: SignatureLocation,
    unsigned: Vec<String>,
}

impl CallbackVerifier {
    fn verify_tree<'a>(&self, raw: &'a [u8]) -> Result<Verified<'a>, CallbackError> {
        if raw.len() > self.max_body_bytes {
            return Err(CallbackError::TooLarge(BodyTooLarge {
                bytes: raw.len(),
                limit: self.max_body_bytes,
            }));
        }
        let max_depth = self.max_depth;
        let tree_limits = TreeLimits {
            max_depth,
            max_values: self.max_values,
        };
        let (root, values) =
            tree::parse_counted(raw, tree_limits).map_err(|error| match error {
                ParseError::Json(error) => CallbackError::NotJson(error),
                ParseError::Tree(located) => match located.failure {
                    TreeFailure::Duplicate => CallbackError::DuplicateKey {
                        path: located.path(),
                    },
                    TreeFailure::Ambiguous => CallbackError::AmbiguousKey {
                        path: located.path(),
                    },
                    TreeFailure::TooDeep => CallbackError::TooDeep { limit: max_depth },
                    TreeFailure::TooManyValues => CallbackError::TooManyValues {
                        limit: self.max_values,
                    },
                },
            })?;
        let found = root.kind();
        let Node::Object(mut members) = root else {
            return Err(CallbackError::NotAnObject { found });
        };

        let root = ObjectView(&members);
        let location = if root.get(SIGNATURE_KEY).is_none()
            && matches!(root.get(GENERAL_KEY), Some(Node::Object(_)))
        {
            SignatureLocation::General
        } else {
            SignatureLocation::TopLevel
        };
        let signature = match location {
            SignatureLocation::TopLevel => root.get(SIGNATURE_KEY),
            SignatureLocation::General => root.get(GENERAL_KEY).and_then(|g| g.get(SIGNATURE_KEY)),
        }
        .ok_or(CallbackError::MissingSignature { location })?;
        let Node::Str(text) = signature else {
            return Err(CallbackError::MalformedSignature {
                location,
                reason: MalformedSignature::NotAString {
                    found: signature.kind(),
                },
            });
        };
        let expected = decode_signature_text(text)
            .map_err(|reason| CallbackError::MalformedSignature { location, reason })?;
        let max_canonical = self.max_canonical_bytes();
        // At most `values` entries, each at most its path (the keys on it, escaped: at most twice
        // the body; separators and indices: 21 bytes a level), its value (the body, or 20 bytes of a
        // number) and two separators: where that bound is within the limit, nothing to count.
        let entry_bound = raw
            .len()
            .saturating_mul(3)
            .saturating_add(max_depth.saturating_mul(21))
            .saturating_add(22);
        if values.saturating_mul(entry_bound) > max_canonical
            && tree::canonical_len(&members, max_canonical).is_none()
        {
            return Err(CallbackError::CanonicalTooLong {
                limit: max_canonical,
            });
        }

        // The thread's writer, reused (see `with_thread_writer`): it streams the entries whose
        // place is settled straight into the MAC.
        let order = self.order;
        let mac = with_thread_writer(|writer| {
            writer.reset_streaming(order, SignatureRemoval::Everywhere, self.key.mac());
            let written = writer.write(&RootMembers(&members));
            written.map(|()| match writer.take_mac() {
                Some(mac) => mac,
                // A bytewise order: the entries were collected, not streamed.
                None => {
                    writer.reset(order, SignatureRemoval::Everywhere);
                    let _ = writer.write(&RootMembers(&members));
                    mac_over(writer, &self.key)
                }
            })
        });
        if !mac.map_err(CallbackError::Canonical)?.verify(&expected) {
            return Err(CallbackError::Mismatch);
        }

        let kept = match location {
            SignatureLocation::TopLevel => KeptSignature::TopLevel,
            SignatureLocation::General => KeptSignature::InGeneral,
        };
        let unsigned = tree::prune(&mut members, kept);
        Ok(Verified {
            members,
            location,
            unsigned,
        })
    }
}

struct ObjectView<'t, 'a>(&'t [(Cow<'a, str>, Node<'a>)]);

impl<'a> ObjectView<'_, 'a> {
    fn get(&self, key: &str) -> Option<&Node<'a>> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

struct RootMembers<'t, 'a>(&'t [(Cow<'a, str>, Node<'a>)]);

impl Canonical for RootMembers<'_, '_> {
    fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
        tree::write_object(self.0, out)
    }
}
