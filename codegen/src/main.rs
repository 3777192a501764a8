//! `ecommpay-codegen`: check the spec, print its stats, export generated code and schemas.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use ecommpay_codegen::pipeline::{self, Failure};
use ecommpay_codegen::{check, diff, load, model, stats};

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
    match cli.command {
        Command::Check { seeds } => run_check(&cli.spec, &seeds.seeds),
        Command::Reanchor { seeds } => run_reanchor(&cli.spec, &seeds.seeds),
        Command::Stats { seeds } => run_stats(&cli.spec, &seeds.seeds),
        Command::Export { out, seeds } => {
            let checked = run_check(&cli.spec, &seeds.seeds);
            if checked != ExitCode::SUCCESS {
                return checked;
            }
            let emitted = run_emit(&cli.spec, &out.join("rust"));
            if emitted != ExitCode::SUCCESS {
                return emitted;
            }
            run_schemas(&cli.spec, &out.join("schemas"))
        }
        Command::Emit { out } => run_emit(&cli.spec, &out),
        Command::Schemas { out } => run_schemas(&cli.spec, &out),
        Command::SpecSchema { out } => write_spec_schema(out),
        Command::Openapi { out } => match pipeline::generate_openapi(&cli.spec) {
            Ok(document) => match std::fs::write(&out, pipeline::pretty_json(&document)) {
                Ok(()) => {
                    eprintln!("wrote {}", out.display());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: cannot write {}: {e}", out.display());
                    ExitCode::from(2)
                }
            },
            Err(failure) => report(failure),
        },
        Command::Diff { old, new, json } => {
            let new = new.unwrap_or_else(|| cli.spec.display().to_string());
            run_diff(&old, &new, json)
        }
    }
}

fn run_check(spec_dir: &std::path::Path, seeds: &std::path::Path) -> ExitCode {
    let loaded = match load::load_dir(spec_dir) {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let seeds = seeds.is_dir().then_some(seeds);
    if seeds.is_none() {
        eprintln!("note: no seeds directory; the references are not read against the documents");
    }
    let (diagnostics, _) = pipeline::diagnose(&loaded, seeds);
    let failed = diagnostics.has_errors();
    let count = diagnostics.error_count();
    for diagnostic in diagnostics.sorted() {
        println!("{diagnostic}");
    }
    if failed {
        eprintln!("{count} error(s)");
        ExitCode::from(1)
    } else {
        eprintln!("spec OK: {} file(s)", loaded.files.len());
        ExitCode::SUCCESS
    }
}

fn run_reanchor(spec_dir: &Path, seeds: &Path) -> ExitCode {
    let loaded = match load::load_dir(spec_dir) {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if !seeds.is_dir() {
        eprintln!("error: no seeds directory at {}", seeds.display());
        return ExitCode::from(2);
    }
    for diagnostic in loaded.diagnostics.iter() {
        eprintln!("note: left as it is: {}", diagnostic.headline());
    }
    let result = check::sources::reanchor(&loaded, seeds);
    for line in &result.report {
        println!("{line}");
    }
    for (index, text) in &result.files {
        let path = &loaded.files[*index].path;
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
    let (old_ir, new_ir) = match (pipeline::unchecked_ir(old), pipeline::unchecked_ir(new)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(failure), _) | (_, Err(failure)) => {
            eprintln!("{failure}");
            return ExitCode::from(2);
        }
    };
    let changes = diff::diff(&old_ir, &new_ir);
    if json {
        println!(
            "{}",
            pipeline::pretty_json(&diff::to_json(&changes)).trim_end()
        );
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

fn run_stats(spec_dir: &Path, seeds: &Path) -> ExitCode {
    match load::load_dir(spec_dir) {
        Ok(loaded) => {
            print!("{}", stats::render_table(&stats::collect(&loaded)));
            if seeds.is_dir() {
                let accounting = check::sources::accounting(&loaded, seeds);
                if !accounting.is_empty() {
                    print!("\n{}", stats::render_accounting(&accounting));
                }
            }
            for d in loaded.diagnostics.sorted() {
                eprintln!("{d}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn write_spec_schema(out: Option<PathBuf>) -> ExitCode {
    let schema = model::spec_format_schema();
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

fn report(failure: Failure) -> ExitCode {
    eprintln!("{failure}");
    ExitCode::from(failure.exit_code())
}

fn run_emit(spec_dir: &std::path::Path, out: &std::path::Path) -> ExitCode {
    let files = match pipeline::generate_rust(spec_dir) {
        Ok(files) => files,
        Err(failure) => return report(failure),
    };
    let count = files.len();
    match pipeline::write_files(
        out,
        files.iter().map(|f| (f.name.as_str(), f.contents.clone())),
    ) {
        Ok(()) => {
            eprintln!("wrote {count} file(s) to {}", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot write to {}: {e}", out.display());
            ExitCode::from(2)
        }
    }
}

fn run_schemas(spec_dir: &std::path::Path, out: &std::path::Path) -> ExitCode {
    let (files, index) = match pipeline::generate_schemas(spec_dir) {
        Ok(result) => result,
        Err(failure) => return report(failure),
    };
    let count = files.len();
    let mut outputs: Vec<(&str, String)> = files
        .iter()
        .map(|f| (f.file_name.as_str(), pipeline::pretty_json(&f.schema)))
        .collect();
    outputs.push(("index.json", pipeline::pretty_json(&index)));
    match pipeline::write_files(out, outputs) {
        Ok(()) => {
            eprintln!(
                "wrote {count} schema(s) and index.json to {}",
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot write to {}: {e}", out.display());
            ExitCode::from(2)
        }
    }
}
