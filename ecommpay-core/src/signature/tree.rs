//! A received body parsed once into a tree that borrows its strings from the raw bytes: its
//! canonical form is written from the tree, the parts the signature cannot see are pruned from
//! it, and the typed value is deserialized from it. Nothing is parsed twice.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Unexpected,
    VariantAccess, Visitor,
};
use serde_json::{Map, Number, Value};

use std::cmp::Ordering;

use super::canonical::{
    Canonical, CanonicalWriter, FRAME_MODE_KEY, SIGNATURE_KEY, write_elements, write_members,
};
use super::error::CanonicalError;
use crate::excerpt::Excerpt;

/// A JSON value whose strings borrow from the body where they had no escapes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node<'a> {
    Null,
    Bool(bool),
    U64(u64),
    I64(i64),
    /// Any other number (a fraction, an exponent, an integer beyond 64 bits): signed where the
    /// official SDKs agree on its text (see `fraction_text`), else refused.
    F64(f64),
    Str(Cow<'a, str>),
    Array(Vec<Node<'a>>),
    Object(Vec<(Cow<'a, str>, Node<'a>)>),
}

/// Why a body could not be made into a tree (JSON syntax errors aside).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TreeFailure {
    /// A key twice in one object.
    Duplicate,
    /// Containers nested deeper than the limit.
    TooDeep,
    /// A key that makes the canonical path ambiguous (empty, or starting or ending with `:`).
    Ambiguous,
    /// More values than the limit.
    TooManyValues,
}

/// What a body may hold: containers at most `max_depth` deep, at most `max_values` values
/// (scalars and containers alike), so that its tree is bounded whatever its shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TreeLimits {
    pub(crate) max_depth: usize,
    pub(crate) max_values: usize,
}

/// A failure and where it happened (JSON-style path, built while unwinding).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Located {
    pub(crate) failure: TreeFailure,
    /// Segments from the innermost out.
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Key(String),
    Index(usize),
}

/// Writes a JSON-style path (`payment.sum.amount`, `errors[0].code`) from the root down.
fn write_path<'s>(
    f: &mut impl fmt::Write,
    segments: impl Iterator<Item = &'s Segment>,
) -> fmt::Result {
    let mut first = true;
    for segment in segments {
        match segment {
            Segment::Key(key) if first => f.write_str(key)?,
            Segment::Key(key) => write!(f, ".{key}")?,
            Segment::Index(i) => write!(f, "[{i}]")?,
        }
        first = false;
    }
    if first {
        f.write_str("(root)")?;
    }
    Ok(())
}

impl Located {
    pub(crate) fn path(&self) -> String {
        let mut out = String::new();
        let _ = write_path(&mut out, self.segments.iter().rev());
        out
    }
}

/// Parses `raw` into a tree: strict JSON (`serde_json`'s parser), no duplicate key in any object,
/// no key that makes a canonical path ambiguous, within `limits`. The usual body goes through
/// the quick parser; whatever it does not take, the reference decides.
#[cfg(test)]
pub(crate) fn parse(raw: &[u8], limits: TreeLimits) -> Result<Node<'_>, ParseError> {
    parse_counted(raw, limits).map(|(node, _)| node)
}

/// [`parse`], and how many values the tree holds.
pub(crate) fn parse_counted(
    raw: &[u8],
    limits: TreeLimits,
) -> Result<(Node<'_>, usize), ParseError> {
    if let Some(parsed) = super::fast_parse::parse_counted(raw, limits) {
        return Ok(parsed);
    }
    reference(raw, limits)
}

/// [`parse`] through `serde_json`'s parser alone: the reference, which reports every refusal.
#[cfg(test)]
pub(crate) fn parse_with_reference(raw: &[u8], limits: TreeLimits) -> Result<Node<'_>, ParseError> {
    reference(raw, limits).map(|(node, _)| node)
}

