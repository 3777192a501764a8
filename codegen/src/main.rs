//! `ecommpay-codegen`: check the spec, print its stats, export generated code and schemas.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use ecommpay_codegen::__private::pretty_json;
use ecommpay_codegen::{Checked, Error, Generator, diff, write_files};

#[derive(Parser)]
#[command(
    name = "ecommpay-codegen",
    version,
    about = "The ecommpay spec toolchain"
)]
struct Cli {
    /// The spec directory.
    #[arg(long, global = true, default_value = default_spec_dir())]
    spec: PathBuf,
    #[command(subcommand)]
    command: Command,
}

/// The vendor documents, for the subcommands that read them.
#[derive(clap::Args)]
struct Seeds {
    /// The vendor documents' directory: every `source:` is read against them (skipped when
    /// absent). `ECOMMPAY_SEEDS` names a candidate set instead of the default.
    #[arg(long, env = "ECOMMPAY_SEEDS", default_value = default_seeds_dir())]
    seeds: PathBuf,
}

#[derive(Subcommand)]
enum Command {
    /// Load and check the spec, every `source:` read against the documents: exit 0 when clean,
    /// 1 with diagnostics, 2 when it cannot be read.
    Check {
        #[command(flatten)]
        seeds: Seeds,
    },
    /// Rewrite in place each `source:` whose text only moved in the documents, and record the
    /// fingerprint of references that have neither a quote nor one; print what moved and what
    /// could not be placed (exit 1 when something could not).
    Reanchor {
        #[command(flatten)]
        seeds: Seeds,
    },
    /// Print a table per document: operations, params by requirement, rules, examples; with the
    /// documents, the share of their lines that references cite or waived ranges cover.
    Stats {
        #[command(flatten)]
        seeds: Seeds,
    },
    /// The main job: check the spec, then write the generated Rust to OUT/rust and the JSON
    /// Schemas to OUT/schemas.
    Export {
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        seeds: Seeds,
    },
    /// Write the generated Rust (as `ecommpay-api` includes it) into a directory, for review.
    Emit {
        #[arg(long)]
        out: PathBuf,
    },
    /// Write the JSON Schemas (draft 2020-12) of every operation, and `index.json`.
    Schemas {
        #[arg(long)]
        out: PathBuf,
    },
    /// Write the OpenAPI 3.1 document: Gate paths, Payment Page, callbacks and webhooks.
    Openapi {
        #[arg(long)]
        out: PathBuf,
    },
    /// Write the JSON Schema of the spec format (spec/spec.schema.json).
    SpecSchema {
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Every semantic change from OLD to NEW, breaking or compatible for users: exit 0 when
    /// nothing breaks, 1 when something does, 2 when a spec cannot be read or built.
    Diff {
        /// The old spec: a directory, or REV:DIR for a git revision (`HEAD~1:spec`).
        old: String,
        /// The new spec directory (default: the spec).
        new: Option<String>,
        /// Print the changes as JSON.
        #[arg(long)]
        json: bool,
    },
}

fn default_spec_dir() -> &'static str {
    concat!(env!("CARGO_MANIFEST_DIR"), "/../spec")
}

fn default_seeds_dir() -> &'static str {
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/seeds")
}

/// A path as the user reads it: relative to the working directory when under it, and without
/// `dir/..` detours (the default spec directory is `…/codegen/../spec`).
fn readable(path: &Path) -> PathBuf {
    let Ok(absolute) = std::fs::canonicalize(path) else {
        return path.to_owned();
    };
    let cwd = std::env::current_dir().and_then(std::fs::canonicalize);
    match cwd {
        Ok(cwd) => match absolute.strip_prefix(&cwd) {
            Ok(relative) if relative.as_os_str().is_empty() => PathBuf::from("."),
            Ok(relative) => relative.to_owned(),
            Err(_) => absolute,
        },
        Err(_) => absolute,
    }
}

fn main() -> ExitCode {
    let mut cli = Cli::parse();
    cli.spec = readable(&cli.spec);
    let generator = Generator::from_dir(&cli.spec);
    match cli.command {
        Command::Check { seeds } => match checked(&generator, &seeds.seeds) {
            Ok(_) => ExitCode::SUCCESS,
            Err(code) => code,
        },
        Command::Reanchor { seeds } => run_reanchor(&generator, &seeds.seeds),
        Command::Stats { seeds } => run_stats(&generator, &seeds.seeds),
        Command::Export { out, seeds } => {
            let checked = match checked(&generator, &seeds.seeds) {
                Ok(checked) => checked,
                Err(code) => return code,
            };
            let emitted = checked
                .rust()
                .and_then(|files| write_rust(&files, &out.join("rust")))
                .and_then(|()| write_schemas(&checked, &out.join("schemas")));
            finish(emitted)
        }
        Command::Emit { out } => {
            finish(generator.rust().and_then(|files| write_rust(&files, &out)))
        }
        Command::Schemas { out } => finish(
            generator
                .check(None)
                .and_then(|checked| write_schemas(&checked, &out)),
        ),
        Command::SpecSchema { out } => write_spec_schema(out),
        Command::Openapi { out } => finish(generator.openapi().and_then(|document| {
            std::fs::write(&out, pretty_json(&document)).map_err(|source| Error::Write {
                path: out.clone(),
                source,
            })?;
            eprintln!("wrote {}", out.display());
            Ok(())
        })),
        Command::Diff { old, new, json } => {
            let new = new.unwrap_or_else(|| cli.spec.display().to_string());
            run_diff(&old, &new, json)
        }
    }
}

