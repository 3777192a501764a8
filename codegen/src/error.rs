//! Why the generator stopped, each kind saying what and where.

use std::path::PathBuf;

use crate::diagnostics::{Diagnostic, Severity};
use crate::load::LoadError;

/// Why a [`Generator`](crate::Generator) stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The spec cannot be read at all: its directory or a file (the CLI exits 2).
    #[error(transparent)]
    Unreadable(#[from] LoadError),
    /// The spec has problems, each at its `file:line:column`, warnings included (exit 1).
    #[error("{}", invalid_summary(diagnostics))]
    Invalid {
        /// Sorted by file and position.
        diagnostics: Vec<Diagnostic>,
    },
    /// The Rust emitter failed: a bug in the generator, reported rather than panicking.
    #[error("cannot emit the Rust code: {message}")]
    Emit {
        /// What the emitter could not do.
        message: String,
    },
    /// A spec named as `REV:DIR` could not be read from git.
    #[error("{location}: {source}")]
    Git {
        /// The spec as named: `REV:DIR`.
        location: String,
        /// What git did.
        source: GitError,
    },
    /// A spec named by something that is neither a directory nor `REV:DIR`.
    #[error(
        "{location} is neither a spec directory nor a git revision and directory (`HEAD~1:spec`)"
    )]
    UnknownLocation {
        /// The name as given.
        location: String,
    },
    /// A generated file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why the system refused.
        source: std::io::Error,
    },
}

impl Error {
    /// The problems of an invalid spec, errors and warnings; none for the other kinds.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Invalid { diagnostics } => diagnostics,
            _ => &[],
        }
    }
}

/// Every diagnostic on its line, then how many are errors.
fn invalid_summary(diagnostics: &[Diagnostic]) -> String {
    let mut text = String::new();
    for diagnostic in diagnostics {
        text.push_str(&diagnostic.to_string());
        text.push('\n');
    }
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    text.push_str(&format!("{errors} error(s) in the spec"));
    text
}

/// Why the spec files of a git revision could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GitError {
    /// `git` itself did not start.
    #[error("cannot run git: {0}")]
    CannotRun(#[source] std::io::Error),
    /// `git` ran and failed (an unknown revision, a directory not in it).
    #[error("`git {command}` failed: {stderr}")]
    Failed {
        /// The arguments after `git`.
        command: String,
        /// What git printed on its error output, trimmed.
        stderr: String,
    },
    /// A file of the revision is not UTF-8.
    #[error("`git {command}` printed text that is not UTF-8")]
    NotUtf8 {
        /// The arguments after `git`.
        command: String,
    },
    /// The revision's directory holds no `*.yaml` file.
    #[error("no spec files (*.yaml) in {dir} at {revision}")]
    NoSpecFiles {
        /// The git revision.
        revision: String,
        /// The directory in it.
        dir: String,
    },
}
