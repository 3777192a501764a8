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

use super::error::CallbackError;
use super::tree::{self, KeptSignature, Node, ParseError, TreeFailure, TreeLimits};
use super::{
    CanonicalWriter, GENERAL_KEY, SIGNATURE_KEY, SignatureLocation, SignatureRemoval, SortOrder,
    decode_signature_text, error::MalformedSignature, mac_over,
};
use crate::secret::SecretKey;

/// Default [`CallbackLimits::max_body_bytes`]: 1 MiB (the platform's callbacks are a few KiB).
/// The one size limit of callbacks: the webhook endpoint and the CLI use it too.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;
/// Default [`CallbackLimits::max_depth`] (the platform's callbacks nest four or five levels).
pub const DEFAULT_MAX_DEPTH: usize = 32;
/// The largest [`CallbackLimits::max_depth`] honoured; larger settings are lowered to it.
pub const MAX_CALLBACK_DEPTH: usize = 100;
/// Default [`CallbackLimits::max_values`] (the documents' callbacks hold a few dozen values).
pub const DEFAULT_MAX_VALUES: usize = 10_000;
/// How much longer than the body limit its canonical form may be
/// ([`CallbackLimits::max_canonical_bytes`]).
const CANONICAL_BYTES_PER_BODY_BYTE: usize = 4;

/// Bounds on what a callback may cost before its signature is known, each refused with its own
/// [`CallbackError`] naming the limit. With the defaults any body, whatever its shape, is
/// accepted or refused in a few milliseconds and a few megabytes: the tree of a body holds at
/// most [`CallbackLimits::max_values`] nodes, and the text the MAC reads is bounded too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallbackLimits {
    /// Longest body accepted, in bytes; checked before any parsing ([`CallbackError::TooLarge`]).
    /// Its canonical form may be at most four times as long
    /// ([`CallbackLimits::max_canonical_bytes`]).
    pub max_body_bytes: usize,
    /// Deepest nesting of arrays and objects accepted (the top-level object is depth 1); at most
    /// [`MAX_CALLBACK_DEPTH`] ([`CallbackError::TooDeep`]).
    pub max_depth: usize,
    /// Most values a body may hold, counting every scalar, array and object, the top-level
    /// object included ([`CallbackError::TooManyValues`]), checked while parsing: 1 MiB of `{}`
    /// or `1` is refused after this many values, not parsed whole.
    pub max_values: usize,
}

impl CallbackLimits {
    /// Longest canonical form accepted (the paths and values the MAC reads, which repeat a
    /// path before each value and so can be far longer than the body): four times
    /// [`CallbackLimits::max_body_bytes`], checked on the parsed tree before the MAC reads any
    /// of it ([`CallbackError::CanonicalTooLong`]).
    pub fn max_canonical_bytes(&self) -> usize {
        self.max_body_bytes
            .saturating_mul(CANONICAL_BYTES_PER_BODY_BYTE)
    }
}

impl Default for CallbackLimits {
    fn default() -> Self {
        Self {
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_depth: DEFAULT_MAX_DEPTH,
            max_values: DEFAULT_MAX_VALUES,
        }
    }
}

/// How callbacks are verified: limits and sort order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CallbackOptions {
    /// The limits; [`CallbackLimits::default`] by default.
    pub limits: CallbackLimits,
    /// The order of the entries; natural by default.
    pub order: SortOrder,
}

impl CallbackOptions {
    /// The same options with another longest body.
    pub fn with_max_body_bytes(mut self, bytes: usize) -> Self {
        self.limits.max_body_bytes = bytes;
        self
    }

    /// The same options with another deepest nesting.
    pub fn with_max_depth(mut self, depth: usize) -> Self {
        self.limits.max_depth = depth;
        self
    }

    /// The same options with another largest number of values.
    pub fn with_max_values(mut self, values: usize) -> Self {
        self.limits.max_values = values;
        self
    }

    /// The same options with another sort order.
    pub fn with_order(mut self, order: SortOrder) -> Self {
        self.order = order;
        self
    }
}

/// A callback whose signature has been checked: the only way to get at its body.
///
/// The checks, in order, each with its own [`CallbackError`]:
///
/// 1. the body is at most [`CallbackLimits::max_body_bytes`] long ([`CallbackError::TooLarge`]),
///    checked before any parsing;
/// 2. it is parsed once, into a tree whose strings borrow from the body: strict JSON
///    ([`CallbackError::NotJson`]), containers at most [`CallbackLimits::max_depth`] deep
///    ([`CallbackError::TooDeep`]), at most [`CallbackLimits::max_values`] values
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