/// The exit code of a failure: 1 for a spec with problems (or a generator bug), 2 for a spec
/// or an output that cannot be read or written.
fn exit_code(error: &Error) -> ExitCode {
    match error {
        Error::Invalid { .. } | Error::Emit { .. } => ExitCode::from(1),
        _ => ExitCode::from(2),
    }
}

/// Prints what stopped a command, if anything, and gives its exit code.
fn finish(result: Result<(), Error>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error @ Error::Invalid { .. }) => {
            eprintln!("{error}");
            exit_code(&error)
        }
        Err(error) => {
            eprintln!("error: {error}");
            exit_code(&error)
        }
    }
}

/// The spec checked, every `source:` read against the documents when `seeds` is a directory:
/// its diagnostics on standard output (warnings too), a summary on standard error.
fn checked(generator: &Generator, seeds: &Path) -> Result<Checked, ExitCode> {
    let seeds = seeds.is_dir().then_some(seeds);
    if seeds.is_none() {
        eprintln!("note: no seeds directory; the references are not read against the documents");
    }
    match generator.check(seeds) {
        Ok(checked) => {
            for diagnostic in checked.warnings.clone().sorted() {
                println!("{diagnostic}");
            }
            eprintln!("spec OK: {} file(s)", checked.file_count());
            Ok(checked)
        }
        Err(error @ Error::Invalid { .. }) => {
            let diagnostics = error.diagnostics();
            for diagnostic in diagnostics {
                println!("{diagnostic}");
            }
            let count = diagnostics
                .iter()
                .filter(|d| d.severity == ecommpay_codegen::diagnostics::Severity::Error)
                .count();
            eprintln!("{count} error(s)");
            Err(exit_code(&error))
        }
        Err(error) => {
            eprintln!("error: {error}");
            Err(exit_code(&error))
        }
    }
}

fn run_reanchor(generator: &Generator, seeds: &Path) -> ExitCode {
    if !seeds.is_dir() {
        eprintln!("error: no seeds directory at {}", seeds.display());
        return ExitCode::from(2);
    }
    let result = match generator.reanchor(seeds) {
        Ok(result) => result,
        Err(e) => {
            eprintln!("error: {e}");
            return exit_code(&e);
        }
    };
    for diagnostic in &result.left_as_they_are {
        eprintln!("note: left as it is: {}", diagnostic.headline());
    }
    for line in &result.report {
        println!("{line}");
    }
    for (path, text) in &result.files {
        if let Err(e) = std::fs::write(path, text) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    eprintln!(
        "{} reference(s) moved, {} fingerprint(s) recorded, {} could not be placed",
        result.moved, result.recorded, result.unplaced
    );
    if result.unplaced > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn run_diff(old: &str, new: &str, json: bool) -> ExitCode {
    let changes = Generator::from_location(old).and_then(|old| {
        let new = Generator::from_location(new)?;
        old.diff(&new)
    });
    let changes = match changes {
        Ok(changes) => changes,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    if json {
        println!("{}", pretty_json(&diff::to_json(&changes)).trim_end());
    } else {
        for change in &changes {
            println!("{change}");
        }
    }
    let breaking = changes
        .iter()
        .filter(|c| c.severity == diff::Severity::Breaking)
        .count();
    eprintln!(
        "{breaking} breaking, {} compatible change(s)",
        changes.len() - breaking
    );
    if breaking > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn run_stats(generator: &Generator, seeds: &Path) -> ExitCode {
    match generator.stats(seeds.is_dir().then_some(seeds)) {
        Ok(stats) => {
            print!("{}", stats.table);
            if let Some(accounting) = &stats.accounting {
                print!("\n{accounting}");
            }
            for d in &stats.diagnostics {
                eprintln!("{d}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            exit_code(&e)
        }
    }
}

fn write_spec_schema(out: Option<PathBuf>) -> ExitCode {
    let schema = ecommpay_codegen::spec_format_schema();
    let text = match serde_json::to_string_pretty(&schema) {
        Ok(text) => text + "\n",
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match out {
        Some(path) => match std::fs::write(&path, text) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", path.display());
                ExitCode::from(2)
            }
        },
        None => {
            print!("{text}");
            ExitCode::SUCCESS
        }
    }
}

fn write_rust(files: &[ecommpay_codegen::GeneratedFile], out: &Path) -> Result<(), Error> {
    write_files(
        out,
        files.iter().map(|f| (f.name.as_str(), f.contents.clone())),
    )?;
    eprintln!("wrote {} file(s) to {}", files.len(), out.display());
    Ok(())
}

fn write_schemas(checked: &Checked, out: &Path) -> Result<(), Error> {
    let schemas = checked.schemas();
    write_files(out, schemas.to_files())?;
    eprintln!(
        "wrote {} schema(s) and index.json to {}",
        schemas.files.len(),
        out.display()
    );
    Ok(())
}
