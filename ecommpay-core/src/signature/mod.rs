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
//! # Signing and verifying
//!
//! - Sign through the key: [`SecretKey::sign`] a typed message (its `#[derive(Canonical)]` settles
//!   the order of its fields at compile time; no JSON is built), [`SecretKey::sign_json`] a JSON
//!   object, [`SecretKey::verify_json`] the signature a JSON message carries. A [`Signer`] does
//!   the same in another [`SortOrder`].
//! - Verify a received callback through a [`CallbackVerifier`], over its raw body, before
//!   anything else looks at it: it holds the key and the limits on what a body may cost, and
//!   hands out a [`VerifiedCallback`] or the typed callback. The callback endpoint of
//!   `ecommpay-api` wraps one.
//! - In tests, [`SecretKey::sign_callback`] makes the body the platform would send.
//! - The parts (the string to sign, a signature of a given text, putting a signature into a
//!   message) are in [`low_level`].

mod callback;
mod canonical;
mod error;
mod kind;
pub mod low_level;
mod sign;
mod tree;

pub use callback::{CallbackVerifier, VerifiedCallback};
pub use canonical::{
    Canonical, CanonicalKey, CanonicalWriter, FRAME_MODE_KEY, MAX_DEPTH, PathMark,
    SignatureRemoval, SortOrder, UnorderedMark,
};
pub use error::{
    BodyTooLarge, CallbackError, CanonicalError, EmbedError, MalformedSignature, VerifyError,
};
pub use kind::{GENERAL_KEY, MessageKind, SIGNATURE_KEY, SignatureLocation};
pub use sign::Signer;

#[cfg(doc)]
use crate::secret::SecretKey;

pub(crate) use canonical::{fraction_text, is_signable_number, shown_number};
pub(crate) use error::UNSUPPORTED_NUMBER_REASON;

/// Length in bytes of an HMAC-SHA512 signature.
pub const SIGNATURE_BYTES: usize = crate::secret::hmac512::OUTPUT;
