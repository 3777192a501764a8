//! Reading the spec directory: every `*.yaml` file directly in it, parsed into the model with
//! duplicate keys and unknown keys rejected and every problem located.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics};
use serde::Deserialize;

use crate::model::{FileKind, Position, SpecFile};

mod de;
// Where the spec cites the documents: what `check` and `reanchor` read.
#[cfg(feature = "checks")]
pub(crate) mod references;
mod yaml;

/// The spec cannot be read at all (exit code 2), as opposed to a spec with problems.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The directory cannot be listed.
    #[error("cannot read the spec directory {}: {source}", dir.display())]
    Directory {
        /// The spec directory.
        dir: PathBuf,
        /// Why the system refused.
        source: std::io::Error,
    },
    /// A spec file cannot be read (a file that reads but does not parse is a diagnostic).
    #[error("cannot read {}: {source}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// Why the system refused.
        source: std::io::Error,
    },
    /// The directory holds no spec file.
    #[error("no spec files (*.yaml) in {}", dir.display())]
    Empty {
        /// The spec directory.
        dir: PathBuf,
    },
}

/// One parsed spec file with its text, kept for diagnostics and for `printed` comparisons.
#[derive(Debug)]
pub struct LoadedFile {
    /// How diagnostics name the file (`spec/astropay.yaml`).
    pub display_name: String,
    pub path: PathBuf,
    pub text: String,
    pub content: SpecFile,
}

impl LoadedFile {
    pub fn is_common(&self) -> bool {
        self.content.kind == FileKind::Common
    }

    /// The vendor document this file transcribes (document files only).
    pub fn document_file(&self) -> &str {
        self.content
            .document
            .as_ref()
            .map(|d| d.file.as_str())
            .unwrap_or("")
    }
}

/// The spec as loaded: every file that parsed, and diagnostics for those that did not.
#[derive(Debug)]
pub struct LoadedSpec {
    /// The spec directory, or `spec` for files given as text.
    pub dir: PathBuf,
    /// `common.yaml` first, then the document files by name.
    pub files: Vec<LoadedFile>,
    /// What the loader reported: files that did not parse, with where.
    pub diagnostics: Diagnostics,
}

/// Lists the spec files of `dir`: `*.yaml` directly in it, `common.yaml` first, then by name.
pub(crate) fn spec_files(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let entries = std::fs::read_dir(dir).map_err(|source| LoadError::Directory {
        dir: dir.to_owned(),
        source,
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| LoadError::Directory {
            dir: dir.to_owned(),
            source,
        })?;
        let path = entry.path();
        if path.is_file() && path.extension().is_some_and(|e| e == "yaml") {
            files.push(path);
        }
    }
    files.sort_by_key(|p| (p.file_name() != Some("common.yaml".as_ref()), p.clone()));
    if files.is_empty() {
        return Err(LoadError::Empty {
            dir: dir.to_owned(),
        });
    }
    Ok(files)
}

/// Loads every spec file of `dir`. Parse problems become diagnostics; only an unreadable
/// directory or file is an error.
pub fn load_dir(dir: &Path) -> Result<LoadedSpec, LoadError> {
    let mut sources = Vec::new();
    for path in spec_files(dir)? {
        let text = std::fs::read_to_string(&path).map_err(|source| LoadError::File {
            path: path.clone(),
            source,
        })?;
        sources.push((path, text));
    }
    Ok(load_sources(dir, sources))
}

/// Loads spec files given as `(path, text)`, in the loader's order (`common.yaml` first), as
/// `ecommpay-api`'s build script does with the embedded spec. Diagnostics name each file by its
/// path.
pub(crate) fn load_sources(
    dir: &Path,
    sources: impl IntoIterator<Item = (PathBuf, String)>,
) -> LoadedSpec {
    let mut files = Vec::new();
    let mut diagnostics = Diagnostics::default();
    for (path, text) in sources {
        let display_name = path.display().to_string();
        match parse_file(&display_name, &text) {
            Ok(content) => files.push(LoadedFile {
                display_name,
                path,
                text,
                content,
            }),
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    LoadedSpec {
        dir: dir.to_owned(),
        files,
        diagnostics,
    }
}

/// Parses one spec file. Duplicated keys are errors, as are unknown keys (`deny_unknown_fields`
/// throughout the model).
pub(crate) fn parse_file(display_name: &str, text: &str) -> Result<SpecFile, Diagnostic> {
    let located = |message: String, at: Position| {
        let mut diagnostic = Diagnostic::error(display_name, at, message);
        diagnostic.detail = snippet(display_name, text, at);
        diagnostic
    };
    let root = yaml::parse(text).map_err(|e| located(e.message, e.at))?;
    SpecFile::deserialize(de::NodeDeserializer::new(&root))
        .map_err(|e| located(e.message, e.at.unwrap_or(root.at)))
}

/// The source line under a diagnostic's headline, with a caret at its column:
///
/// ```text
///   --> spec/wallet.yaml:43:5
///    |
/// 43 |     title: Sale notification
///    |     ^
/// ```
fn snippet(display_name: &str, text: &str, at: Position) -> Option<String> {
    let index = usize::try_from(at.line).ok()?.checked_sub(1)?;
    let line = text.lines().nth(index)?;
    // A very long line is cut: the headline names the place, the snippet only shows it.
    let shown: String = line.chars().take(160).collect();
    let number = at.line.to_string();
    let gutter = " ".repeat(number.len());
    let column = usize::try_from(at.column).unwrap_or(1).max(1);
    let caret_pad: String = shown
        .chars()
        .take(column - 1)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    Some(format!(
        "{gutter}--> {display_name}:{}:{}\n{gutter} |\n{number} | {shown}\n{gutter} | {caret_pad}^",
        at.line, at.column
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snippet_shows_the_line_and_points_at_the_column() {
        let text = "kind: document\nmethod:\n  title: x\n";
        let shown = snippet("spec/a.yaml", text, Position { line: 3, column: 3 }).unwrap();
        assert_eq!(shown, " --> spec/a.yaml:3:3\n  |\n3 |   title: x\n  |   ^");
        assert_eq!(snippet("a", text, Position::UNKNOWN), None);
        assert_eq!(snippet("a", text, Position { line: 9, column: 1 }), None);
    }

    #[test]
    fn a_file_is_read_whole_or_not_at_all() {
        let error = parse_file("a.yaml", "kind: common\nfacts: []\nkind: document\n").unwrap_err();
        assert_eq!(
            error.to_string().lines().next().unwrap(),
            "a.yaml:3:1: duplicate mapping key: kind"
        );
        let error = parse_file("a.yaml", "kind: commn\n").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("a.yaml:1:7: unknown variant `commn`"),
            "{error}"
        );
        let error = parse_file("a.yaml", "").unwrap_err();
        assert!(error.to_string().starts_with("a.yaml:1:1: "), "{error}");
    }
}
