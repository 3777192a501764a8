//! The typed value, deserialized from the tree.

use std::borrow::Cow;
use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Unexpected,
    VariantAccess, Visitor,
};

use super::{Node, Segment, write_path};
use crate::excerpt::Excerpt;

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
