//! The canonical form of a tree, as for `serde_json::Value`, and its length counted without writing it.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::Node;
use crate::signature::canonical::{
    Canonical, CanonicalWriter, FRAME_MODE_KEY, write_elements, write_members,
};
use crate::signature::error::CanonicalError;
use crate::signature::kind::SIGNATURE_KEY;

impl Canonical for Node<'_> {
    fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
        match self {
            Node::Null => out.leaf_null(),
            Node::Bool(value) => out.leaf_bool(*value),
            Node::U64(value) => out.leaf_integer(*value),
            Node::I64(value) => out.leaf_integer(*value),
            Node::F64(value) => out.leaf_fraction(*value)?,
            Node::Str(value) => out.leaf_str(value),
            Node::Array(elements) => write_elements(elements, out)?,
            Node::Object(members) => write_object(members, out)?,
        }
        Ok(())
    }
}

/// Writes an object's members, in the order of their entries when their keys settle it (so that
/// the writer's sort of the region finds them sorted and has nothing to move), else as received.
pub(crate) fn write_object(
    members: &[(Cow<'_, str>, Node<'_>)],
    out: &mut CanonicalWriter,
) -> Result<(), CanonicalError> {
    const SMALL: usize = 32;
    if members.len() < 2 || members.len() > SMALL {
        return write_members(members.iter().map(|(k, v)| (k, v)), out);
    }
    // A key whose order the bytes settle: not empty, no `:` (escaped in paths), no whitespace
    // or NUL anywhere (where `strnatcmp` skips or stops).
    const UNPLAIN: [bool; 256] = {
        let mut table = [false; 256];
        let mut c = 0;
        while c < 256 {
            let b = c as u8;
            table[c] = b == b':' || b == 0 || b.is_ascii_whitespace() || b == 0x0b;
            c += 1;
        }
        table
    };
    let plain_key = |k: &str| !k.is_empty() && !k.bytes().any(|c| UNPLAIN[usize::from(c)]);
    if !members.iter().all(|(k, _)| plain_key(k)) {
        return write_members(members.iter().map(|(k, v)| (k, v)), out);
    }
    let mut order = [0u8; SMALL];
    for (i, slot) in order.iter_mut().enumerate().take(members.len()) {
        *slot = i as u8;
    }
    let order = &mut order[..members.len()];
    // Insertion sort under the settled order; give up on the first pair it does not settle.
    for i in 1..order.len() {
        let mut j = i;
        while j > 0 {
            match member_order(&members[order[j - 1] as usize], &members[order[j] as usize]) {
                Some(Ordering::Greater) => order.swap(j - 1, j),
                Some(_) => break,
                None => return write_members(members.iter().map(|(k, v)| (k, v)), out),
            }
            j -= 1;
        }
    }
    // Every adjacent pair settled means every pair did (the settled order is the byte order of
    // the keys up to their first difference, where it passes the same tests for every pair), so
    // the entries come out in their final order: no region to sort, and a streaming writer hands
    // them straight to the HMAC.
    out.check_depth()?;
    for &i in order.iter() {
        let (key, value) = &members[i as usize];
        if out.skips_key(key) {
            continue;
        }
        // A plain key has no `:` to escape.
        let mark = out.enter_key(key);
        value.write_canonical(out)?;
        out.leave(mark);
    }
    Ok(())
}

/// How every entry of member `a` compares with every entry of member `b` in natural order, when
/// their keys alone settle it (a leaf's path is its key; a container's is its key, `:`, and
/// more): the first difference of the keys is no digit and follows no digit, or a leaf's key
/// ends there. `None` otherwise. The keys are plain (see [`write_object`]): no whitespace, NUL or
/// `:`, not empty.
fn member_order(a: &(Cow<'_, str>, Node<'_>), b: &(Cow<'_, str>, Node<'_>)) -> Option<Ordering> {
    let (ka, kb) = (a.0.as_bytes(), b.0.as_bytes());
    // Most keys differ at their first byte (plain keys are never empty): settled there unless
    // it is a digit.
    if let (Some(&x), Some(&y)) = (ka.first(), kb.first())
        && x != y
    {
        return (!x.is_ascii_digit() && !y.is_ascii_digit()).then(|| x.cmp(&y));
    }
    let is_container = |n: &Node<'_>| matches!(n, Node::Array(_) | Node::Object(_));
    let common = ka.len().min(kb.len());
    let i = ka[..common]
        .iter()
        .zip(&kb[..common])
        .position(|(x, y)| x != y)
        .unwrap_or(common);
    if i > 0 && ka[i - 1].is_ascii_digit() {
        return None;
    }
    // The byte of each path at `i`: the key's, the `:` after a container's key, or its end.
    let at = |k: &[u8], container: bool| match k.get(i) {
        Some(&c) => Some(c),
        None if container => Some(b':'),
        None => None,
    };
    let (x, y) = (at(ka, is_container(&a.1)), at(kb, is_container(&b.1)));
    if x.is_some_and(|c| c.is_ascii_digit()) || y.is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    match (x, y) {
        // Two `:` after equal keys (impossible without a duplicate) leave it to the rest.
        (Some(x), Some(y)) if x == y => None,
        (Some(x), Some(y)) => Some(x.cmp(&y)),
        // A leaf's path ends here and the other's goes on: the leaf sorts first.
        (None, Some(_)) => Some(Ordering::Less),
        (Some(_), None) => Some(Ordering::Greater),
        (None, None) => None,
    }
}

