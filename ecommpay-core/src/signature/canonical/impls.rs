//! Implementations of [`Canonical`] for the standard types and `serde_json`, matching what
//! `serde_json::to_value` makes of them.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::hash::BuildHasher;

use serde_json::{Map, Number, Value};

use super::{Canonical, CanonicalWriter, FRAME_MODE_KEY, SIGNATURE_KEY};
use crate::signature::error::CanonicalError;

impl Canonical for str {
    fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
        out.leaf_str(self);
        Ok(())
    }
}

impl Canonical for String {
    fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
        out.leaf_str(self);
        Ok(())
    }
}

impl Canonical for char {
    fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
        out.leaf_str(self.encode_utf8(&mut [0; 4]));
        Ok(())
    }
}

impl Canonical for bool {
    fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
        out.leaf_bool(*self);
        Ok(())
    }
}

impl Canonical for () {
    fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
        out.leaf_null();
        Ok(())
    }
}

macro_rules! canonical_integers {
    ($($t:ty)*) => {$(
        impl Canonical for $t {
            fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
                out.leaf_integer(*self);
                Ok(())
            }
        }
    )*};
}
canonical_integers!(i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize);

macro_rules! canonical_nonzero_integers {
    ($($t:ty)*) => {$(
        impl Canonical for $t {
            fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
                out.leaf_integer(self.get());
                Ok(())
            }
        }
    )*};
}
canonical_nonzero_integers!(
    std::num::NonZeroI8 std::num::NonZeroI16 std::num::NonZeroI32 std::num::NonZeroI64
    std::num::NonZeroI128 std::num::NonZeroIsize std::num::NonZeroU8 std::num::NonZeroU16
    std::num::NonZeroU32 std::num::NonZeroU64 std::num::NonZeroU128 std::num::NonZeroUsize
);

impl<T: Canonical + ?Sized> Canonical for &T {
    fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
        (**self).write_canonical(out)
    }

    fn writes_nothing(&self) -> bool {
        (**self).writes_nothing()
    }
}

impl<T: Canonical + ?Sized> Canonical for &mut T {
    fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
        (**self).write_canonical(out)
    }
}

impl<T: Canonical + ?Sized> Canonical for Box<T> {
    fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
        (**self).write_canonical(out)
    }

    fn writes_nothing(&self) -> bool {
        (**self).writes_nothing()
    }
}

impl<T: Canonical + ?Sized> Canonical for std::rc::Rc<T> {
    fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
        (**self).write_canonical(out)
    }
}

impl<T: Canonical + ?Sized> Canonical for std::sync::Arc<T> {
    fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
        (**self).write_canonical(out)
    }
}

impl<T: Canonical + ToOwned + ?Sized> Canonical for Cow<'_, T> {
    fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
        (**self).write_canonical(out)
    }
}

/// `None` is `null`: an entry with an empty value. A field that leaves `None` out
/// (`skip_serializing_if = "Option::is_none"`) is handled by the derive.
impl<T: Canonical> Canonical for Option<T> {
    fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
        match self {
            Some(value) => value.write_canonical(out),
            None => {
                out.leaf_null();
                Ok(())
            }
        }
    }
}

pub(crate) fn write_elements<'a, T: Canonical + 'a>(
    elements: impl IntoIterator<Item = &'a T>,
    out: &mut CanonicalWriter,
) -> Result<(), CanonicalError> {
    out.check_depth()?;
    // Indices are digit runs followed by `:` or the end, so they already sort naturally.
    for (index, element) in elements.into_iter().enumerate() {
        let mark = out.enter_index(index);
        element.write_canonical(out)?;
        out.leave(mark);
    }
    Ok(())
}

impl<T: Canonical> Canonical for [T] {
    fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
        write_elements(self, out)
    }
}

impl<T: Canonical, const N: usize> Canonical for [T; N] {
    fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
        write_elements(self, out)
    }
}

impl<T: Canonical> Canonical for Vec<T> {
    fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
        write_elements(self, out)
    }
}

impl<T: Canonical> Canonical for VecDeque<T> {
    fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
        write_elements(self, out)
    }
}

impl<T: Canonical> Canonical for BTreeSet<T> {
    fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
        write_elements(self, out)
    }
}

impl<T: Canonical, S> Canonical for HashSet<T, S> {
    fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
        write_elements(self, out)
    }
}

/// A map key as `serde_json` writes it: strings as they are, integers in decimal.
pub trait CanonicalKey {
    /// The key as it appears in the JSON object.
    fn key_str(&self) -> Cow<'_, str>;
}

