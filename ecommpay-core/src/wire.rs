//! Wire types for values the platform prints in more than one way.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::signature::{Canonical, CanonicalError, CanonicalWriter};

/// An integer the platform sends as a JSON number in one message and as a string in another
/// (`project_id`, amounts, ids in callbacks). Kept as received, so that re-serializing gives the
/// same JSON; the canonical form of the signature does not tell the two apart.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum IntOrString {
    /// A JSON number within `i64`.
    Int(i64),
    /// Beyond `i64`: still exact.
    UInt(u64),
    /// A string, kept as sent (digits, or not).
    String(String),
}

impl IntOrString {
    /// The integer value, when the string holds one.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            IntOrString::Int(i) => Some(*i),
            IntOrString::UInt(u) => i64::try_from(*u).ok(),
            IntOrString::String(s) => s.parse().ok(),
        }
    }

    /// The integer value as unsigned, when there is one and it is not negative.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            IntOrString::Int(i) => u64::try_from(*i).ok(),
            IntOrString::UInt(u) => Some(*u),
            IntOrString::String(s) => s.parse().ok(),
        }
    }
}

impl From<i64> for IntOrString {
    fn from(value: i64) -> Self {
        IntOrString::Int(value)
    }
}

impl From<u64> for IntOrString {
    fn from(value: u64) -> Self {
        match i64::try_from(value) {
            Ok(i) => IntOrString::Int(i),
            Err(_) => IntOrString::UInt(value),
        }
    }
}

impl From<i32> for IntOrString {
    fn from(value: i32) -> Self {
        IntOrString::Int(value.into())
    }
}

impl From<u32> for IntOrString {
    fn from(value: u32) -> Self {
        IntOrString::Int(value.into())
    }
}

impl From<&str> for IntOrString {
    fn from(value: &str) -> Self {
        IntOrString::String(value.to_owned())
    }
}

impl From<String> for IntOrString {
    fn from(value: String) -> Self {
        IntOrString::String(value)
    }
}

impl fmt::Display for IntOrString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntOrString::Int(i) => write!(f, "{i}"),
            IntOrString::UInt(u) => write!(f, "{u}"),
            IntOrString::String(s) => f.write_str(s),
        }
    }
}

impl Serialize for IntOrString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            IntOrString::Int(i) => serializer.serialize_i64(*i),
            IntOrString::UInt(u) => serializer.serialize_u64(*u),
            IntOrString::String(s) => serializer.serialize_str(s),
        }
    }
}

impl<'de> Deserialize<'de> for IntOrString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = IntOrString;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer or a string")
            }
            fn visit_i64<E>(self, v: i64) -> Result<IntOrString, E> {
                Ok(IntOrString::Int(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<IntOrString, E> {
                Ok(IntOrString::from(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<IntOrString, E> {
                Ok(IntOrString::String(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<IntOrString, E> {
                Ok(IntOrString::String(v))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl Canonical for IntOrString {
    fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
        match self {
            IntOrString::Int(i) => i.write_canonical(out),
            IntOrString::UInt(u) => u.write_canonical(out),
            IntOrString::String(s) => s.write_canonical(out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_representation() {
        for text in ["91348", "\"91348\"", "18446744073709551615"] {
            let value: IntOrString = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_string(&value).unwrap(), text);
        }
        let value: IntOrString = serde_json::from_str("\"91348\"").unwrap();
        assert_eq!(value.as_i64(), Some(91348));
        assert!(serde_json::from_str::<IntOrString>("true").is_err());
    }
}

/// An object that may also be sent encoded in a string (Payment Page `recurring`: a JSON object
/// with the JavaScript library, a URL-encoded string otherwise).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ObjectOrString<T> {
    /// Sent as a JSON object.
    Object(T),
    /// Sent encoded in a string, kept as sent.
    String(String),
}

impl<T> ObjectOrString<T> {
    /// The object, unless it came encoded in a string.
    pub fn as_object(&self) -> Option<&T> {
        match self {
            ObjectOrString::Object(value) => Some(value),
            ObjectOrString::String(_) => None,
        }
    }
}

impl<T> From<T> for ObjectOrString<T> {
    fn from(value: T) -> Self {
        ObjectOrString::Object(value)
    }
}

impl<T: Canonical> Canonical for ObjectOrString<T> {
    fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
        match self {
            ObjectOrString::Object(value) => value.write_canonical(out),
            ObjectOrString::String(s) => s.write_canonical(out),
        }
    }
}
