//! Located problems in the spec: `file:line:column: message`.

use std::fmt;

pub use crate::model::Position;

/// Whether a problem stops generation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The spec is wrong: nothing is generated from it.
    Error,
    /// Worth a look (a rule the documents do not settle, a value a narrowing has not decided);
    /// generation goes on.
    Warning,
}

/// One problem of the spec, at its place in a spec file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Whether it stops generation.
    pub severity: Severity,
    /// The spec file, as a path relative to the working directory or the spec directory.
    pub file: String,
    /// Where in the file; [`Position::UNKNOWN`] for a problem of the spec as a whole.
    pub at: Position,
    /// What is wrong, and what to do when it is not obvious.
    pub message: String,
    /// Extra lines (a source snippet) printed under the headline.
    pub detail: Option<String>,
}

impl Diagnostic {
    pub(crate) fn error(file: impl Into<String>, at: Position, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            at,
            message: message.into(),
            detail: None,
        }
    }

    #[cfg(feature = "checks")]
    pub(crate) fn warning(
        file: impl Into<String>,
        at: Position,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, at, message)
        }
    }

    /// A diagnostic about the spec as a whole (a count across files), printed without a place.
    #[cfg(feature = "checks")]
    pub(crate) fn summary(message: impl Into<String>) -> Self {
        Diagnostic::error("", Position::UNKNOWN, message)
    }

    /// The headline without the snippet.
    pub fn headline(&self) -> String {
        let level = match self.severity {
            Severity::Error => "",
            Severity::Warning => "warning: ",
        };
        if self.file.is_empty() && self.at == Position::UNKNOWN {
            return format!("{level}{}", self.message);
        }
        format!(
            "{}:{}:{}: {level}{}",
            self.file, self.at.line, self.at.column, self.message
        )
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline())?;
        if let Some(detail) = &self.detail {
            write!(f, "\n{detail}")?;
        }
        Ok(())
    }
}

/// Diagnostics collected by the loader and the checks, in a stable order.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub(crate) fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub(crate) fn error(&mut self, file: &str, at: Position, message: impl Into<String>) {
        self.push(Diagnostic::error(file, at, message));
    }

    #[cfg(feature = "checks")]
    pub(crate) fn warning(&mut self, file: &str, at: Position, message: impl Into<String>) {
        self.push(Diagnostic::warning(file, at, message));
    }

    pub(crate) fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// Whether any of them stops generation.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// How many stop generation.
    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// Whether nothing was reported, not even a warning.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorted by file and position, so output does not depend on the order checks ran in.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.items
            .sort_by(|a, b| (&a.file, a.at, &a.message).cmp(&(&b.file, b.at, &b.message)));
        self.items.dedup();
        self.items
    }

    /// In the order they were reported; [`Diagnostics::sorted`] for output.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
}
