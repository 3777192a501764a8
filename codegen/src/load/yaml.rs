//! A spec file's YAML as a tree of located nodes, read from the event parser in one loop (no
//! recursion, bounded depth). Spec files are plain data: one document, no anchors, aliases or
//! tags other than `!!str`, and no key twice in a mapping.

use std::borrow::Cow;
use std::collections::HashSet;

use granit_parser::{Event, Parser, ScalarStyle, Span};

use crate::model::Position;

/// Deeper than any spec file needs (the deepest nests objects a dozen levels), shallow enough
/// that deserializing the tree never nears the stack's end.
pub(super) const MAX_DEPTH: usize = 64;

/// A YAML node, where it starts, and the bytes of the file its event covers (a scalar's text
/// with its quotes), so that a tool can rewrite one scalar and leave every other byte alone.
#[derive(Debug)]
pub(super) struct Node<'a> {
    pub value: NodeValue<'a>,
    pub at: Position,
    // Read by `reanchor`'s rewrites only.
    #[cfg_attr(not(feature = "checks"), allow(dead_code))]
    pub span: std::ops::Range<usize>,
}

#[derive(Debug)]
pub(super) enum NodeValue<'a> {
    /// `plain` scalars are typed by their text (`null`, `yes`, `12`); quoted and block scalars
    /// are always text.
    Scalar {
        text: Cow<'a, str>,
        plain: bool,
    },
    Sequence(Vec<Node<'a>>),
    /// Entries in the file's order; keys are scalars and unique.
    Mapping(Vec<(Node<'a>, Node<'a>)>),
}

/// Why a file is not a spec file's YAML, and where.
#[derive(Debug)]
pub(super) struct YamlError {
    pub message: String,
    pub at: Position,
}

fn position(span: &Span) -> Position {
    Position {
        line: u32::try_from(span.start.line()).unwrap_or(u32::MAX),
        column: u32::try_from(span.start.col().saturating_add(1)).unwrap_or(u32::MAX),
    }
}

/// A collection being read, with what it has so far.
enum Open<'a> {
    Sequence(Node<'a>, Vec<Node<'a>>),
    Mapping {
        node: Node<'a>,
        entries: Vec<(Node<'a>, Node<'a>)>,
        key: Option<Node<'a>>,
        seen: HashSet<String>,
    },
}