fn reference(raw: &[u8], limits: TreeLimits) -> Result<(Node<'_>, usize), ParseError> {
    let context = Context {
        max_depth: limits.max_depth,
        values_left: Cell::new(limits.max_values),
        failure: RefCell::new(None),
    };
    let mut deserializer = serde_json::Deserializer::from_slice(raw);
    let parsed = NodeSeed {
        context: &context,
        depth: 0,
    }
    .deserialize(&mut deserializer)
    .and_then(|node| deserializer.end().map(|()| node));
    match (parsed, context.failure.into_inner()) {
        (_, Some(located)) => Err(ParseError::Tree(located)),
        (Ok(node), None) => Ok((node, limits.max_values - context.values_left.get())),
        (Err(error), None) => Err(ParseError::Json(error)),
    }
}

#[derive(Debug)]
pub(crate) enum ParseError {
    Json(serde_json::Error),
    Tree(Located),
}

struct Context {
    max_depth: usize,
    /// How many more values the body may hold.
    values_left: Cell<usize>,
    failure: RefCell<Option<Located>>,
}

impl Context {
    fn fail<E: de::Error>(&self, failure: TreeFailure, segment: Option<Segment>) -> E {
        *self.failure.borrow_mut() = Some(Located {
            failure,
            segments: segment.into_iter().collect(),
        });
        E::custom("refused")
    }

    fn locate(&self, segment: impl FnOnce() -> Segment) {
        if let Some(located) = self.failure.borrow_mut().as_mut() {
            located.segments.push(segment());
        }
    }
}

#[derive(Clone, Copy)]
struct NodeSeed<'c> {
    context: &'c Context,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for NodeSeed<'_> {
    type Value = Node<'de>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node<'de>, D::Error> {
        let Some(left) = self.context.values_left.get().checked_sub(1) else {
            return Err(self.context.fail(TreeFailure::TooManyValues, None));
        };
        self.context.values_left.set(left);
        deserializer.deserialize_any(self)
    }
}

struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

/// Objects up to this size are checked for duplicates pairwise; larger ones by sorting.
const PAIRWISE: usize = 16;

fn has_duplicate(members: &[(Cow<'_, str>, Node<'_>)]) -> Option<usize> {
    let mut keys: Vec<(&str, usize)> = members
        .iter()
        .enumerate()
        .map(|(i, (k, _))| (k.as_ref(), i))
        .collect();
    keys.sort_unstable();
    keys.windows(2)
        .find(|w| w[0].0 == w[1].0)
        .map(|w| w[0].1.max(w[1].1))
}

pub(super) fn is_ambiguous_key(key: &str) -> bool {
    key.is_empty() || key.starts_with(':') || key.ends_with(':')
}

/// Whether an object has a key twice.
pub(super) fn has_duplicate_key(members: &[(Cow<'_, str>, Node<'_>)]) -> bool {
    if members.len() > PAIRWISE {
        return has_duplicate(members).is_some();
    }
    // Length and first byte first: most pairs differ there, without a call to compare.
    let same = |a: &str, b: &str| {
        a.len() == b.len() && a.as_bytes().first() == b.as_bytes().first() && a == b
    };
    members
        .iter()
        .enumerate()
        .any(|(i, (key, _))| members[..i].iter().any(|(k, _)| same(k, key)))
}

