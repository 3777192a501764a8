//! PHP's `strnatcmp` run on partly known paths, to settle field order at expansion time.
//!
//! The entries of a field with key `k` have the path `k` (a leaf) or `k:…` (a container, the rest
//! unknown until run time). This is the comparison of `ecommpay_api::signature::natural`, step for
//! step, except that reading an unknown byte, or asking whether an unknown rest has ended, gives
//! up: the order of two fields is static only if the comparison is decided by what is known.

use std::cmp::Ordering;

/// The shape of a field's entries' paths after its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Suffix {
    /// The path is exactly the key.
    End,
    /// The path is the key, `:`, then something unknown (possibly nothing).
    Colon,
}

/// The comparison needed a byte the key does not determine.
#[derive(Debug, PartialEq, Eq)]
pub struct Undecided;

struct Path<'a> {
    key: &'a [u8],
    suffix: Suffix,
}

impl Path<'_> {
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

    fn digit(&self, i: usize) -> Result<Option<u8>, Undecided> {
        if self.at_end(i)? {
            return Ok(None);
        }
        let b = self.byte(i)?;
        Ok(b.is_ascii_digit().then_some(b))
    }
}

fn is_c_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// `strnatcmp(a_key + a_suffix, b_key + b_suffix)`, starting either at the start of the whole
/// path (`leading`: zeros before a digit are skipped) or after a common prefix.
pub fn compare(
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
    if a.is_empty() || b.is_empty() {
        return Ok(a.is_empty().cmp(&b.is_empty()).reverse());
    }
    let (mut ai, mut bi) = (0usize, 0usize);
    let mut leading = leading;
    loop {
        let mut ca = a.byte(ai)?;
        let mut cb = b.byte(bi)?;
        while leading && ca == b'0' && !a.at_end(ai + 1)? && a.byte(ai + 1)?.is_ascii_digit() {
            ai += 1;
            ca = a.byte(ai)?;
        }
        while leading && cb == b'0' && !b.at_end(bi + 1)? && b.byte(bi + 1)?.is_ascii_digit() {
            bi += 1;
            cb = b.byte(bi)?;
        }
        leading = false;
        while is_c_space(ca) {
            ai += 1;
            ca = a.byte(ai)?;
        }
        while is_c_space(cb) {
            bi += 1;
            cb = b.byte(bi)?;
        }
        if ca.is_ascii_digit() && cb.is_ascii_digit() {
            let fractional = ca == b'0' || cb == b'0';
            let result = compare_run(&a, &mut ai, &b, &mut bi, fractional)?;
            if result != Ordering::Equal {
                return Ok(result);
            }
            match (a.at_end(ai)?, b.at_end(bi)?) {
                (true, true) => return Ok(Ordering::Equal),
                (true, false) => return Ok(Ordering::Less),
                (false, true) => return Ok(Ordering::Greater),
                (false, false) => {
                    ca = a.byte(ai)?;
                    cb = b.byte(bi)?;
                }
            }
        }
        if ca != cb {
            return Ok(ca.cmp(&cb));
        }
        ai += 1;
        bi += 1;
        match (a.at_end(ai)?, b.at_end(bi)?) {
            (true, true) => return Ok(Ordering::Equal),
            (true, false) => return Ok(Ordering::Less),
            (false, true) => return Ok(Ordering::Greater),
            (false, false) => {}
        }
    }
}

/// PHP's `compare_left` (fractional) and `compare_right` (integer) on two digit runs.
fn compare_run(
    a: &Path<'_>,
    ai: &mut usize,
    b: &Path<'_>,
    bi: &mut usize,
    fractional: bool,
) -> Result<Ordering, Undecided> {
    let mut bias = Ordering::Equal;
    loop {
        match (a.digit(*ai)?, b.digit(*bi)?) {
            (None, None) => return Ok(bias),
            (None, Some(_)) => return Ok(Ordering::Less),
            (Some(_), None) => return Ok(Ordering::Greater),
            (Some(da), Some(db)) if fractional => {
                if da != db {
                    return Ok(da.cmp(&db));
                }
            }
            (Some(da), Some(db)) => {
                if bias == Ordering::Equal {
                    bias = da.cmp(&db);
                }
            }
        }
        *ai += 1;
        *bi += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full(a: &str, b: &str) -> Ordering {
        compare(a.as_bytes(), Suffix::End, b.as_bytes(), Suffix::End, true).unwrap()
    }

    /// With fully known paths this is the runtime comparison.
    #[test]
    fn agrees_with_the_runtime_comparison() {
        let samples = [
            "",
            "a",
            "A",
            "a0",
            "a1",
            "a01",
            "a10",
            "a2",
            "a:b",
            "a::b",
            "a 1",
            "a1 ",
            "01",
            "1",
            "007",
            "0",
            "00",
            "09",
            "10",
            "011",
            "card",
            "card_holder",
            "x:0",
            "x:10",
            "x:9:y",
            "имя",
            " a",
            "a\t",
            "-5",
            "-1000",
            "1.01",
            "1.1",
            "z9z",
            "z10z",
        ];
        for a in samples {
            for b in samples {
                assert_eq!(
                    full(a, b),
                    ecommpay_api::signature::natural::strnatcmp(a.as_bytes(), b.as_bytes()),
                    "{a:?} vs {b:?}"
                );
            }
        }
    }

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
