//! PHP's `strnatcmp`, byte for byte.
//!
//! The official PHP SDK sorts the entries of the string to sign with
//! `ksort($params, SORT_NATURAL)`, which compares keys with `strnatcmp_ex(.., false)` from
//! `ext/standard/strnatcmp.c`. This is a transcription of that function, including its quirks:
//!
//! - comparison is case-sensitive and byte-wise outside digit runs;
//! - runs of ASCII digits compare as numbers (`2` < `10`), except that a run starting with `0`
//!   compares "fractionally", digit by digit from the left (`01` < `1`, `010` < `02`);
//! - zeros before a digit are skipped at the very start of the string only (`01` == `1`, but
//!   `a01` < `a1`);
//! - ASCII whitespace is skipped before each comparison step (`a 1` == `a1`);
//! - an empty string sorts before any other.
//!
//! Like C, reading past the end yields a NUL byte.
//!
//! The comparison runs over [`NaturalText`], so that the derive macro can run the very same steps
//! on paths it only partly knows at expansion time (a field's key, then an unknown rest): a step
//! that needs an unknown byte gives up with [`Undecided`]. Fully known text never does.

use std::cmp::Ordering;

/// A comparison needed a byte the text does not determine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Undecided;

/// Text as the comparison reads it: byte by byte, some bytes possibly unknown.
pub trait NaturalText {
    /// The byte at `i`; past the end, the NUL byte C reads there.
    fn byte(&self, i: usize) -> Result<u8, Undecided>;
    /// Whether the text ends at or before `i`.
    fn at_end(&self, i: usize) -> Result<bool, Undecided>;
    /// Whether the text is empty.
    fn is_empty(&self) -> bool;
}

impl NaturalText for [u8] {
    fn byte(&self, i: usize) -> Result<u8, Undecided> {
        Ok(self.get(i).copied().unwrap_or(0))
    }

    fn at_end(&self, i: usize) -> Result<bool, Undecided> {
        Ok(i >= self.len())
    }

    fn is_empty(&self) -> bool {
        <[u8]>::is_empty(self)
    }
}

/// Compares two byte strings as PHP's `strnatcmp` does.
pub fn strnatcmp(a: &[u8], b: &[u8]) -> Ordering {
    // Fully known text never leaves the comparison undecided.
    settled_by_first_difference(a, b)
        .unwrap_or_else(|| compare(a, b, true).unwrap_or(Ordering::Equal))
}

/// `strnatcmp` for the common case, in one pass over the bytes: when neither text has
/// whitespace before their first difference, and no digit or whitespace (or NUL) stands at it
/// or a digit just before it, both texts are read in lockstep up to it (equal digit runs and
/// leading zeros compare equal) and the step there compares plain bytes, or ends one text. Any
/// other case is left to [`compare`] (`None`). The result does not depend on `leading`.
pub fn settled_by_first_difference(a: &[u8], b: &[u8]) -> Option<Ordering> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let common = a.len().min(b.len());
    let mut i = 0;
    while i < common && a[i] == b[i] {
        if is_c_space(a[i]) {
            return None;
        }
        i += 1;
    }
    let plain =
        |c: Option<&u8>| c.is_none_or(|&c| !(c.is_ascii_digit() || is_c_space(c) || c == 0));
    let (ca, cb) = (a.get(i), b.get(i));
    if !plain(ca) || !plain(cb) || (i > 0 && a[i - 1].is_ascii_digit()) {
        return None;
    }
    Some(match (ca, cb) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => x.cmp(y),
    })
}

