//! Reading the spec directory: every `*.yaml` file directly in it, parsed into the model with
//! duplicate keys and unknown keys rejected and every problem located.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{FileKind, Position, SpecFile};

/// The spec cannot be read at all (exit code 2), as opposed to a spec with problems.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read the spec directory {}: {source}", dir.display())]
    Directory {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read {}: {source}", path.display())]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no spec files (*.yaml) in {}", dir.display())]
    Empty { dir: PathBuf },
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
    pub dir: PathBuf,
    pub files: Vec<LoadedFile>,
    pub diagnostics: Diagnostics,
}

/// Lists the spec files of `dir`: `*.yaml` directly in it, `common.yaml` first, then by name.
pub fn spec_files(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
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
pub fn load_sources(
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

/// Parses one spec file. Duplicated keys are errors (serde-saphyr's default policy), as are
/// unknown keys (`deny_unknown_fields` throughout the model).
pub fn parse_file(display_name: &str, text: &str) -> Result<SpecFile, Diagnostic> {
    serde_saphyr::from_str::<SpecFile>(text).map_err(|error| {
        let at = error
            .location()
            .map(|l| Position {
                line: u32::try_from(l.line()).unwrap_or(u32::MAX),
                column: u32::try_from(l.column()).unwrap_or(u32::MAX),
            })
            .unwrap_or(Position::UNKNOWN);
        let mut diagnostic = Diagnostic::error(
            display_name,
            at,
            bare_message(&error.without_snippet().to_string()),
        );
        let rendered = error.render_with_options(serde_saphyr::render_options! {
            source_name: Some(display_name),
        });
        diagnostic.detail = rendered.split_once('\n').map(|(_, rest)| rest.to_owned());
        diagnostic
    })
}

/// serde-saphyr decorates its messages with the location (`error: line N column M: ...`, or
/// `... at line N, column M`) and, for duplicate keys, advice meant for library users. The
/// diagnostic carries the location itself and speaks to people editing the spec.
fn bare_message(message: &str) -> String {
    let first_line = message.lines().next().unwrap_or(message);
    let mut text = first_line.strip_prefix("error: ").unwrap_or(first_line);
    if let Some(after) = text.strip_prefix("line ")
        && let Some((location, rest)) = after.split_once(": ")
        && location.contains(" column ")
    {
        text = rest;
    }
    if let Some((before, location)) = text.rsplit_once(" at line ")
        && location.contains(", column ")
        && location
            .bytes()
            .all(|b| b.is_ascii_digit() || b", column".contains(&b))
    {
        text = before;
    }
    let text = text
        .strip_suffix(", set DuplicateKeyPolicy in Options if acceptable")
        .unwrap_or(text);
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_the_location_prefix() {
        assert_eq!(
            bare_message("error: line 5 column 3: duplicate mapping key: a"),
            "duplicate mapping key: a"
        );
        assert_eq!(bare_message("plain"), "plain");
        assert_eq!(
            bare_message("illegal placement of ':' indicator at line 18, column 11"),
            "illegal placement of ':' indicator"
        );
        assert_eq!(
            bare_message(
                "duplicate mapping key: title, set DuplicateKeyPolicy in Options if acceptable at line 43, column 5"
            ),
            "duplicate mapping key: title"
        );
    }
}