/// Reads the file's single document; an empty file is a null scalar at its start.
pub(super) fn parse(text: &str) -> Result<Node<'_>, YamlError> {
    let mut parser = Parser::new_from_str(text);
    let mut open: Vec<Open<'_>> = Vec::new();
    let mut root: Option<Node<'_>> = None;
    let mut documents = 0usize;
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|error| YamlError {
            message: error.info(),
            at: Position {
                line: u32::try_from(error.marker().line()).unwrap_or(u32::MAX),
                column: u32::try_from(error.marker().col().saturating_add(1)).unwrap_or(u32::MAX),
            },
        })?;
        let at = position(&span);
        let bytes = span.byte_range().unwrap_or(0..0);
        let refuse = |message: &str| {
            Err(YamlError {
                message: message.to_owned(),
                at,
            })
        };
        let complete = match event {
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return refuse("a spec file holds one YAML document");
                }
                continue;
            }
            Event::Alias(_) => return refuse("aliases (`*name`) are not used in spec files"),
            Event::Scalar(_, _, anchor, _)
            | Event::SequenceStart(_, anchor, _)
            | Event::MappingStart(_, anchor, _)
                if anchor != 0 =>
            {
                return refuse("anchors (`&name`) are not used in spec files");
            }
            Event::Scalar(text, style, _, tag) => {
                let forced_text = match tag.as_deref() {
                    None => false,
                    Some(tag) if tag.is_yaml_core_schema_tag("str") => true,
                    Some(tag) => {
                        return refuse(&format!(
                            "tag `{}` is not used in spec files (only `!!str`)",
                            tag.original()
                        ));
                    }
                };
                Node {
                    value: NodeValue::Scalar {
                        text,
                        plain: style == ScalarStyle::Plain && !forced_text,
                    },
                    at,
                    span: bytes,
                }
            }
            Event::SequenceStart(_, _, tag) | Event::MappingStart(_, _, tag) if tag.is_some() => {
                return refuse("tags are not used on collections in spec files");
            }
            Event::SequenceStart(..) | Event::MappingStart(..) if open.len() >= MAX_DEPTH => {
                return refuse(&format!("nested deeper than {MAX_DEPTH} levels"));
            }
            Event::SequenceStart(..) => {
                open.push(Open::Sequence(empty(at, bytes), Vec::new()));
                continue;
            }
            Event::MappingStart(..) => {
                open.push(Open::Mapping {
                    node: empty(at, bytes),
                    entries: Vec::new(),
                    key: None,
                    seen: HashSet::new(),
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match open.pop() {
                Some(Open::Sequence(mut node, items)) => {
                    node.value = NodeValue::Sequence(items);
                    node
                }
                Some(Open::Mapping {
                    mut node, entries, ..
                }) => {
                    node.value = NodeValue::Mapping(entries);
                    node
                }
                None => return refuse("a collection ends that never began"),
            },
            _ => continue,
        };
        match open.last_mut() {
            None => root = Some(complete),
            Some(Open::Sequence(_, items)) => items.push(complete),
            Some(Open::Mapping {
                entries, key, seen, ..
            }) => match key.take() {
                Some(key) => entries.push((key, complete)),
                None => {
                    let NodeValue::Scalar { text, .. } = &complete.value else {
                        return Err(YamlError {
                            message: "a mapping key must be a scalar".to_owned(),
                            at: complete.at,
                        });
                    };
                    if !seen.insert(text.clone().into_owned()) {
                        return Err(YamlError {
                            message: format!("duplicate mapping key: {text}"),
                            at: complete.at,
                        });
                    }
                    *key = Some(complete);
                }
            },
        }
    }
    Ok(root.unwrap_or(Node {
        value: NodeValue::Scalar {
            text: Cow::Borrowed(""),
            plain: true,
        },
        at: Position { line: 1, column: 1 },
        span: 0..0,
    }))
}

fn empty<'a>(at: Position, span: std::ops::Range<usize>) -> Node<'a> {
    Node {
        value: NodeValue::Sequence(Vec::new()),
        at,
        span,
    }
}

/// What a plain scalar's text means (YAML 1.2 core schema, with YAML 1.1's `yes`/`no`/`y`/`n`/
/// `on`/`off` booleans: the check of enum values warns about those, so they must read as
/// booleans here).
#[derive(Debug, PartialEq)]
pub(super) enum Plain<'t> {
    Null,
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Text(&'t str),
}

pub(super) fn resolve(text: &str) -> Plain<'_> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Plain::Null,
        _ => {}
    }
    for (spellings, value) in [
        (["true", "yes", "y", "on"], true),
        (["false", "no", "n", "off"], false),
    ] {
        if spellings.iter().any(|s| text.eq_ignore_ascii_case(s)) {
            return Plain::Bool(value);
        }
    }
    if let Some(integer) = integer(text) {
        return integer;
    }
    if let Some(float) = float(text) {
        return Plain::Float(float);
    }
    Plain::Text(text)
}

fn integer(text: &str) -> Option<Plain<'_>> {
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (radix, digits) = if let Some(hex) = digits.strip_prefix("0x") {
        (16, hex)
    } else if let Some(octal) = digits.strip_prefix("0o") {
        (8, octal)
    } else {
        (10, digits)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    if !negative {
        return Some(Plain::Unsigned(magnitude));
    }
    0i64.checked_sub_unsigned(magnitude).map(Plain::Signed)
}