/// `strnatcmp(a, b)`, starting either at the start of both strings (`leading`: zeros before a
/// digit are skipped) or after a common prefix.
pub fn compare<A, B>(a: &A, b: &B, leading: bool) -> Result<Ordering, Undecided>
where
    A: NaturalText + ?Sized,
    B: NaturalText + ?Sized,
{
    if a.is_empty() || b.is_empty() {
        return Ok(b.is_empty().cmp(&a.is_empty()));
    }
    let (mut ai, mut bi) = (0usize, 0usize);
    let mut leading = leading;
    loop {
        let mut ca = a.byte(ai)?;
        let mut cb = b.byte(bi)?;

        // Zeros before a digit are skipped at the start of the string only.
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
            let result = compare_run(a, &mut ai, b, &mut bi, fractional)?;
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

/// C's `isspace` in the "C" locale.
fn is_c_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn digit<T: NaturalText + ?Sized>(s: &T, i: usize) -> Result<Option<u8>, Undecided> {
    if s.at_end(i)? {
        return Ok(None);
    }
    let b = s.byte(i)?;
    Ok(b.is_ascii_digit().then_some(b))
}

/// PHP's `compare_left` (`fractional`: the first differing digit wins) and `compare_right`
/// (integers: the longer run wins, else the first differing digit) on two digit runs.
fn compare_run<A, B>(
    a: &A,
    ai: &mut usize,
    b: &B,
    bi: &mut usize,
    fractional: bool,
) -> Result<Ordering, Undecided>
where
    A: NaturalText + ?Sized,
    B: NaturalText + ?Sized,
{
    let mut bias = Ordering::Equal;
    loop {
        match (digit(a, *ai)?, digit(b, *bi)?) {
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
mod fast_path {
    use super::{compare, settled_by_first_difference};

    /// Every pair of texts of up to four bytes over an alphabet with digits, zeros, spaces,
    /// NUL and colons: the one-pass result, where it settles, is the full comparison's.
    #[test]
    fn agrees_with_the_full_comparison() {
        let alphabet: &[u8] = b"0 1:a\09";
        let mut texts: Vec<Vec<u8>> = vec![Vec::new()];
        let mut frontier = texts.clone();
        for _ in 0..4 {
            let mut next = Vec::new();
            for t in &frontier {
                for &c in alphabet {
                    let mut t = t.clone();
                    t.push(if c == b'\\' { 0 } else { c });
                    next.push(t);
                }
            }
            texts.extend(next.iter().cloned());
            frontier = next;
        }
        let mut settled = 0;
        for a in &texts {
            for b in &texts {
                if let Some(fast) = settled_by_first_difference(a, b) {
                    settled += 1;
                    for leading in [true, false] {
                        assert_eq!(Ok(fast), compare(&a[..], &b[..], leading), "{a:?} {b:?}");
                    }
                }
            }
        }
        assert!(
            settled > 100_000,
            "the fast path settles only {settled} pairs"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::strnatcmp;
    use std::cmp::Ordering::{self, Equal, Greater, Less};

    fn cmp(a: &str, b: &str) -> Ordering {
        strnatcmp(a.as_bytes(), b.as_bytes())
    }

    /// The example of PHP's manual page for `strnatcmp` / `natsort`:
    /// `img12.png, img10.png, img2.png, img1.png` sorts naturally to
    /// `img1.png, img2.png, img10.png, img12.png`.
    #[test]
    fn php_manual_natsort_example() {
        let mut files = vec!["img12.png", "img10.png", "img2.png", "img1.png"];
        files.sort_by(|a, b| cmp(a, b));
        assert_eq!(files, ["img1.png", "img2.png", "img10.png", "img12.png"]);
    }

    /// PHP manual, `strnatcmp`: `strcmp("img12", "img10")` vs natural order, and the
    /// case-sensitivity note (`strnatcasecmp` exists for the other behaviour).
    #[test]
    fn numbers_compare_by_value_and_case_matters() {
        assert_eq!(cmp("img12", "img10"), Greater);
        assert_eq!(cmp("img2", "img10"), Less);
        assert_eq!(
            cmp("IMG2", "img1"),
            Less,
            "uppercase sorts before lowercase"
        );
        assert_eq!(cmp("a", "A"), Greater);
    }

    /// PHP manual, `natsort`, "negative numbers": `-` is an ordinary byte, so negative numbers
    /// sort before the others by their absolute value.
    #[test]
    fn php_manual_negative_numbers_example() {
        let mut negative = vec!["-5", "3", "-2", "0", "-1000", "9", "1"];
        negative.sort_by(|a, b| cmp(a, b));
        assert_eq!(negative, ["-2", "-5", "-1000", "0", "1", "3", "9"]);
    }

    /// PHP manual, `natsort`, "zero padding": `['09', '8', '10', '009', '011', '0']` sorts to
    /// `0, 8, 009, 09, 10, 011`. At the start of the string zeros before a digit are skipped, so
    /// `09` and `009` compare equal (the manual's output predates PHP 8's stable sort, which keeps
    /// them in input order; we only assert they are equal).
    #[test]
    fn php_manual_zero_padding_example() {
        assert_eq!(cmp("09", "009"), Equal);
        assert_eq!(cmp("01", "1"), Equal);
        assert_eq!(cmp("0", "8"), Less);
        assert_eq!(cmp("8", "009"), Less);
        assert_eq!(cmp("09", "10"), Less);
        assert_eq!(cmp("10", "011"), Less);
        let mut zeros = vec!["09", "8", "10", "009", "011", "0"];
        zeros.sort_by(|a, b| cmp(a, b));
        assert_eq!(zeros, ["0", "8", "09", "009", "10", "011"]);
    }

    /// Away from the start a run beginning with `0` compares digit by digit from the left
    /// (`compare_left` in PHP's source), which is how the leading-zero rule looks in a path.
    #[test]
    fn zeros_inside_the_string_compare_from_the_left() {
        assert_eq!(cmp("a01", "a1"), Less);
        assert_eq!(cmp("a09", "a1"), Less);
        assert_eq!(cmp("a010", "a02"), Less);
        assert_eq!(cmp("x0", "x00"), Less);
        assert_eq!(cmp("x:0", "x:1"), Less);
        assert_eq!(cmp("x:0", "x:10"), Less);
    }

    #[test]
    fn array_indices_sort_numerically() {
        let mut paths: Vec<String> = (0..12).map(|i| format!("positions:{i}:amount")).collect();
        paths.reverse();
        paths.sort_by(|a, b| cmp(a, b));
        let expected: Vec<String> = (0..12).map(|i| format!("positions:{i}:amount")).collect();
        assert_eq!(paths, expected);
        assert_eq!(cmp("a:2", "a:10"), Less);
        assert_eq!(cmp("a:10", "a:9"), Greater);
        assert_eq!(cmp("a:1:x", "a:10"), Less);
    }

    #[test]
    fn whitespace_is_skipped() {
        assert_eq!(cmp("a 1", "a1"), Equal);
        assert_eq!(cmp("a  b", "ab"), Equal);
        assert_eq!(cmp("a\tb", "a c"), Less);
    }

    #[test]
    fn empty_and_prefixes() {
        assert_eq!(cmp("", ""), Equal);
        assert_eq!(cmp("", "a"), Less);
        assert_eq!(cmp("a", ""), Greater);
        assert_eq!(cmp("card", "card_holder"), Less);
        assert_eq!(cmp("card:x", "card_holder"), Less, "':' sorts before '_'");
        assert_eq!(cmp("a:x", "a0"), Greater, "':' sorts after digits");
        assert_eq!(cmp("a", "a0"), Less);
    }

    #[test]
    fn bytes_above_ascii_compare_unsigned() {
        // Cyrillic letters are multi-byte UTF-8 and sort after ASCII.
        assert_eq!(cmp("имя", "name"), Greater);
        assert_eq!(cmp("а", "б"), Less);
    }
}
