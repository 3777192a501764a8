//! Where things are: references into the vendor documents and locations in the spec files.

use std::fmt;

#[cfg(feature = "schemars")]
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};

/// A 1-based, inclusive line range in a vendor document: `"129-144"`, `"129"`, or with an explicit
/// document `"001_6d33046829e36e91.txt:114-117"`; a reference without a quoted `original` carries
/// the fingerprint of the text it cites after `@` (`"129-144@3f2a9c1e0b7d"`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SourceRef {
    /// The document's file name, when the reference names it; otherwise the document the spec
    /// file transcribes.
    pub file: Option<String>,
    pub first_line: u32,
    pub last_line: u32,
    /// The fingerprint of the cited lines' text (`check` computes and compares it).
    pub fingerprint: Option<u64>,
}

/// Hex digits of a recorded fingerprint.
pub(crate) const FINGERPRINT_DIGITS: usize = 12;

impl SourceRef {
    pub fn parse(text: &str) -> Result<Self, String> {
        let (text_before, fingerprint) = match text.split_once('@') {
            Some((reference, digits)) => {
                let valid = digits.len() == FINGERPRINT_DIGITS
                    && digits
                        .bytes()
                        .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
                match u64::from_str_radix(digits, 16) {
                    Ok(value) if valid => (reference, Some(value)),
                    _ => {
                        return Err(format!(
                            "source reference `{text}`: the fingerprint after `@` is {FINGERPRINT_DIGITS} lowercase hex digits"
                        ));
                    }
                }
            }
            None => (text, None),
        };
        let full = text;
        let text = text_before;
        let (file, range) = match text.rsplit_once(':') {
            Some((file, range)) => (Some(file.to_owned()), range),
            None => (None, text),
        };
        if file.as_deref() == Some("") {
            return Err(format!("source reference `{full}` has an empty file name"));
        }
        let parse_line = |s: &str| -> Result<u32, String> {
            match s.trim().parse::<u32>() {
                Ok(0) | Err(_) => Err(format!(
                    "source reference `{full}`: `{s}` is not a 1-based line number"
                )),
                Ok(n) => Ok(n),
            }
        };
        let (first_line, last_line) = match range.split_once('-') {
            Some((a, b)) => (parse_line(a)?, parse_line(b)?),
            None => {
                let n = parse_line(range)?;
                (n, n)
            }
        };
        if last_line < first_line {
            return Err(format!(
                "source reference `{full}`: the range ends before it starts"
            ));
        }
        Ok(Self {
            file,
            first_line,
            last_line,
            fingerprint,
        })
    }

    /// The referenced document, falling back to the one the spec file transcribes.
    pub fn file_or<'a>(&'a self, default: &'a str) -> &'a str {
        self.file.as_deref().unwrap_or(default)
    }

    /// The line range as written after the file name: `129-144` or `129`.
    pub fn range_text(&self) -> String {
        if self.first_line == self.last_line {
            self.first_line.to_string()
        } else {
            format!("{}-{}", self.first_line, self.last_line)
        }
    }

    /// `file:first-last`, resolved against the default document.
    pub fn display_in(&self, default: &str) -> String {
        let file = self.file_or(default);
        if self.first_line == self.last_line {
            format!("{file}:{}", self.first_line)
        } else {
            format!("{file}:{}-{}", self.first_line, self.last_line)
        }
    }
}

impl fmt::Display for SourceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{file}:")?;
        }
        if self.first_line == self.last_line {
            write!(f, "{}", self.first_line)
        } else {
            write!(f, "{}-{}", self.first_line, self.last_line)
        }
    }
}

impl<'de> Deserialize<'de> for SourceRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Accept a bare number too: YAML reads `source: 129` as an integer.
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Line(u32),
            Text(String),
        }
        match Raw::deserialize(deserializer)? {
            Raw::Line(n) => SourceRef::parse(&n.to_string()),
            Raw::Text(s) => SourceRef::parse(&s),
        }
        .map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schemars")]
