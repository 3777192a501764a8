//! The whole pipeline as functions: load and check, build the IR, emit Rust or schemas.
//! `ecommpay-api/build.rs` and the `ecommpay-codegen` binary both go through here.

use std::fmt;
use std::path::Path;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::emit::rust::GeneratedFile;
use crate::ir::Ir;
use crate::load::{LoadError, LoadedSpec};

/// Why the pipeline stopped.
#[derive(Debug)]
pub enum Failure {
    /// The spec cannot be read (exit code 2).
    Unreadable(LoadError),
    /// The spec has problems (exit code 1).
    Invalid(Vec<Diagnostic>),
    /// Emission failed (a bug in the generator, reported rather than panicking).
    Emit(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Unreadable(e) => write!(f, "error: {e}"),
            Failure::Invalid(diagnostics) => {
                for d in diagnostics {
                    writeln!(f, "{d}")?;
                }
                write!(f, "{} problem(s) in the spec", diagnostics.len())
            }
            Failure::Emit(message) => write!(f, "error: {message}"),
        }
    }
}

impl Failure {
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Unreadable(_) => 2,
            Failure::Invalid(_) | Failure::Emit(_) => 1,
        }
    }
}

/// A spec that passed every check, with its IR.
#[derive(Debug)]
pub struct Checked {
    pub spec: LoadedSpec,
    pub ir: Ir,
    /// What the checks reported that does not stop generation.
    pub warnings: Diagnostics,
}

/// Every problem of a loaded spec: the checks, then, when they pass, what only building the IR
/// shows (a param narrowing an inherited field to values of the wrong type). The IR is built once
/// and returned when nothing stops it.
pub fn diagnose(spec: &LoadedSpec, seeds: Option<&Path>) -> (Diagnostics, Option<Ir>) {
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

/// Loads the spec directory, checks it and builds its IR; warnings do not stop it.
pub fn load_checked(spec_dir: &Path, seeds: Option<&Path>) -> Result<Checked, Failure> {
    let loaded = crate::load::load_dir(spec_dir).map_err(Failure::Unreadable)?;
    checked(loaded, seeds)
}

fn checked(spec: LoadedSpec, seeds: Option<&Path>) -> Result<Checked, Failure> {
    match diagnose(&spec, seeds) {
        (warnings, Some(ir)) if !warnings.has_errors() => Ok(Checked { spec, ir, warnings }),
        (diagnostics, _) => Err(Failure::Invalid(diagnostics.sorted())),
    }
}

/// The generated Rust files for `ecommpay-api`.
pub fn generate_rust(spec_dir: &Path) -> Result<Vec<GeneratedFile>, Failure> {
    let checked = load_checked(spec_dir, None)?;
    crate::emit::rust::emit(&checked.ir).map_err(Failure::Emit)
}

/// The generated Rust files for `ecommpay-api` from spec files given as `(name, text)`, as its
/// build script has them: checked exactly as a spec directory is.
pub fn generate_rust_from_sources<'a>(
    sources: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Vec<GeneratedFile>, Failure> {
    let dir = Path::new("spec");
    let loaded = crate::load::load_sources(
        dir,
        sources
            .into_iter()
            .map(|(name, text)| (dir.join(name), text.to_owned())),
    );
    let checked = checked(loaded, None)?;
    crate::emit::rust::emit(&checked.ir).map_err(Failure::Emit)
}

/// The callback examples table for `ecommpay-mock` (`emit::examples`) from spec files given as
/// `(name, text)`, as its build script has them. The spec is loaded only: `ecommpay-api`'s build
/// checks the same embedded files.
pub fn callback_examples_from_sources<'a>(
    sources: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<String, Failure> {
    let dir = Path::new("spec");
    let loaded = crate::load::load_sources(
        dir,
        sources
            .into_iter()
            .map(|(name, text)| (dir.join(name), text.to_owned())),
    );
    if loaded.diagnostics.has_errors() {
        return Err(Failure::Invalid(loaded.diagnostics.sorted()));
    }
    crate::emit::examples::callback_examples(&loaded).map_err(Failure::Emit)
}

/// The JSON Schemas and their index.
#[cfg(feature = "schemas")]
pub fn generate_schemas(
    spec_dir: &Path,
) -> Result<(Vec<crate::emit::schema::SchemaFile>, serde_json::Value), Failure> {
    let checked = load_checked(spec_dir, None)?;
    Ok(crate::emit::schema::emit(&checked.ir))
}

/// The OpenAPI 3.1 document of the spec.
#[cfg(feature = "schemas")]
pub fn generate_openapi(spec_dir: &Path) -> Result<serde_json::Value, Failure> {
    let checked = load_checked(spec_dir, None)?;
    let (schemas, _) = crate::emit::schema::emit(&checked.ir);
    Ok(crate::emit::openapi::emit(&checked.ir, &schemas))
}

/// The IR of a spec, built without its checks (the semantic diff compares what users see,
/// whether or not the examples still agree). `source` is a spec directory, or `REV:DIR` for the
/// spec directory `DIR` of git revision `REV` (`HEAD~1:spec`).
pub fn unchecked_ir(source: &str) -> Result<Ir, Failure> {
    let path = Path::new(source);
    let loaded = if path.is_dir() {
        crate::load::load_dir(path).map_err(Failure::Unreadable)?
    } else if let Some((rev, dir)) = source.split_once(':') {
        let files =
            git_spec_files(rev, dir).map_err(|e| Failure::Emit(format!("{source}: {e}")))?;
        crate::load::load_sources(Path::new(source), files)
    } else {
        return Err(Failure::Emit(format!(
            "{source} is neither a spec directory nor a git revision and directory (`HEAD~1:spec`)"
        )));
    };
    if loaded.diagnostics.has_errors() {
        return Err(Failure::Invalid(loaded.diagnostics.sorted()));
    }
    crate::ir::build_for_diff(&loaded).map_err(|d| Failure::Invalid(d.sorted()))
}

/// The `*.yaml` files directly in `dir` at git revision `rev`, in the loader's order.
fn git_spec_files(rev: &str, dir: &str) -> Result<Vec<(std::path::PathBuf, String)>, String> {
    let git = |args: &[&str]| -> Result<String, String> {
        let output = std::process::Command::new("git")
            .args(args)
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(format!("git {}: {}", args.join(" "), stderr.trim()));
        }
        String::from_utf8(output.stdout).map_err(|_| "git printed text that is not UTF-8".into())
    };
    let dir = dir.trim_end_matches('/');
    let listing = git(&["ls-tree", "--name-only", &format!("{rev}:{dir}")])?;
    let mut names: Vec<&str> = listing.lines().filter(|n| n.ends_with(".yaml")).collect();
    names.sort_by_key(|n| (*n != "common.yaml", *n));
    if names.is_empty() {
        return Err(format!("no spec files (*.yaml) in {dir} at {rev}"));
    }
    names
        .into_iter()
        .map(|name| {
            let text = git(&["show", &format!("{rev}:{dir}/{name}")])?;
            Ok((Path::new(dir).join(name), text))
        })
        .collect()
}

/// Writes files into `dir`, leaving unchanged files untouched (their timestamps too).
pub fn write_files<'a>(
    dir: &Path,
    files: impl IntoIterator<Item = (&'a str, String)>,
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (name, contents) in files {
        let path = dir.join(name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(contents.as_str()) {
            std::fs::write(&path, contents)?;
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
