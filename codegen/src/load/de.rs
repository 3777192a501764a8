//! serde's view of a YAML tree: the model's derived `Deserialize` reads a [`Node`] through one
//! deserializer, so each model type is compiled for one reader only, and every error keeps the
//! position of the node it arose at.

use std::fmt;

use serde::de::value::U32Deserializer;
use serde::de::{
    self, DeserializeSeed, EnumAccess, IntoDeserializer, MapAccess, SeqAccess, Unexpected,
    VariantAccess, Visitor,
};

use super::yaml::{Node, NodeValue, Plain, resolve};
use crate::model::{LOCATED, LOCATED_FIELDS, Position};

/// A model type could not be read from the tree.
#[derive(Debug)]
pub(super) struct Error {
    pub message: String,
    /// The innermost node the error passed through; `None` only before it reached one.
    pub at: Option<Position>,
}

impl Error {
    fn or_at(mut self, at: Position) -> Self {
        self.at.get_or_insert(at);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Error {
            message: message.to_string(),
            at: None,
        }
    }

    // The expected names without serde's backticks: the list is long and read by people.
    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        Self::custom(format_args!(
            "unknown field `{field}`, expected one of {}",
            expected.join(", ")
        ))
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Self::custom(format_args!(
            "unknown variant `{variant}`, expected one of {}",
            expected.join(", ")
        ))
    }
}

/// Deserializes a model type from one node.
#[derive(Clone, Copy)]
pub(super) struct NodeDeserializer<'n, 'a> {
    node: &'n Node<'a>,
}

impl<'n, 'a> NodeDeserializer<'n, 'a> {
    pub(super) fn new(node: &'n Node<'a>) -> Self {
        NodeDeserializer { node }
    }

    fn is_null(&self) -> bool {
        matches!(&self.node.value, NodeValue::Scalar { text, plain: true } if resolve(text) == Plain::Null)
    }

    fn unexpected(&self) -> Unexpected<'n> {
        match &self.node.value {
            NodeValue::Scalar { text, .. } => Unexpected::Str(text),
            NodeValue::Sequence(_) => Unexpected::Seq,
            NodeValue::Mapping(_) => Unexpected::Map,
        }
    }
}

impl<'de> de::Deserializer<'de> for NodeDeserializer<'_, '_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let node = self.node;
        match &node.value {
            NodeValue::Scalar { text, plain: true } => match resolve(text) {
                Plain::Null => visitor.visit_unit(),
                Plain::Bool(b) => visitor.visit_bool(b),
                Plain::Unsigned(n) => visitor.visit_u64(n),
                Plain::Signed(n) => visitor.visit_i64(n),
                Plain::Float(x) => visitor.visit_f64(x),
                Plain::Text(text) => visitor.visit_str(text),
            },
            NodeValue::Scalar { text, plain: false } => visitor.visit_str(text),
            NodeValue::Sequence(items) => visitor.visit_seq(Items(items.iter())),
            NodeValue::Mapping(entries) => visitor.visit_map(Entries {
                entries: entries.iter(),
                value: None,
            }),
        }
        .map_err(|e| e.or_at(node.at))
    }

    /// A plain scalar is text when text is asked for (`source: 129` for a `String`).
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.node.value {
            NodeValue::Scalar { text, .. } => visitor
                .visit_str(text)
                .map_err(|e: Error| e.or_at(self.node.at)),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.is_null() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
        .map_err(|e| e.or_at(self.node.at))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor
            .visit_newtype_struct(self)
            .map_err(|e| e.or_at(self.node.at))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        if name == LOCATED {
            return visitor.visit_map(LocatedEntries {
                node: self.node,
                next: 0,
            });
        }
        self.deserialize_any(visitor)
    }

    /// `variant` or `{variant: value}`.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let access = match &self.node.value {
            NodeValue::Scalar { .. } => Variant {
                name: self.node,
                value: None,
            },
            NodeValue::Mapping(entries) if entries.len() == 1 => Variant {
                name: &entries[0].0,
                value: Some(&entries[0].1),
            },
            _ => {
                return Err(
                    <Error as de::Error>::invalid_type(self.unexpected(), &visitor)
                        .or_at(self.node.at),
                );
            }
        };
        visitor
            .visit_enum(access)
            .map_err(|e| e.or_at(self.node.at))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf unit
        unit_struct seq tuple tuple_struct map
    }
}

struct Items<'n, 'a>(std::slice::Iter<'n, Node<'a>>);

impl<'de> SeqAccess<'de> for Items<'_, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        match self.0.next() {
            Some(node) => seed
                .deserialize(NodeDeserializer::new(node))
                .map(Some)
                .map_err(|e| e.or_at(node.at)),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Entries<'n, 'a> {
    entries: std::slice::Iter<'n, (Node<'a>, Node<'a>)>,
    value: Option<&'n Node<'a>>,
}

impl<'de> MapAccess<'de> for Entries<'_, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        seed.deserialize(NodeDeserializer::new(key))
            .map(Some)
            .map_err(|e| e.or_at(key.at))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let value = self
            .value
            .take()
            .ok_or_else(|| <Error as de::Error>::custom("a value was asked for before its key"))?;
        seed.deserialize(NodeDeserializer::new(value))
            .map_err(|e| e.or_at(value.at))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// What `Located` reads: the node's line and column, then the node itself.
struct LocatedEntries<'n, 'a> {
    node: &'n Node<'a>,
    next: usize,
}

impl<'de> MapAccess<'de> for LocatedEntries<'_, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some(&name) = LOCATED_FIELDS.get(self.next) else {
            return Ok(None);
        };
        seed.deserialize(IntoDeserializer::<Error>::into_deserializer(name))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let at = self.node.at;
        let field = self.next;
        self.next += 1;
        match field {
            0 => seed.deserialize(U32Deserializer::<Error>::new(at.line)),
            1 => seed.deserialize(U32Deserializer::<Error>::new(at.column)),
            _ => seed.deserialize(NodeDeserializer::new(self.node)),
        }
    }
}

struct Variant<'n, 'a> {
    name: &'n Node<'a>,
    value: Option<&'n Node<'a>>,
}

impl<'de, 'n, 'a> EnumAccess<'de> for Variant<'n, 'a> {
    type Error = Error;
    type Variant = VariantValue<'n, 'a>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Self::Variant), Error> {
        let name = seed
            .deserialize(NodeDeserializer::new(self.name))
            .map_err(|e| e.or_at(self.name.at))?;
        Ok((name, VariantValue(self.value)))
    }
}

struct VariantValue<'n, 'a>(Option<&'n Node<'a>>);

impl VariantValue<'_, '_> {
    fn value(&self, expected: &str) -> Result<NodeDeserializer<'_, '_>, Error> {
        match self.0 {
            Some(node) => Ok(NodeDeserializer::new(node)),
            None => Err(de::Error::invalid_type(Unexpected::UnitVariant, &expected)),
        }
    }
}

impl<'de> VariantAccess<'de> for VariantValue<'_, '_> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        match self.0 {
            None => Ok(()),
            Some(node) if NodeDeserializer::new(node).is_null() => Ok(()),
            Some(node) => Err(<Error as de::Error>::invalid_type(
                NodeDeserializer::new(node).unexpected(),
                &"a variant without a value",
            )
            .or_at(node.at)),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(self.value("a variant with a value")?)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_seq(self.value("a variant with a list")?, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_map(self.value("a variant with fields")?, visitor)
    }
}
