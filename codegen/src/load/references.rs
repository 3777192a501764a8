//! Every `source:` reference of a spec file, read from its located YAML nodes (not the typed
//! model), so that `check` reads each one against its document and `reanchor` can rewrite the
//! bytes of one scalar and nothing else.

use std::ops::Range;

use super::yaml::{self, Node, NodeValue};
use crate::model::{Position, SourceRef};

/// What a reference says its lines hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Cited {
    /// The `original` beside it: the Russian wording, found in the lines after whitespace
    /// normalisation (`...` and `;` separate parts quoted in order).
    Quote(String),
    /// The `printed` beside it: an example block, line for line.
    Printed(String),
    /// Neither: the fingerprint recorded in the reference, if any.
    Fingerprint(Option<u64>),
}

/// One `source:` scalar as written.
#[derive(Clone, Debug)]
pub(crate) struct WrittenRef {
    pub reference: SourceRef,
    /// The document, resolved against the file's own (`document.file`).
    pub document: String,
    pub cited: Cited,
    /// Where the scalar starts, and its bytes in the file (quotes included).
    pub at: Position,
    pub span: Range<usize>,
    /// The key path of what holds the reference (`operations[3].variants[0]`).
    pub path: String,
    /// How messages name it: the key path, and its `id` or `path` when it has one.
    pub owner: String,
}

/// A description, reason or title that cites document lines in prose (`(lines 1388-1536)`),
/// which no tool can follow when the document moves.
#[derive(Clone, Debug)]
pub(crate) struct ProseLineNumber {
    pub at: Position,
    pub key: String,
    pub excerpt: String,
}

#[derive(Debug, Default)]
pub(crate) struct References {
    pub refs: Vec<WrittenRef>,
    pub prose: Vec<ProseLineNumber>,
}

/// Reads the references of one spec file's text. A file that is not YAML has none (the loader
/// reports it); a `source:` that does not parse is skipped here (the loader reports that too).
pub(crate) fn references(text: &str) -> References {
    let mut out = References::default();
    let Ok(root) = yaml::parse(text) else {
        return out;
    };
    let default_document = scalar_at(&root, &["document", "file"]).unwrap_or_default();
    walk(&root, &mut String::new(), &default_document, &mut out);
    out
}

fn scalar<'n>(node: &'n Node<'_>) -> Option<&'n str> {
    match &node.value {
        NodeValue::Scalar { text, .. } => Some(text),
        _ => None,
    }
}

fn entry<'n, 'a>(node: &'n Node<'a>, key: &str) -> Option<&'n Node<'a>> {
    let NodeValue::Mapping(entries) = &node.value else {
        return None;
    };
    entries
        .iter()
        .find(|(k, _)| scalar(k) == Some(key))
        .map(|(_, v)| v)
}

fn scalar_at(node: &Node<'_>, keys: &[&str]) -> Option<String> {
    let mut node = node;
    for key in keys {
        node = entry(node, key)?;
    }
    scalar(node).map(str::to_owned)
}

/// Keys whose text is prose a reader might cite lines in.
const PROSE_KEYS: &[&str] = &["description", "reason", "title", "meaning"];

fn walk(node: &Node<'_>, path: &mut String, default_document: &str, out: &mut References) {
    match &node.value {
        NodeValue::Scalar { .. } => {}
        NodeValue::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                walk(item, path, default_document, out);
                path.truncate(len);
            }
        }
        NodeValue::Mapping(entries) => {
            if let Some(source) = entry(node, "source") {
                written_ref(node, source, path, default_document, out);
            }
            for (key, value) in entries {
                let key = scalar(key).unwrap_or_default();
                if PROSE_KEYS.contains(&key)
                    && let Some(text) = scalar(value)
                    && let Some(excerpt) = prose_line_number(text)
                {
                    out.prose.push(ProseLineNumber {
                        at: value.at,
                        key: key.to_owned(),
                        excerpt,
                    });
                }
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                walk(value, path, default_document, out);
                path.truncate(len);
            }
        }
    }
}

fn written_ref(
    holder: &Node<'_>,
    source: &Node<'_>,
    path: &str,
    default_document: &str,
    out: &mut References,
) {
    let Some(text) = scalar(source) else { return };
    let Ok(reference) = SourceRef::parse(text) else {
        return;
    };
    let cited = if let Some(quote) = entry(holder, "original").and_then(scalar) {
        Cited::Quote(quote.to_owned())
    } else if let Some(printed) = entry(holder, "printed").and_then(scalar) {
        Cited::Printed(printed.to_owned())
    } else {
        Cited::Fingerprint(reference.fingerprint)
    };
    let name = ["id", "path", "code"]
        .iter()
        .find_map(|key| entry(holder, key).and_then(scalar));
    let owner = match name {
        Some(name) => format!("{path} (`{name}`)"),
        None if path.is_empty() => "the file".to_owned(),
        None => path.to_owned(),
    };
    out.refs.push(WrittenRef {
        document: reference.file_or(default_document).to_owned(),
        reference,
        cited,
        at: source.at,
        span: source.span.clone(),
        path: path.to_owned(),
        owner,
    });
}

/// `line 153`, `lines 1558-1563`, `(line 99)`: the first such mention, as a short excerpt.
pub fn prose_line_number(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    for word in ["lines ", "line "] {
        let mut from = 0;
        while let Some(found) = lower[from..].find(word) {
            let start = from + found;
            let after = start + word.len();
            let preceded_by_letter = lower[..start]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric);
            if !preceded_by_letter && lower[after..].starts_with(|c: char| c.is_ascii_digit()) {
                let end = lower[after..]
                    .find(|c: char| !(c.is_ascii_digit() || c == '-'))
                    .map_or(lower.len(), |i| after + i);
                return Some(lower[start..end].to_owned());
            }
            from = after;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_reference_with_what_it_cites_and_its_bytes() {
        let text = "kind: document\ndocument:\n  file: a.txt\noperations:\n  - id: op\n    source: \"3-4@00000000000a\"\n    params:\n      - path: x\n        original: слово\n        source: 7\n      - path: y\n        source: \"b.txt:2\"\n";
        let found = references(text);
        let refs = &found.refs;
        assert_eq!(refs.len(), 3);
        assert_eq!(refs[0].cited, Cited::Fingerprint(Some(10)));
        assert_eq!(refs[0].owner, "operations[0] (`op`)");
        assert_eq!(&text[refs[0].span.clone()], "\"3-4@00000000000a\"");
        assert_eq!(refs[1].cited, Cited::Quote("слово".into()));
        assert_eq!(&text[refs[1].span.clone()], "7");
        assert_eq!(refs[1].document, "a.txt");
        assert_eq!(refs[2].document, "b.txt");
        assert_eq!(refs[2].owner, "operations[0].params[1] (`y`)");
        assert_eq!(
            refs[2].at,
            Position {
                line: 12,
                column: 17
            }
        );
    }

    #[test]
    fn line_numbers_in_prose_are_found() {
        assert_eq!(
            prose_line_number("Printed twice (lines 169-267)."),
            Some("lines 169-267".into())
        );
        assert_eq!(
            prose_line_number("A comma (line 153)."),
            Some("line 153".into())
        );
        assert_eq!(prose_line_number("the first line of the address"), None);
        assert_eq!(prose_line_number("an airline 5"), None);
    }
}
