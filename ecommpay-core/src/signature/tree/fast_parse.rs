//! A quick parser for the common callback body, in front of [`super::parse::parse`].
//!
//! It accepts a strict subset of what the `serde_json`-driven parser accepts and builds the very
//! same tree: an object at the top, strings without `\u` escapes, integers that are exact 64-bit
//! ones, no duplicate or ambiguous key, nothing too deep. Anything else (an error of any kind,
//! or merely something outside the subset) gives `None`, and the body is parsed again by the
//! reference parser, which decides and reports exactly as before. So this parser can only make
//! an accepted body faster; it never accepts or refuses anything by itself.

use std::borrow::Cow;

use super::{Node, TreeLimits, has_duplicate_key, is_ambiguous_key};

/// The tree of `raw` when it is in the subset, else `None` (ask the reference parser).
#[cfg(test)]
pub(super) fn parse(raw: &[u8], limits: TreeLimits) -> Option<Node<'_>> {
    parse_counted(raw, limits).map(|(node, _)| node)
}

/// [`parse`], and how many values the tree holds.
pub(super) fn parse_counted(raw: &[u8], limits: TreeLimits) -> Option<(Node<'_>, usize)> {
    // One check of the whole body instead of one per string; outside strings only ASCII is
    // accepted below, so this is the same as every string being UTF-8.
    let text = std::str::from_utf8(raw).ok()?;
    let mut parser = Parser {
        text,
        bytes: raw,
        at: 0,
        max_depth: limits.max_depth,
        values_left: limits.max_values,
    };
    parser.skip_whitespace();
    if parser.peek()? != b'{' {
        return None;
    }
    let root = parser.value(0)?;
    parser.skip_whitespace();
    (parser.at == raw.len()).then_some((root, limits.max_values - parser.values_left))
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    max_depth: usize,
    /// How many more values the body may hold: with it, the tree's size is bounded whatever
    /// the body's shape (an empty container allocates nothing; a small object's eight slots
    /// are at most 448 bytes a value), without the cost of sizing each container exactly,
    /// which measured 3-5% of verifying a usual callback.
    values_left: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// JSON's four whitespace bytes, as `serde_json` skips them.
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        self.skip_whitespace();
        (self.peek()? == byte).then(|| self.at += 1)
    }

    fn literal(&mut self, word: &[u8], node: Node<'a>) -> Option<Node<'a>> {
        let end = self.at + word.len();
        (self.bytes.get(self.at..end)? == word).then(|| {
            self.at = end;
            node
        })
    }

    /// A value at container depth `depth` (the top-level object is at 0, as in the reference).
    fn value(&mut self, depth: usize) -> Option<Node<'a>> {
        self.values_left = self.values_left.checked_sub(1)?;
        self.skip_whitespace();
        match self.peek()? {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => self.string().map(Node::Str),
            b't' => self.literal(b"true", Node::Bool(true)),
            b'f' => self.literal(b"false", Node::Bool(false)),
            b'n' => self.literal(b"null", Node::Null),
            b'-' | b'0'..=b'9' => self.integer(),
            _ => None,
        }
    }

    fn object(&mut self, depth: usize) -> Option<Node<'a>> {
        if depth >= self.max_depth {
            return None;
        }
        self.at += 1;
        self.skip_whitespace();
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(Node::Object(Vec::new()));
        }
        let mut members: Vec<(Cow<'a, str>, Node<'a>)> = Vec::with_capacity(8);
        loop {
            self.skip_whitespace();
            if self.peek()? != b'"' {
                return None;
            }
            let key = self.string()?;
            if is_ambiguous_key(&key) {
                return None;
            }
            self.expect(b':')?;
            let value = self.value(depth + 1)?;
            members.push((key, value));
            self.skip_whitespace();
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    break;
                }
                _ => return None,
            }
        }
        if has_duplicate_key(&members) {
            return None;
        }
        Some(Node::Object(members))
    }

    fn array(&mut self, depth: usize) -> Option<Node<'a>> {
        if depth >= self.max_depth {
            return None;
        }
        self.at += 1;
        self.skip_whitespace();
        if self.peek()? == b']' {
            self.at += 1;
            return Some(Node::Array(Vec::new()));
        }
        let mut elements = Vec::new();
        loop {
            let element = self.value(depth + 1)?;
            elements.push(element);
            self.skip_whitespace();
            match self.peek()? {
                b',' => self.at += 1,
                b']' => {
                    self.at += 1;
                    return Some(Node::Array(elements));
                }
                _ => return None,
            }
        }
    }

    /// A string at `"`: borrowed from the body when it has no escape (as the reference gives
    /// it), decoded when it has only the short escapes; `\u` and control bytes are left to the
    /// reference.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.at += 1;
        let start = self.at;
        self.at += special_byte(&self.bytes[self.at..])?;
        match self.bytes[self.at] {
            b'"' => {
                let s = &self.text[start..self.at];
                self.at += 1;
                return Some(Cow::Borrowed(s));
            }
            b'\\' => {}
            _ => return None,
        }
        let mut owned = String::from(&self.text[start..self.at]);
        loop {
            match *self.bytes.get(self.at)? {
                b'"' => {
                    self.at += 1;
                    return Some(Cow::Owned(owned));
                }
                b'\\' => {
                    let decoded = match *self.bytes.get(self.at + 1)? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        _ => return None,
                    };
                    owned.push(decoded);
                    self.at += 2;
                }
                0..=0x1f => return None,
                _ => {
                    // Up to the next quote, escape or control byte, copied at once.
                    let run = self.at;
                    self.at += special_byte(&self.bytes[self.at..])?;
                    owned.push_str(&self.text[run..self.at]);
                }
            }
        }
    }

    /// An integer the reference holds exactly: `u64` for one without sign, `i64` for a negative
    /// one (`-0` is a float there, so it is left to it, as are fractions, exponents, leading
    /// zeros and anything beyond 64 bits).
    fn integer(&mut self) -> Option<Node<'a>> {
        let negative = self.peek()? == b'-';
        if negative {
            self.at += 1;
        }
        let first = self.at;
        let mut magnitude: u64 = 0;
        while let Some(c @ b'0'..=b'9') = self.peek() {
            magnitude = magnitude
                .checked_mul(10)?
                .checked_add(u64::from(c - b'0'))?;
            self.at += 1;
        }
        let digits = self.at - first;
        if digits == 0 || (digits > 1 && self.bytes[first] == b'0') {
            return None;
        }
        if let Some(b'.' | b'e' | b'E') = self.peek() {
            return None;
        }
        if !negative {
            return Some(Node::U64(magnitude));
        }
        // `-magnitude` as the reference computes it: an `i64` below zero, else a float.
        let value = (magnitude as i64).wrapping_neg();
        (value < 0).then_some(Node::I64(value))
    }
}

