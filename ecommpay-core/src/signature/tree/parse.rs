//! The tree of a body, parsed by `serde_json` (the reference, which reports every refusal) behind
//! the quick parser.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::{
    Located, Node, PAIRWISE, Segment, TreeFailure, TreeLimits, has_duplicate, is_ambiguous_key,
};

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