fn verify_tree<'a>(
    raw: &'a [u8],
    key: &SecretKey,
    options: &CallbackOptions,
) -> Result<Verified<'a>, CallbackError> {
    let limits = options.limits;
    if raw.len() > limits.max_body_bytes {
        return Err(CallbackError::TooLarge {
            bytes: raw.len(),
            limit: limits.max_body_bytes,
        });
    }
    let max_depth = limits.max_depth.min(MAX_CALLBACK_DEPTH);
    let tree_limits = TreeLimits {
        max_depth,
        max_values: limits.max_values,
    };
    let (root, values) = tree::parse_counted(raw, tree_limits).map_err(|error| match error {
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
                limit: limits.max_values,
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
    let max_canonical = limits.max_canonical_bytes();
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
    let mac = super::canonical::with_thread_writer(|writer| {
        writer.reset_streaming(options.order, SignatureRemoval::Everywhere, key.mac());
        let written = writer.write(&RootMembers(&members));
        written.map(|()| match writer.take_mac() {
            Some(mac) => mac,
            // A bytewise order: the entries were collected, not streamed.
            None => {
                writer.reset(options.order, SignatureRemoval::Everywhere);
                let _ = writer.write(&RootMembers(&members));
                mac_over(writer, key)
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

struct ObjectView<'t, 'a>(&'t [(Cow<'a, str>, Node<'a>)]);

impl<'a> ObjectView<'_, 'a> {
    fn get(&self, key: &str) -> Option<&Node<'a>> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

struct RootMembers<'t, 'a>(&'t [(Cow<'a, str>, Node<'a>)]);

impl super::Canonical for RootMembers<'_, '_> {
    fn write_canonical(
        &self,
        out: &mut CanonicalWriter,
    ) -> Result<(), super::error::CanonicalError> {
        tree::write_object(self.0, out)
    }
}

/// Verifies a callback over its raw body with the default limits and the natural order, and
/// hands out the body, less what the signature cannot see (see [`VerifiedCallback`]).
///
/// A number the official SDKs would write differently (`1.0`, `1e3`, an integer beyond 64 bits;
/// see [`CanonicalWriter::leaf_fraction`]) makes the callback unverifiable
/// ([`CallbackError::Canonical`]); `1.5` is verified as they verify it.
pub fn verify_callback_raw(raw: &[u8], key: &SecretKey) -> Result<VerifiedCallback, CallbackError> {
    verify_callback_raw_with(raw, key, &CallbackOptions::default())
}

/// [`verify_callback_raw`] with another sort order.
pub fn verify_callback_raw_with_order(
    raw: &[u8],
    key: &SecretKey,
    order: SortOrder,
) -> Result<VerifiedCallback, CallbackError> {
    verify_callback_raw_with(raw, key, &CallbackOptions::default().with_order(order))
}

/// [`verify_callback_raw`] with other options.
pub fn verify_callback_raw_with(
    raw: &[u8],
    key: &SecretKey,
    options: &CallbackOptions,
) -> Result<VerifiedCallback, CallbackError> {
    let verified = verify_tree(raw, key, options)?;
    Ok(VerifiedCallback {
        body: tree::into_map(verified.members),
        location: verified.location,
        unsigned: verified.unsigned,
    })
}

/// Verifies a callback over its raw body, then deserializes it into `T` from the same parse,
/// less what the signature cannot see; default limits, natural order.
pub fn verify_callback<T: DeserializeOwned>(
    raw: &[u8],
    key: &SecretKey,
) -> Result<T, CallbackError> {
    verify_callback_with(raw, key, &CallbackOptions::default())
}

/// [`verify_callback`] with other options.
pub fn verify_callback_with<T: DeserializeOwned>(
    raw: &[u8],
    key: &SecretKey,
    options: &CallbackOptions,
) -> Result<T, CallbackError> {
    let verified = verify_tree(raw, key, options)?;
    tree::deserialize_members(&verified.members).map_err(|error| CallbackError::Deserialize {
        path: error.path(),
        source: <serde_json::Error as serde::de::Error>::custom(error.message()),
    })
}