/// Where the first `"`, `\\` or control byte of `bytes` is; eight bytes at a time, as strings
/// are most of a body.
fn special_byte(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    // The high bit of each byte that is zero (exact for the lowest such byte, which is the one
    // wanted: a borrow only runs towards higher bytes).
    let zero_bytes = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let mut words = bytes.chunks_exact(8);
    let mut offset = 0;
    for word in &mut words {
        let x = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        let found = zero_bytes(x ^ (ONES * u64::from(b'"')))
            | zero_bytes(x ^ (ONES * u64::from(b'\\')))
            // Below 0x20: the top three bits are zero.
            | zero_bytes(x & (ONES * 0xe0));
        if found != 0 {
            return Some(offset + (found.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    words
        .remainder()
        .iter()
        .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
        .map(|i| offset + i)
}

#[cfg(test)]
mod tests {
    use super::super::parse::{ParseError, parse_with_reference};
    use super::*;

    const LIMITS: TreeLimits = TreeLimits {
        max_depth: 32,
        max_values: 10_000,
    };

    /// Whatever the quick parser accepts, the reference parser accepts with the same tree.
    fn agrees(raw: &[u8]) -> bool {
        let Some(quick) = parse(raw, LIMITS) else {
            return false;
        };
        match parse_with_reference(raw, LIMITS) {
            Ok(reference) => assert_eq!(quick, reference, "{}", String::from_utf8_lossy(raw)),
            Err(ParseError::Json(e)) => {
                panic!("accepted {:?}, refused: {e}", String::from_utf8_lossy(raw))
            }
            Err(ParseError::Tree(e)) => {
                panic!(
                    "accepted {:?}, refused: {e:?}",
                    String::from_utf8_lossy(raw)
                )
            }
        }
        true
    }

    #[test]
    fn special_byte_finds_the_first_quote_escape_or_control_byte() {
        for len in 0..40 {
            for at in 0..len {
                for special in [b'"', b'\\', 0, 0x1f] {
                    let mut bytes = vec![b'a'; len];
                    // Bytes that look close: high bits, `!` and `]` next to the specials.
                    for (i, b) in bytes.iter_mut().enumerate() {
                        *b = [b'a', 0xc3, b'!', b']', 0x20, 0x7f][i % 6];
                    }
                    bytes[at] = special;
                    if at + 1 < len {
                        bytes[at + 1] = b'"';
                    }
                    assert_eq!(special_byte(&bytes), Some(at), "{bytes:?}");
                }
            }
            let plain: Vec<u8> = (0..len)
                .map(|i| [b'a', 0xc3, b'!', b']', 0x20, 0xff][i % 6])
                .collect();
            assert_eq!(special_byte(&plain), None);
        }
    }

    #[test]
    fn accepts_only_what_the_reference_accepts_with_the_same_tree() {
        let accepted = [
            r#"{}"#,
            r#" {"a": 1, "b": [true, false, null, -1, 0, 18446744073709551615, -9223372036854775808], "c": {"d": ""}} "#,
            r#"{"s": "a\"b\\c\/d\b\f\n\r\t", "é": "ü", "k": "x\ty"}"#,
            "{\"a\":\n[ ]\r,\t\"b\" : {}}",
        ];
        for raw in accepted {
            assert!(agrees(raw.as_bytes()), "{raw}");
        }
        let left_to_the_reference = [
            r#"[]"#,
            r#"{"a": 1,}"#,
            r#"{"a": 01}"#,
            r#"{"a": -0}"#,
            r#"{"a": 1.5}"#,
            r#"{"a": 1e3}"#,
            r#"{"a": 18446744073709551616}"#,
            r#"{"a": -9223372036854775809}"#,
            r#"{"a": "\u0041"}"#,
            "{\"a\": \"\u{1}\"}",
            r#"{"a": 1, "a": 2}"#,
            r#"{"": 1}"#,
            r#"{":a": 1}"#,
            r#"{"a": tru}"#,
            r#"{"a": 1} x"#,
            r#"{"a": [1 2]}"#,
            r#"{"a": "\x"}"#,
            r#"{"a" 1}"#,
            r#"{"a": 1"#,
        ];
        for raw in left_to_the_reference {
            assert!(parse(raw.as_bytes(), LIMITS).is_none(), "{raw}");
        }
        assert!(parse(b"{\"a\": \"\xff\"}", LIMITS).is_none());
        // Depth: as deep as the limit and no deeper.
        let nested =
            |n: usize| format!("{}{}", "{\"a\":".repeat(n), "}".repeat(n)).replace(":}", ":1}");
        assert!(parse(nested(32).as_bytes(), LIMITS).is_some());
        assert!(parse(nested(33).as_bytes(), LIMITS).is_none());
        assert!(parse_with_reference(nested(33).as_bytes(), LIMITS).is_err());
    }

    /// Every prefix, and every single-byte change to a set of tricky bytes, of a body like the
    /// platform's: never accepted where the reference refuses, never a different tree.
    #[test]
    fn agrees_with_the_reference_on_mutations() {
        let body = br#"{"customer": {"id": "u\"1"}, "project_id": 8181, "payment": {"id": "EP-1", "sum": {"amount": -200, "currency": "USD"}, "items": [1, "a", null, true, {"x": []}]}, "signature": "c2ln"}"#;
        let mut accepted = 0;
        for end in 0..=body.len() {
            accepted += usize::from(agrees(&body[..end]));
        }
        let replacements = b" \t\n\"\\:,{}[]0-1.eE/untrxa\x00\x7f\xc3";
        for i in 0..body.len() {
            for &c in replacements {
                let mut mutated = body.to_vec();
                mutated[i] = c;
                accepted += usize::from(agrees(&mutated));
                mutated.insert(i, c);
                accepted += usize::from(agrees(&mutated));
            }
        }
        assert!(accepted > 1000, "{accepted}");
    }
}