fn float(text: &str) -> Option<f64> {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let sign = if text.starts_with('-') { -1.0 } else { 1.0 };
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return Some(sign * f64::INFINITY);
    }
    if matches!(text, ".nan" | ".NaN" | ".NAN") {
        return Some(f64::NAN);
    }
    // `[0-9]*(\.[0-9]*)?([eE][-+]?[0-9]+)?` with at least one digit before the exponent.
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok =
        digits(whole) && digits(fraction) && !(whole.is_empty() && fraction.is_empty());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    if mantissa_ok && exponent_ok {
        text.parse().ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping_keys(node: &Node<'_>) -> Vec<String> {
        let NodeValue::Mapping(entries) = &node.value else {
            panic!("not a mapping: {node:?}")
        };
        entries
            .iter()
            .map(|(k, _)| match &k.value {
                NodeValue::Scalar { text, .. } => text.to_string(),
                _ => unreachable!("keys are scalars"),
            })
            .collect()
    }

    #[test]
    fn reads_a_mapping_with_positions() {
        let root = parse("a: 1\nb:\n  - x\n  - 'y'\n").unwrap();
        assert_eq!(mapping_keys(&root), ["a", "b"]);
        let NodeValue::Mapping(entries) = &root.value else {
            unreachable!()
        };
        assert_eq!(entries[1].0.at, Position { line: 2, column: 1 });
        let NodeValue::Sequence(items) = &entries[1].1.value else {
            panic!("b is a sequence")
        };
        assert_eq!(items[1].at, Position { line: 4, column: 5 });
        assert!(matches!(
            &items[1].value,
            NodeValue::Scalar { plain: false, .. }
        ));
    }

    #[test]
    fn refuses_what_spec_files_never_hold() {
        let cases = [
            ("a: 1\na: 2\n", "duplicate mapping key: a", (2, 1)),
            ("a: &x 1\nb: *x\n", "anchors", (1, 7)),
            ("a: !!int 1\n", "tag `!!int`", (1, 10)),
            ("a: 1\n---\nb: 2\n", "one YAML document", (2, 1)),
            ("? [a]\n: 1\n", "a mapping key must be a scalar", (1, 3)),
        ];
        for (text, message, (line, column)) in cases {
            let error = parse(text).unwrap_err();
            assert!(error.message.contains(message), "{text:?}: {error:?}");
            assert_eq!(error.at, Position { line, column }, "{text:?}");
        }
    }

    #[test]
    fn depth_is_bounded_without_recursion() {
        let error = parse(&format!("{}{}", "[".repeat(100), "]".repeat(100))).unwrap_err();
        assert!(error.message.contains("nested deeper than 64"), "{error:?}");
        // Far deeper, the event parser stops first, at its own limit.
        let error = parse(&"[".repeat(100_000)).unwrap_err();
        assert!(error.message.contains("recursion limit"), "{error:?}");
        let fine = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&fine).is_ok());
    }

    #[test]
    fn plain_scalars_resolve_as_the_core_schema_with_yaml_1_1_booleans() {
        assert_eq!(resolve(""), Plain::Null);
        assert_eq!(resolve("~"), Plain::Null);
        assert_eq!(resolve("Y"), Plain::Bool(true));
        assert_eq!(resolve("off"), Plain::Bool(false));
        assert_eq!(resolve("129"), Plain::Unsigned(129));
        assert_eq!(resolve("-5"), Plain::Signed(-5));
        assert_eq!(resolve("0x1F"), Plain::Unsigned(31));
        assert_eq!(resolve("-9223372036854775808"), Plain::Signed(i64::MIN));
        // Beyond 64 bits an integer's text reads as a float, as serde-saphyr read it.
        assert_eq!(
            resolve("18446744073709551616"),
            Plain::Float(18446744073709551616.0)
        );
        assert_eq!(resolve("1.5"), Plain::Float(1.5));
        assert_eq!(resolve("2e3"), Plain::Float(2000.0));
        assert_eq!(resolve("-.inf"), Plain::Float(f64::NEG_INFINITY));
        assert_eq!(resolve("129-144"), Plain::Text("129-144"));
        assert_eq!(resolve("1.2.3"), Plain::Text("1.2.3"));
        assert_eq!(resolve("e5"), Plain::Text("e5"));
        assert_eq!(resolve("."), Plain::Text("."));
    }
}
