//! The whole pipeline behind one facade, [`Generator`]: load and check a spec, build its IR,
//! emit Rust, JSON Schemas or OpenAPI, or compare two specs. `ecommpay-api/build.rs` and the
//! `ecommpay-codegen` binary both go through here.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::emit::rust::GeneratedFile;
use crate::error::{Error, GitError};
use crate::ir::Ir;
use crate::load::LoadedSpec;

/// The generator over one spec: a directory, files given as text, or (for `diff`) a directory
/// of a git revision. Each call reads the spec anew; [`Generator::check`] gives a [`Checked`]
/// spec to emit several outputs from one reading.
///
/// ```
/// use ecommpay_codegen::Generator;
///
/// # let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/valid");
/// let generator = Generator::from_dir(spec);
/// let checked = generator.check(None)?; // `Error::Invalid` lists every problem
/// for warning in checked.warnings.iter() {
///     eprintln!("{warning}");
/// }
/// let files = checked.rust()?; // `mod.rs` and one file a module, formatted
/// assert!(files.iter().any(|file| file.name == "wallet.rs"));
/// # Ok::<(), ecommpay_codegen::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Generator {
    source: Source,
}

#[derive(Clone, Debug)]
enum Source {
    Dir(PathBuf),
    /// Files as `ecommpay-api`'s build script has them: named as in `spec/`.
    Files(Vec<(PathBuf, String)>),
    /// The spec directory `dir` at git revision `revision`, read when the spec is.
    Git {
        revision: String,
        dir: String,
    },
}

impl Generator {
    /// The spec directory `dir` (`spec/`): `common.yaml` and one file a document.
    pub fn from_dir(dir: impl Into<PathBuf>) -> Self {
        Generator {
            source: Source::Dir(dir.into()),
        }
    }