impl JsonSchema for SourceRef {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SourceRef".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Line range in a vendor document: \"129-144\", \"129\" or \"001_6d33046829e36e91.txt:114-117\"; without a quoted `original`, the cited text's fingerprint after `@` (\"129-144@3f2a9c1e0b7d\", written by `ecommpay-codegen reanchor`).",
            "anyOf": [
                {"type": "string", "pattern": "^([^:@]+:)?[1-9][0-9]*(-[1-9][0-9]*)?(@[0-9a-f]{12})?$"},
                {"type": "integer", "minimum": 1}
            ]
        })
    }
}

/// A position in a spec file (1-based line and column).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// 1-based; 0 when unknown.
    pub line: u32,
    /// 1-based; 0 when unknown.
    pub column: u32,
}

impl Position {
    /// No place: a problem of the spec as a whole.
    pub const UNKNOWN: Position = Position { line: 0, column: 0 };
}

/// A value together with where it was written in the spec file.
#[derive(Clone, Debug)]
pub struct Located<T> {
    pub value: T,
    pub at: Position,
}

impl<T> std::ops::Deref for Located<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// How `Located` asks the spec reader (`load::de`) for a node's position: the reader answers a
/// struct of this name with the node's line, its column, then the node itself.
pub(crate) const LOCATED: &str = "$ecommpay_codegen::Located";
pub(crate) const LOCATED_FIELDS: &[&str] = &["$line", "$column", "$value"];

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Located<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LocatedVisitor<T>(std::marker::PhantomData<T>);

        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for LocatedVisitor<T> {
            type Value = Located<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a node of a spec file")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Located<T>, A::Error> {
                let mut at = Position::UNKNOWN;
                let mut value = None;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "$line" => at.line = map.next_value()?,
                        "$column" => at.column = map.next_value()?,
                        "$value" => value = Some(map.next_value()?),
                        other => {
                            return Err(serde::de::Error::unknown_field(other, LOCATED_FIELDS));
                        }
                    }
                }
                let value = value.ok_or_else(|| serde::de::Error::missing_field("$value"))?;
                Ok(Located { value, at })
            }
        }

        deserializer.deserialize_struct(
            LOCATED,
            LOCATED_FIELDS,
            LocatedVisitor(std::marker::PhantomData),
        )
    }
}

#[cfg(feature = "schemars")]
impl<T: JsonSchema> JsonSchema for Located<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ranges_and_files() {
        let r = SourceRef::parse("001_6d33046829e36e91.txt:114-117").unwrap();
        assert_eq!(r.file.as_deref(), Some("001_6d33046829e36e91.txt"));
        assert_eq!((r.first_line, r.last_line), (114, 117));
        let r = SourceRef::parse("42").unwrap();
        assert_eq!(
            (r.file.as_deref(), r.first_line, r.last_line),
            (None, 42, 42)
        );
        assert_eq!(r.display_in("a.txt"), "a.txt:42");
    }

    #[test]
    fn rejects_bad_ranges() {
        assert!(SourceRef::parse("0").unwrap_err().contains("1-based"));
        assert!(SourceRef::parse("9-3").unwrap_err().contains("ends before"));
        assert!(SourceRef::parse("x").is_err());
        assert!(SourceRef::parse(":3").unwrap_err().contains("empty file"));
        assert!(SourceRef::parse("3@12").unwrap_err().contains("hex digits"));
        assert!(SourceRef::parse("3@3F2A9C1E0B7D").is_err());
    }

    #[test]
    fn a_fingerprint_follows_the_range() {
        let r = SourceRef::parse("a.txt:4-9@3f2a9c1e0b7d").unwrap();
        assert_eq!((r.first_line, r.last_line), (4, 9));
        assert_eq!(r.file.as_deref(), Some("a.txt"));
        assert_eq!(r.fingerprint, Some(0x3f2a9c1e0b7d));
        assert_eq!(r.range_text(), "4-9");
        // Generated documentation cites lines, never fingerprints.
        assert_eq!(r.display_in("b.txt"), "a.txt:4-9");
    }
}
