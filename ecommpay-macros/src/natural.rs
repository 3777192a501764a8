//! PHP's `strnatcmp` run on partly known paths, to settle field order at expansion time.
//!
//! The entries of a field with key `k` have the path `k` (a leaf) or `k:…` (a container, the rest
//! unknown until run time). The comparison is the runtime's own
//! (`ecommpay_core::natural::compare`) over a [`NaturalText`] whose unknown bytes leave it
//! [`Undecided`]: the order of two fields is static only if what is known decides it.

use std::cmp::Ordering;

use ecommpay_core::natural::{self, NaturalText, Undecided};

/// The shape of a field's entries' paths after its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Suffix {
    /// The path is exactly the key.
    End,
    /// The path is the key, `:`, then something unknown (possibly nothing).
    Colon,
}

struct Path<'a> {
    key: &'a [u8],
    suffix: Suffix,
}

impl NaturalText for Path<'_> {
    fn byte(&self, i: usize) -> Result<u8, Undecided> {
        match (self.key.get(i), self.suffix) {
            (Some(&b), _) => Ok(b),
            // C reads the terminating NUL past the end.
            (None, Suffix::End) => Ok(0),
            (None, Suffix::Colon) if i == self.key.len() => Ok(b':'),
            (None, Suffix::Colon) => Err(Undecided),
        }
    }

    fn at_end(&self, i: usize) -> Result<bool, Undecided> {
        match self.suffix {
            Suffix::End => Ok(i >= self.key.len()),
            Suffix::Colon if i <= self.key.len() => Ok(false),
            Suffix::Colon => Err(Undecided),
        }
    }

    fn is_empty(&self) -> bool {
        self.key.is_empty() && self.suffix == Suffix::End
    }
}

/// `strnatcmp(a_key + a_suffix, b_key + b_suffix)`, starting either at the start of the whole
/// path (`leading`: zeros before a digit are skipped) or after a common prefix.
pub(crate) fn compare(
    a_key: &[u8],
    a_suffix: Suffix,
    b_key: &[u8],
    b_suffix: Suffix,
    leading: bool,
) -> Result<Ordering, Undecided> {
    let a = Path {
        key: a_key,
        suffix: a_suffix,
    };
    let b = Path {
        key: b_key,
        suffix: b_suffix,
    };
    natural::compare(&a, &b, leading)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decided_within_the_keys() {
        for (a_suffix, b_suffix) in [
            (Suffix::End, Suffix::End),
            (Suffix::End, Suffix::Colon),
            (Suffix::Colon, Suffix::End),
            (Suffix::Colon, Suffix::Colon),
        ] {
            for leading in [true, false] {
                let cmp = |a: &str, b: &str| {
                    compare(a.as_bytes(), a_suffix, b.as_bytes(), b_suffix, leading)
                };
                assert_eq!(cmp("customer", "payment"), Ok(Ordering::Less));
                assert_eq!(cmp("item2", "item10"), Ok(Ordering::Less));
                assert_eq!(
                    cmp("card", "card_holder"),
                    Ok(Ordering::Less),
                    "`:` and the end both sort before `_`"
                );
            }
        }
    }

    #[test]
    fn shape_dependent_pairs_are_undecided() {
        // `a` as a leaf sorts before `a0`; `a:…` sorts after it.
        assert_eq!(
            compare(b"a", Suffix::End, b"a0", Suffix::End, false),
            Ok(Ordering::Less)
        );
        assert_eq!(
            compare(b"a", Suffix::Colon, b"a0", Suffix::End, false),
            Ok(Ordering::Greater)
        );
        // `a:…` against `a::b` depends on the unknown rest.
        assert_eq!(
            compare(b"a", Suffix::Colon, b"a::b", Suffix::End, false),
            Err(Undecided)
        );
        // Whitespace is skipped: `a b` against `ab` reaches the rest.
        assert_eq!(
            compare(b"a b", Suffix::Colon, b"ab", Suffix::Colon, false),
            Err(Undecided)
        );
    }
}