impl<'de> Visitor<'de> for NodeSeed<'_> {
    type Value = Node<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Node<'de>, E> {
        Ok(Node::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node<'de>, E> {
        Ok(Node::Bool(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node<'de>, E> {
        Ok(Node::U64(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node<'de>, E> {
        Ok(Node::I64(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node<'de>, E> {
        Ok(Node::F64(v))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Node<'de>, E> {
        Ok(Node::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node<'de>, E> {
        Ok(Node::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Node<'de>, E> {
        Ok(Node::Str(Cow::Owned(v)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node<'de>, A::Error> {
        if self.depth >= self.context.max_depth {
            return Err(self.context.fail(TreeFailure::TooDeep, None));
        }
        let child = NodeSeed {
            context: self.context,
            depth: self.depth + 1,
        };
        let mut elements = Vec::new();
        loop {
            match seq.next_element_seed(child) {
                Ok(Some(element)) => elements.push(element),
                Ok(None) => break,
                Err(error) => {
                    let index = elements.len();
                    self.context.locate(|| Segment::Index(index));
                    return Err(error);
                }
            }
        }
        elements.shrink_to_fit();
        Ok(Node::Array(elements))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node<'de>, A::Error> {
        if self.depth >= self.context.max_depth {
            return Err(self.context.fail(TreeFailure::TooDeep, None));
        }
        let child = NodeSeed {
            context: self.context,
            depth: self.depth + 1,
        };
        let mut members: Vec<(Cow<'de, str>, Node<'de>)> = Vec::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            if is_ambiguous_key(&key) {
                return Err(self
                    .context
                    .fail(TreeFailure::Ambiguous, Some(Segment::Key(key.into_owned()))));
            }
            if members.len() < PAIRWISE && members.iter().any(|(k, _)| *k == key) {
                return Err(self
                    .context
                    .fail(TreeFailure::Duplicate, Some(Segment::Key(key.into_owned()))));
            }
            match map.next_value_seed(child) {
                Ok(value) => members.push((key, value)),
                Err(error) => {
                    self.context.locate(|| Segment::Key(key.into_owned()));
                    return Err(error);
                }
            }
        }
        if members.len() > PAIRWISE
            && let Some(i) = has_duplicate(&members)
        {
            let key = members.swap_remove(i).0.into_owned();
            return Err(self
                .context
                .fail(TreeFailure::Duplicate, Some(Segment::Key(key))));
        }
        members.shrink_to_fit();
        Ok(Node::Object(members))
    }
}

// ---------------------------------------------------------------------------------------------
// The canonical form, as for `serde_json::Value`.

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

impl Node<'_> {
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Node::Null => "null",
            Node::Bool(_) => "a boolean",
            Node::U64(_) | Node::I64(_) | Node::F64(_) => "a number",
            Node::Str(_) => "a string",
            Node::Array(_) => "an array",
            Node::Object(_) => "an object",
        }
    }

    /// The member `key` of an object.
    pub(crate) fn get(&self, key: &str) -> Option<&Self> {
        match self {
            Node::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn is_empty_container(&self) -> bool {
        match self {
            Node::Array(elements) => elements.is_empty(),
            Node::Object(members) => members.is_empty(),
            _ => false,
        }
    }

    /// The tree as a `serde_json::Value`.
    pub(crate) fn into_value(self) -> Value {
        match self {
            Node::Null => Value::Null,
            // Only a finite number verifies.
            Node::F64(v) => Number::from_f64(v).map_or(Value::Null, Value::Number),
            Node::Bool(v) => Value::Bool(v),
            Node::U64(v) => Value::Number(Number::from(v)),
            Node::I64(v) => Value::Number(Number::from(v)),
            Node::Str(v) => Value::String(v.into_owned()),
            Node::Array(elements) => {
                Value::Array(elements.into_iter().map(Node::into_value).collect())
            }
            Node::Object(members) => Value::Object(into_map(members)),
        }
    }
}

pub(crate) fn into_map(members: Vec<(Cow<'_, str>, Node<'_>)>) -> Map<String, Value> {
    members
        .into_iter()
        .map(|(k, v)| (k.into_owned(), v.into_value()))
        .collect()
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

// ---------------------------------------------------------------------------------------------
// Pruning what the signature cannot see.

/// Which `signature` key is the one that was verified, and stays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeptSignature {
    TopLevel,
    InGeneral,
}

/// Removes from a verified body every part its canonical form leaves out, so that nobody can
/// have added, removed or changed it without breaking the signature, and returns their paths:
/// keys named `frame_mode` at any depth, keys named `signature` anywhere but where the verified
/// signature was, and arrays and objects that contribute no entry (empty ones, and those left
/// empty by the removals). The verified signature itself stays.
pub(crate) fn prune(
    members: &mut Vec<(Cow<'_, str>, Node<'_>)>,
    kept: KeptSignature,
) -> Vec<String> {
    let mut removed = Vec::new();
    let mut path = String::new();
    prune_members(members, &mut path, &mut removed, Some(kept));
    removed
}

/// The JSON-style path of what is being pruned, extended and cut back in place.
fn push_key(path: &mut String, key: &str) -> usize {
    let len = path.len();
    if len > 0 {
        path.push('.');
    }
    path.push_str(key);
    len
}

fn prune_members(
    members: &mut Vec<(Cow<'_, str>, Node<'_>)>,
    path: &mut String,
    removed: &mut Vec<String>,
    // At the top level: which signature is kept there or in `general`.
    top: Option<KeptSignature>,
) {
    members.retain_mut(|(key, value)| {
        let keep = if key == FRAME_MODE_KEY {
            false
        } else if key == SIGNATURE_KEY {
            top == Some(KeptSignature::TopLevel)
        } else if matches!(value, Node::Object(_) | Node::Array(_)) {
            let in_general = top == Some(KeptSignature::InGeneral) && key == super::GENERAL_KEY;
            let len = push_key(path, key);
            prune_node(value, path, removed, in_general);
            path.truncate(len);
            !value.is_empty_container()
        } else {
            true
        };
        if !keep {
            let len = push_key(path, key);
            removed.push(path.clone());
            path.truncate(len);
        }
        keep
    });
}

fn prune_node(
    node: &mut Node<'_>,
    path: &mut String,
    removed: &mut Vec<String>,
    keeps_signature: bool,
) {
    match node {
        Node::Object(members) => {
            let top = keeps_signature.then_some(KeptSignature::TopLevel);
            prune_members(members, path, removed, top);
        }
        Node::Array(elements) => {
            let mut index = 0;
            elements.retain_mut(|element| {
                let len = path.len();
                let _ = fmt::Write::write_fmt(path, format_args!("[{index}]"));
                index += 1;
                prune_node(element, path, removed, false);
                let keep = !element.is_empty_container();
                if !keep {
                    removed.push(path.clone());
                }
                path.truncate(len);
                keep
            });
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// The typed value, deserialized from the tree.

/// A typed deserialization failure: a short message and where (built while unwinding).
#[derive(Debug)]
pub(crate) struct TypedError {
    message: String,
    segments: Vec<Segment>,
}

impl TypedError {
    pub(crate) fn path(&self) -> String {
        let mut out = String::new();
        let _ = write_path(&mut out, self.segments.iter().rev());
        out
    }

    pub(crate) fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for TypedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TypedError {}

pub(crate) use crate::excerpt::shorten;

struct Quoted<'a>(Unexpected<'a>);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Unexpected::Str(s) => write!(f, "string {}", Excerpt(s)),
            Unexpected::Bytes(b) => write!(f, "{} bytes", b.len()),
            Unexpected::Other(s) => write!(f, "{}", Excerpt(s)),
            other => write!(f, "{other}"),
        }
    }
}

impl de::Error for TypedError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self {
            message: shorten(msg.to_string()),
            segments: Vec::new(),
        }
    }
    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        Self::custom(format_args!(
            "invalid type: {}, expected {exp}",
            Quoted(unexp)
        ))
    }
    fn invalid_value(unexp: Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        Self::custom(format_args!(
            "invalid value: {}, expected {exp}",
            Quoted(unexp)
        ))
    }
    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Self::custom(format_args!(
            "unknown variant {}, expected one of {expected:?}",
            Excerpt(variant)
        ))
    }
    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        Self::custom(format_args!(
            "unknown field {}, expected one of {expected:?}",
            Excerpt(field)
        ))
    }
}

impl TypedError {
    fn at(mut self, segment: Segment) -> Self {
        self.segments.push(segment);
        self
    }
}

/// Deserializes `T` from the members of an object.
pub(crate) fn deserialize_members<'de, T: de::Deserialize<'de>>(
    members: &[(Cow<'de, str>, Node<'de>)],
) -> Result<T, TypedError> {
    T::deserialize(MembersRef(members))
}

#[derive(Clone, Copy)]
struct NodeRef<'a, 'de>(&'a Node<'de>);

#[derive(Clone, Copy)]
struct MembersRef<'a, 'de>(&'a [(Cow<'de, str>, Node<'de>)]);

fn visit_str<'de, V: Visitor<'de>>(s: &Cow<'de, str>, visitor: V) -> Result<V::Value, TypedError> {
    match s {
        Cow::Borrowed(s) => visitor.visit_borrowed_str(s),
        Cow::Owned(s) => visitor.visit_str(s),
    }
}

impl<'de> Deserializer<'de> for MembersRef<'_, 'de> {
    type Error = TypedError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        visitor.visit_map(Members {
            iter: self.0.iter(),
            value: None,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

impl<'de> Deserializer<'de> for NodeRef<'_, 'de> {
    type Error = TypedError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        match self.0 {
            Node::Null => visitor.visit_unit(),
            Node::Bool(v) => visitor.visit_bool(*v),
            Node::U64(v) => visitor.visit_u64(*v),
            Node::I64(v) => visitor.visit_i64(*v),
            Node::F64(v) => visitor.visit_f64(*v),
            Node::Str(s) => visit_str(s, visitor),
            Node::Array(elements) => visitor.visit_seq(Elements {
                iter: elements.iter(),
                index: 0,
            }),
            Node::Object(members) => MembersRef(members).deserialize_any(visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        match self.0 {
            Node::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, TypedError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TypedError> {
        match self.0 {
            Node::Str(s) => visitor.visit_enum(Variant {
                key: s,
                value: None,
            }),
            Node::Object(members) if members.len() == 1 => {
                let (key, value) = &members[0];
                visitor.visit_enum(Variant {
                    key,
                    value: Some(value),
                })
            }
            other => Err(de::Error::invalid_type(
                Unexpected::Other(other.kind()),
                &"a string or an object with one key",
            )),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier
    }
}

struct Elements<'a, 'de> {
    iter: std::slice::Iter<'a, Node<'de>>,
    index: usize,
}

impl<'de> SeqAccess<'de> for Elements<'_, 'de> {
    type Error = TypedError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, TypedError> {
        let Some(element) = self.iter.next() else {
            return Ok(None);
        };
        let index = self.index;
        self.index += 1;
        seed.deserialize(NodeRef(element))
            .map(Some)
            .map_err(|e| e.at(Segment::Index(index)))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

struct Members<'a, 'de> {
    iter: std::slice::Iter<'a, (Cow<'de, str>, Node<'de>)>,
    value: Option<(&'a Cow<'de, str>, &'a Node<'de>)>,
}

impl<'de> MapAccess<'de> for Members<'_, 'de> {
    type Error = TypedError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, TypedError> {
        let Some((key, value)) = self.iter.next() else {
            return Ok(None);
        };
        self.value = Some((key, value));
        seed.deserialize(Key(key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, TypedError> {
        let (key, value) = self
            .value
            .take()
            .ok_or_else(|| <TypedError as de::Error>::custom("a value without its key"))?;
        seed.deserialize(NodeRef(value))
            .map_err(|e| e.at(Segment::Key(key.to_string())))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

struct Key<'a, 'de>(&'a Cow<'de, str>);

impl<'de> Deserializer<'de> for Key<'_, 'de> {
    type Error = TypedError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        visit_str(self.0, visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

struct Variant<'a, 'de> {
    key: &'a Cow<'de, str>,
    value: Option<&'a Node<'de>>,
}

impl<'a, 'de> EnumAccess<'de> for Variant<'a, 'de> {
    type Error = TypedError;
    type Variant = VariantValue<'a, 'de>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), TypedError> {
        let variant = seed.deserialize(Key(self.key))?;
        Ok((variant, VariantValue(self.value)))
    }
}

struct VariantValue<'a, 'de>(Option<&'a Node<'de>>);

impl<'de> VariantAccess<'de> for VariantValue<'_, 'de> {
    type Error = TypedError;

    fn unit_variant(self) -> Result<(), TypedError> {
        match self.0 {
            None | Some(Node::Null) => Ok(()),
            Some(other) => Err(de::Error::invalid_type(
                Unexpected::Other(other.kind()),
                &"a unit variant",
            )),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, TypedError> {
        match self.0 {
            Some(value) => seed.deserialize(NodeRef(value)),
            None => Err(de::Error::invalid_type(
                Unexpected::UnitVariant,
                &"a newtype variant",
            )),
        }
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, TypedError> {
        match self.0 {
            Some(value) => NodeRef(value).deserialize_any(visitor),
            None => Err(de::Error::invalid_type(
                Unexpected::UnitVariant,
                &"a tuple variant",
            )),
        }
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TypedError> {
        self.tuple_variant(0, visitor)
    }
}

#[cfg(test)]
mod tests {
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
