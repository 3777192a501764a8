//! The canonical form: flattened `path:value` entries, sorted, joined with `;`.
//!
//! [`CanonicalWriter`] collects the entries of one message into a single reusable text buffer
//! (entries are spans into it), sorts them only where their order is not already known, and
//! hands them to the HMAC or joins them into the string to sign. [`Canonical`] is implemented for
//! the standard types here, for `serde_json::Value`, and by `#[derive(Canonical)]`.
//!
//! When it signs ([`super::Signer::sign`]), the writer streams: an entry whose place is already
//! final (written outside any [`CanonicalWriter::begin_unordered`] region, as the derive's fields
//! in their static order are) goes straight into the HMAC, and only the entries of a region
//! (a map, a JSON object, a struct whose field order depends on the values) wait in the buffer
//! until the region is sorted. No string to sign is built.
//!
//! Containers nested deeper than [`MAX_DEPTH`] are refused with [`CanonicalError::TooDeep`], so
//! that no message, however it was built, can exhaust the stack.
//!
//! The trait and the constants are here, the writer in `writer`, the implementations for the
//! standard types and `serde_json` in `impls`.

mod impls;
mod writer;

pub use impls::CanonicalKey;
pub use impls::{fraction_text, is_signable_number};
pub(crate) use impls::{shown_number, write_elements, write_members};
pub(crate) use writer::with_thread_writer;
pub use writer::{CanonicalWriter, PathMark, UnorderedMark};

use super::error::CanonicalError;
use super::kind::{GENERAL_KEY, SIGNATURE_KEY};

/// How deep containers may nest in a message that is signed or verified (the platform's messages
/// nest a handful of levels). Deeper ones are refused with [`CanonicalError::TooDeep`].
pub const MAX_DEPTH: usize = 128;

/// How the entries of the string to sign are ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SortOrder {
    /// By path, in the natural order of PHP's `strnatcmp` (the official PHP SDK's
    /// `ksort(SORT_NATURAL)`): array index 2 sorts before 10. The default.
    #[default]
    Natural,
    /// By the bytes of the path alone (the part before the value's `:`), compared as unsigned
    /// bytes; entries with equal paths keep their order. Index 10 sorts before 2.
    BytewiseKey,
    /// By the bytes of the whole entry `path:value`, compared as unsigned bytes. It differs from
    /// [`SortOrder::BytewiseKey`] where one path is a prefix of another: with the keys `a`
    /// (value `x`), `a0` (value `2`) and `a:b` (path `a::b`, value `1`), by key gives
    /// `a:x;a0:2;a::b:1` (`a` is the shortest path) and by entry gives `a0:2;a::b:1;a:x`
    /// (`:` then `x` sorts after `0` and after `::`).
    BytewiseEntry,
}

/// Which keys named `signature` the canonical form leaves out (`frame_mode` is always left out).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureRemoval {
    /// None: every `signature` key is data.
    Nowhere,
    /// `signature` at the top level (Payment Page parameters, callbacks).
    TopLevel,
    /// `general.signature` (Gate requests, the payout registration callback).
    InGeneral,
    /// Both `signature` at the top level and `general.signature`.
    TopLevelAndGeneral,
    /// Every key named `signature` at any depth: the canonical form, signing and verifying
    /// (see [`super`]).
    Everywhere,
}

/// Key skipped at every depth.
pub const FRAME_MODE_KEY: &str = "frame_mode";

/// A value that can write its entries of the canonical form.
///
/// Implementations write their entries under the writer's current path: scalars call one of the
/// `leaf_*` methods, containers [`CanonicalWriter::enter_key`] / [`CanonicalWriter::enter_index`]
/// for each child, write it, and [`CanonicalWriter::leave`]. The result must be the same as the
/// canonical form of `serde_json::to_value(self)`. Derive it with `#[derive(Canonical)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no canonical form for the signature",
    label = "`{Self}` does not implement `Canonical`",
    note = "derive it with `#[derive(Canonical)]`, or implement `ecommpay_api::signature::Canonical` by hand"
)]
pub trait Canonical {
    /// Writes this value's entries under the writer's current path.
    fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError>;

    /// Whether this value certainly writes no entry (an empty map, `None`). The derive asks it of
    /// a `#[serde(flatten)]` field: when it writes nothing, the other fields' order is known at
    /// compile time and they stream straight into the MAC instead of being sorted at run time.
    /// `false` is always a correct answer.
    fn writes_nothing(&self) -> bool {
        false
    }
}