impl CanonicalKey for str {
    fn key_str(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl CanonicalKey for String {
    fn key_str(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl CanonicalKey for char {
    fn key_str(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_string())
    }
}

impl<K: CanonicalKey + ?Sized> CanonicalKey for &K {
    fn key_str(&self) -> Cow<'_, str> {
        (**self).key_str()
    }
}

impl<K: CanonicalKey + ?Sized> CanonicalKey for Box<K> {
    fn key_str(&self) -> Cow<'_, str> {
        (**self).key_str()
    }
}

impl CanonicalKey for Cow<'_, str> {
    fn key_str(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

macro_rules! canonical_integer_keys {
    ($($t:ty)*) => {$(
        impl CanonicalKey for $t {
            fn key_str(&self) -> Cow<'_, str> {
                Cow::Owned(itoa::Buffer::new().format(*self).to_owned())
            }
        }
    )*};
}
canonical_integer_keys!(i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize);

/// Writes the members of an object, then sorts them: their keys are only known at run time.
pub(crate) fn write_members<'a, K, V>(
    members: impl IntoIterator<Item = (&'a K, &'a V)>,
    out: &mut CanonicalWriter,
) -> Result<(), CanonicalError>
where
    K: CanonicalKey + ?Sized + 'a,
    V: Canonical + ?Sized + 'a,
{
    out.check_depth()?;
    // What `skips_key` says, decided once for the object's level.
    let removes_signature = out.removes_signature_here();
    let mut written = members
        .into_iter()
        .map(|(key, value)| (key.key_str(), value))
        .filter(|(key, _)| key != FRAME_MODE_KEY && !(key == SIGNATURE_KEY && removes_signature));
    let Some(first) = written.next() else {
        return Ok(());
    };
    let Some(second) = written.next() else {
        // One member: its entries are in order already (they share the path `P:key:`, so the
        // order of the rests is theirs), nothing to sort, and a streaming writer streams them.
        // Without this, each level of `{"a": {"a": ...}}` re-checked every entry below it.
        return write_member(first, out);
    };
    let region = out.begin_unordered();
    write_member(first, out)?;
    write_member(second, out)?;
    for member in written {
        write_member(member, out)?;
    }
    out.end_unordered(region);
    Ok(())
}

fn write_member<V: Canonical + ?Sized>(
    (key, value): (Cow<'_, str>, &V),
    out: &mut CanonicalWriter,
) -> Result<(), CanonicalError> {
    let mark = out.enter_raw_key(&key);
    value.write_canonical(out)?;
    out.leave(mark);
    Ok(())
}

impl<K: CanonicalKey, V: Canonical> Canonical for BTreeMap<K, V> {
    fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
        write_members(self, out)
    }

    fn writes_nothing(&self) -> bool {
        self.is_empty()
    }
}

impl<K: CanonicalKey, V: Canonical, S: BuildHasher> Canonical for HashMap<K, V, S> {
    fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
        write_members(self, out)
    }

    fn writes_nothing(&self) -> bool {
        self.is_empty()
    }
}

impl Canonical for Map<String, Value> {
    fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
        write_members(self, out)
    }

    fn writes_nothing(&self) -> bool {
        self.is_empty()
    }
}

/// Integers of at most 64 bits are written exactly. Any other number is held as an `f64` (no
/// `arbitrary_precision`), as the official SDKs hold it once parsed: it is written as they all
/// write it where they agree (`1.5`, `0.0015`), and refused where they do not (`1.0`, `1e3`,
/// `0.00001`, integers beyond 64 bits; see [`CanonicalWriter::leaf_fraction`]).
impl Canonical for Number {
    fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
        if let Some(value) = self.as_u64() {
            out.leaf_integer(value);
        } else if let Some(value) = self.as_i64() {
            out.leaf_integer(value);
        } else {
            return out.leaf_fraction(self.as_f64().unwrap_or(f64::NAN));
        }
        Ok(())
    }
}

/// The text the official SDKs all give a number that is not an integer, where they agree: each
/// parses it into a double and writes that (PHP `(string)`, 14 significant digits, an exponent
/// below 1e-4 or from 1e14; Python `str`, the shortest text that reads back, an exponent below
/// 1e-4 or from 1e16, `.0` after an integral value; Node `String`, the shortest text, an
/// exponent below 1e-6 or from 1e21). So: a value with a fraction, at most 14 significant
/// digits, from 1e-4 to below 1e14, written as the shortest decimal text that reads back.
/// `None` where they disagree (`1.0`: PHP and Node `1`, Python `1.0`; `0.00001`: Python
/// `1e-05`; `0.30000000000000004`: PHP `0.3`).
///
/// This is the one rule for numbers that are not integers of at most 64 bits: the signer, the
/// callback verifier, the validator ([`is_signable_number`]) and Payment Page URLs all ask it.
pub fn fraction_text(value: f64) -> Option<String> {
    if !value.is_finite() || value.fract() == 0.0 {
        return None;
    }
    // Rust writes the shortest text that reads back, never with an exponent.
    let text = value.to_string();
    let (whole, fraction) = text.trim_start_matches('-').split_once('.')?;
    let (exponent, significant) = if whole != "0" {
        (whole.len() as i64 - 1, whole.len() + fraction.len())
    } else {
        let zeros = fraction.len() - fraction.trim_start_matches('0').len();
        (-(zeros as i64) - 1, fraction.len() - zeros)
    };
    ((-4..14).contains(&exponent) && significant <= 14).then_some(text)
}

/// Whether the signature can cover `number`: an integer of at most 64 bits, or a number
/// [`fraction_text`] writes (the validator reports the others as `unsignable_number`).
pub fn is_signable_number(number: &Number) -> bool {
    number.is_u64() || number.is_i64() || number.as_f64().and_then(fraction_text).is_some()
}

/// How a refused number is shown, by the signer and the validator alike: as the double it is
/// held as (`1.0`, `1e16`, `1e-5`), not as an integer.
pub(crate) fn shown_number(value: f64) -> String {
    format!("{value:?}")
}

impl Canonical for Value {
    fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
        match self {
            Value::Null => out.leaf_null(),
            Value::Bool(value) => out.leaf_bool(*value),
            Value::Number(number) => number.write_canonical(out)?,
            Value::String(value) => out.leaf_str(value),
            Value::Array(elements) => write_elements(elements, out)?,
            Value::Object(members) => write_members(members, out)?,
        }
        Ok(())
    }
}