/// The length of the canonical form `members` write as a verifier writes it (every `signature`
/// and `frame_mode` key left out), counted without writing it; `None` as soon as it passes
/// `limit`. A path is repeated before each value, so this length can grow with the square of
/// the body's (a long key over many values): it is checked before the MAC reads any of it.
pub(crate) fn canonical_len(members: &[(Cow<'_, str>, Node<'_>)], limit: usize) -> Option<usize> {
    let mut total = 0;
    members_len(members, 0, &mut total, limit).then_some(total)
}

fn members_len(
    members: &[(Cow<'_, str>, Node<'_>)],
    path_len: usize,
    total: &mut usize,
    limit: usize,
) -> bool {
    members.iter().all(|(key, value)| {
        if key == FRAME_MODE_KEY || key == SIGNATURE_KEY {
            return true;
        }
        // A `:` in a key is written `::`; a separator only after a non-empty path.
        let escaped = key.len() + key.bytes().filter(|&b| b == b':').count();
        let child = path_len + usize::from(path_len > 0) + escaped;
        node_len(value, child, total, limit)
    })
}

fn node_len(node: &Node<'_>, path_len: usize, total: &mut usize, limit: usize) -> bool {
    let value_len = match node {
        Node::Object(members) => return members_len(members, path_len, total, limit),
        Node::Array(elements) => {
            return elements.iter().enumerate().all(|(index, element)| {
                let child = path_len + 1 + itoa::Buffer::new().format(index).len();
                node_len(element, child, total, limit)
            });
        }
        Node::Null => 0,
        // At most 14 significant digits, a sign, a point and three leading zeros.
        Node::F64(_) => 19,
        Node::Bool(_) => 1,
        Node::U64(value) => itoa::Buffer::new().format(*value).len(),
        Node::I64(value) => itoa::Buffer::new().format(*value).len(),
        Node::Str(value) => value.len(),
    };
    // `path:value` and the `;` before the next entry.
    *total = total.saturating_add(path_len + value_len + 2);
    *total <= limit
}

#[cfg(test)]
mod tests {
    use super::super::TreeLimits;
    use super::super::parse::parse;
    use super::*;
    use crate::signature::{SignatureRemoval, SortOrder};

    const LIMITS: TreeLimits = TreeLimits {
        max_depth: 64,
        max_values: usize::MAX,
    };

    fn canonical_of_tree(raw: &str) -> String {
        let Node::Object(members) = parse(raw.as_bytes(), LIMITS).unwrap() else {
            panic!("an object")
        };
        let mut writer =
            CanonicalWriter::with_options(SortOrder::Natural, SignatureRemoval::Everywhere);
        write_object(&members, &mut writer).unwrap();
        writer.string_to_sign()
    }

    fn canonical_of_value(raw: &str) -> String {
        let value: serde_json::Value = serde_json::from_str(raw).unwrap();
        let mut writer =
            CanonicalWriter::with_options(SortOrder::Natural, SignatureRemoval::Everywhere);
        writer.write(&value).unwrap();
        writer.string_to_sign()
    }

    /// The counted length is the written one (plus the `;` after the last entry), and a limit
    /// below it is refused.
    #[test]
    fn canonical_len_counts_what_the_writer_writes() {
        let bodies = [
            r#"{"a": 1}"#,
            r#"{"a:b": {"c::d": [true, null, -12, "x;y"]}, "signature": "s", "frame_mode": "p"}"#,
            r#"{"l": [[[]], {}, [{"k": {"signature": 1, "v": 18446744073709551615}}]], "é": ""}"#,
            r#"{"list": [0,1,2,3,4,5,6,7,8,9,10,11], "n": {"x": {"y": "z"}}}"#,
        ];
        for raw in bodies {
            let Node::Object(members) = parse(raw.as_bytes(), LIMITS).unwrap() else {
                panic!("an object")
            };
            let written = canonical_of_tree(raw).len() + 1;
            assert_eq!(canonical_len(&members, usize::MAX), Some(written), "{raw}");
            assert_eq!(canonical_len(&members, written), Some(written), "{raw}");
            assert_eq!(canonical_len(&members, written - 1), None, "{raw}");
        }
    }

    /// The tree's member order, where its keys settle it, gives the entry sort's result: every
    /// ordered pair of tricky keys, as leaves and as containers, in both orders, at the top and
    /// below.
    #[test]
    fn settled_member_order_is_the_entry_order() {
        let keys = [
            "a", "a0", "a1", "a10", "a2", "ab", "a b", "a:b", "b", "B", "01", "1", "x 1", "x1",
            "a_", "a.", "é", "a\\u0000", "10", "2", "z",
        ];
        let values = ["1", "{\"k\": 1}", "[1, 2]", "{}", "{\"0\": 1, \"a\": 2}"];
        let mut checked = 0;
        for a in keys {
            for b in keys {
                if a == b {
                    continue;
                }
                for va in values {
                    for vb in values {
                        for c in keys.iter().take(4) {
                            let inner = format!("\"{a}\": {va}, \"{b}\": {vb}, \"{c}{c}\": 3");
                            for raw in [format!("{{{inner}}}"), format!("{{\"p\": {{{inner}}}}}")] {
                                assert_eq!(
                                    canonical_of_tree(&raw),
                                    canonical_of_value(&raw),
                                    "{raw}"
                                );
                                checked += 1;
                            }
                        }
                    }
                }
            }
        }
        assert!(checked > 10_000, "{checked}");
    }
}