    /// Spec files given as `(name, text)`, checked exactly as a spec directory is; diagnostics
    /// name them `spec/NAME`.
    pub fn from_sources<'a>(sources: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let dir = Path::new("spec");
        let files = sources
            .into_iter()
            .map(|(name, text)| (dir.join(name), text.to_owned()))
            .collect();
        Generator {
            source: Source::Files(files),
        }
    }

    /// A spec directory, or `REV:DIR` for the spec directory `DIR` of git revision `REV`
    /// (`HEAD~1:spec`), as `ecommpay-codegen diff` names its two specs.
    pub fn from_location(location: &str) -> Result<Self, Error> {
        if Path::new(location).is_dir() {
            return Ok(Generator::from_dir(location));
        }
        match location.split_once(':') {
            Some((revision, dir)) => Ok(Generator {
                source: Source::Git {
                    revision: revision.to_owned(),
                    dir: dir.trim_end_matches('/').to_owned(),
                },
            }),
            None => Err(Error::UnknownLocation {
                location: location.to_owned(),
            }),
        }
    }

    /// The spec as loaded: every file that parses, and what the loader reported (a file that
    /// does not parse is left out, never half-read). Fails only when nothing can be read.
    pub(crate) fn load(&self) -> Result<LoadedSpec, Error> {
        match &self.source {
            Source::Dir(dir) => Ok(crate::load::load_dir(dir)?),
            Source::Files(files) => Ok(crate::load::load_sources(
                Path::new("spec"),
                files.iter().cloned(),
            )),
            Source::Git { revision, dir } => {
                let files = git_spec_files(revision, dir).map_err(|source| Error::Git {
                    location: format!("{revision}:{dir}"),
                    source,
                })?;
                Ok(crate::load::load_sources(
                    Path::new(&format!("{revision}:{dir}")),
                    files,
                ))
            }
        }
    }

    /// Loads and checks the spec (with `seeds`, every `source:` is read against the vendor
    /// documents in that directory) and builds its IR; warnings do not stop it.
    pub fn check(&self, seeds: Option<&Path>) -> Result<Checked, Error> {
        let spec = self.load()?;
        match diagnose(&spec, seeds) {
            (warnings, Some(ir)) if !warnings.has_errors() => Ok(Checked { spec, ir, warnings }),
            (diagnostics, _) => Err(Error::Invalid {
                diagnostics: diagnostics.sorted(),
            }),
        }
    }

    /// Every problem of the spec, errors and warnings, sorted by file and line, whether or not
    /// they stop generation (with `seeds`, the checks against the vendor documents too): what a
    /// maintainer's tool lists. Fails only when the spec cannot be read at all.
    pub fn diagnostics(&self, seeds: Option<&Path>) -> Result<Vec<Diagnostic>, Error> {
        Ok(diagnose(&self.load()?, seeds).0.sorted())
    }

    /// Rewrites each `source:` reference whose text only moved in its vendor document (in
    /// `seeds`) to where it now stands, and records the fingerprint of references that have
    /// none; the new texts are returned to write back, every other byte of the files kept.
    /// Files that do not parse are left as they are (and named).
    #[cfg(feature = "checks")]
    pub fn reanchor(&self, seeds: &Path) -> Result<crate::check::sources::Reanchored, Error> {
        Ok(crate::check::sources::reanchor(&self.load()?, seeds))
    }

    /// The spec's statistics table (`spec/README.md`), and with `seeds` how each document's
    /// lines are accounted for.
    #[cfg(feature = "checks")]
    pub fn stats(&self, seeds: Option<&Path>) -> Result<Stats, Error> {
        let spec = self.load()?;
        let accounting = seeds
            .map(|seeds| crate::check::sources::accounting(&spec, seeds))
            .filter(|rows| !rows.is_empty())
            .map(|rows| crate::stats::render_accounting(&rows));
        Ok(Stats {
            table: crate::stats::render_table(&crate::stats::collect(&spec)),
            accounting,
            diagnostics: spec.diagnostics.sorted(),
        })
    }

    /// The generated Rust files for `ecommpay-api`, of a checked spec.
    pub fn rust(&self) -> Result<Vec<GeneratedFile>, Error> {
        self.check(None)?.rust()
    }

    /// The callback examples table of `ecommpay-mock` (`emit::examples`). The spec is loaded
    /// only, not checked: `ecommpay-api`'s build checks the same embedded files.
    pub fn callback_examples(&self) -> Result<String, Error> {
        let spec = self.load()?;
        if spec.diagnostics.has_errors() {
            return Err(Error::Invalid {
                diagnostics: spec.diagnostics.sorted(),
            });
        }
        crate::emit::examples::callback_examples(&spec).map_err(|message| Error::Emit { message })
    }

    /// The JSON Schemas of every operation and their index, of a checked spec.
    #[cfg(feature = "schemas")]
    pub fn schemas(&self) -> Result<Schemas, Error> {
        Ok(self.check(None)?.schemas())
    }

    /// The OpenAPI 3.1 document of a checked spec.
    #[cfg(feature = "schemas")]
    pub fn openapi(&self) -> Result<serde_json::Value, Error> {
        Ok(self.check(None)?.openapi())
    }

    /// Every semantic change from this spec to `new`, breaking or compatible for users. Both
    /// are built without their checks: the diff compares what users see, whether or not the
    /// examples still agree.
    #[cfg(feature = "checks")]
    pub fn diff(&self, new: &Generator) -> Result<Vec<crate::diff::Change>, Error> {
        Ok(crate::diff::diff(
            &self.unchecked_ir()?,
            &new.unchecked_ir()?,
        ))
    }

    /// The IR of a spec built without its checks, for [`Generator::diff`].
    pub(crate) fn unchecked_ir(&self) -> Result<Ir, Error> {
        let loaded = self.load()?;
        if loaded.diagnostics.has_errors() {
            return Err(Error::Invalid {
                diagnostics: loaded.diagnostics.sorted(),
            });
        }
        crate::ir::build_for_diff(&loaded).map_err(|d| Error::Invalid {
            diagnostics: d.sorted(),
        })
    }
}

/// A spec that passed every check, with its IR: what every output is emitted from.
#[derive(Debug)]
pub struct Checked {
    pub(crate) spec: LoadedSpec,
    pub(crate) ir: Ir,
    /// What the checks reported that does not stop generation.
    pub warnings: Diagnostics,
}

impl Checked {
    /// How many spec files were read.
    pub fn file_count(&self) -> usize {
        self.spec.files.len()
    }

    /// The generated Rust files for `ecommpay-api`.
    pub fn rust(&self) -> Result<Vec<GeneratedFile>, Error> {
        crate::emit::rust::emit(&self.ir).map_err(|message| Error::Emit { message })
    }

    /// The JSON Schemas (draft 2020-12) of every operation and their index.
    #[cfg(feature = "schemas")]
    pub fn schemas(&self) -> Schemas {
        let (files, index) = crate::emit::schema::emit(&self.ir);
        Schemas { files, index }
    }

