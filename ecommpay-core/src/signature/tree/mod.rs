//! A received body parsed once into a tree that borrows its strings from the raw bytes: its
//! canonical form is written from the tree, the parts the signature cannot see are pruned from
//! it, and the typed value is deserialized from it. Nothing is parsed twice.
//!
//! `parse` (with its quick front, `fast_parse`) builds the tree, `write` writes its canonical
//! form, `prune` removes what the signature cannot see, `deserializer` reads the typed value.

mod deserializer;
mod fast_parse;
mod parse;
mod prune;
mod write;

pub(crate) use deserializer::{deserialize_members, shorten};
pub(crate) use parse::{ParseError, parse_counted};
pub(crate) use prune::{KeptSignature, prune};
pub(crate) use write::{canonical_len, write_object};

use std::borrow::Cow;
use std::fmt;

use serde_json::{Map, Number, Value};

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

// What both parsers refuse in an object.

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

/// A key that makes a canonical path ambiguous: empty, or starting or ending with `:`.
fn is_ambiguous_key(key: &str) -> bool {
    key.is_empty() || key.starts_with(':') || key.ends_with(':')
}

/// Whether an object has a key twice.
fn has_duplicate_key(members: &[(Cow<'_, str>, Node<'_>)]) -> bool {
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