    /// The OpenAPI 3.1 document: Gate paths, Payment Page, callbacks and webhooks.
    #[cfg(feature = "schemas")]
    pub fn openapi(&self) -> serde_json::Value {
        crate::emit::openapi::emit(&self.ir, &self.schemas().files)
    }
}

/// A spec's statistics, as text ([`Generator::stats`]).
#[cfg(feature = "checks")]
#[derive(Clone, Debug)]
pub struct Stats {
    /// One row a document: operations, fields, rules, examples, references.
    pub table: String,
    /// With seeds: each document's lines with text, and how many the spec cites or waives.
    pub accounting: Option<String>,
    /// What the loader reported (files that do not parse are left out of the counts).
    pub diagnostics: Vec<Diagnostic>,
}

/// The JSON Schemas of a spec's operations.
#[cfg(feature = "schemas")]
#[derive(Clone, Debug)]
pub struct Schemas {
    /// One file an operation, `OPERATION_ID.json`.
    pub files: Vec<crate::emit::schema::SchemaFile>,
    /// `index.json`: every operation's schema file and interface.
    pub index: serde_json::Value,
}

#[cfg(feature = "schemas")]
impl Schemas {
    /// Each file as written, `index.json` last: name and pretty JSON.
    pub fn to_files(&self) -> Vec<(&str, String)> {
        let mut files: Vec<(&str, String)> = self
            .files
            .iter()
            .map(|f| (f.file_name.as_str(), pretty_json(&f.schema)))
            .collect();
        files.push(("index.json", pretty_json(&self.index)));
        files
    }
}

/// Every problem of a loaded spec: the checks, then, when they pass, what only building the IR
/// shows (a param narrowing an inherited field to values of the wrong type). The IR is built once
/// and returned when nothing stops it.
pub(crate) fn diagnose(spec: &LoadedSpec, seeds: Option<&Path>) -> (Diagnostics, Option<Ir>) {
    #[cfg(feature = "checks")]
    let mut diagnostics = crate::check::check_spec(spec, seeds);
    // Without the checks (the build script), what the loader and the IR builder report.
    #[cfg(not(feature = "checks"))]
    let mut diagnostics = {
        let _ = seeds;
        spec.diagnostics.clone()
    };
    if diagnostics.has_errors() {
        return (diagnostics, None);
    }
    match crate::ir::build(spec) {
        Ok(ir) => (diagnostics, Some(ir)),
        Err(problems) => {
            diagnostics.extend(problems);
            (diagnostics, None)
        }
    }
}

/// The `*.yaml` files directly in `dir` at git revision `revision`, in the loader's order.
fn git_spec_files(revision: &str, dir: &str) -> Result<Vec<(PathBuf, String)>, GitError> {
    let git = |args: &[&str]| -> Result<String, GitError> {
        let command = args.join(" ");
        let output = std::process::Command::new("git")
            .args(args)
            .output()
            .map_err(GitError::CannotRun)?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr).trim().to_owned();
            return Err(GitError::Failed { command, stderr });
        }
        String::from_utf8(output.stdout).map_err(|_| GitError::NotUtf8 { command })
    };
    let listing = git(&["ls-tree", "--name-only", &format!("{revision}:{dir}")])?;
    let mut names: Vec<&str> = listing.lines().filter(|n| n.ends_with(".yaml")).collect();
    names.sort_by_key(|n| (*n != "common.yaml", *n));
    if names.is_empty() {
        return Err(GitError::NoSpecFiles {
            revision: revision.to_owned(),
            dir: dir.to_owned(),
        });
    }
    names
        .into_iter()
        .map(|name| {
            let text = git(&["show", &format!("{revision}:{dir}/{name}")])?;
            Ok((Path::new(dir).join(name), text))
        })
        .collect()
}

/// Writes files into `dir`, leaving unchanged files untouched (their timestamps too).
pub fn write_files<'a>(
    dir: &Path,
    files: impl IntoIterator<Item = (&'a str, String)>,
) -> Result<(), Error> {
    let failed = |path: &Path| {
        let path = path.to_owned();
        move |source| Error::Write { path, source }
    };
    std::fs::create_dir_all(dir).map_err(failed(dir))?;
    for (name, contents) in files {
        let path = dir.join(name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(contents.as_str()) {
            std::fs::write(&path, contents).map_err(failed(&path))?;
        }
    }
    Ok(())
}

/// Pretty JSON with a final newline, as the schemas are written.
#[cfg(any(feature = "checks", feature = "schemas", feature = "schemars"))]
pub fn pretty_json(value: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("\"{e}\""));
    text.push('\n');
    text
}
