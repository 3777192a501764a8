//! The ecommpay spec toolchain: [`Generator`] loads and checks a spec, and emits the Rust of
//! `ecommpay-api`, JSON Schemas, an OpenAPI document, or the semantic diff of two specs; its
//! [`Error`] says what stopped it and where.
//!
//! ```
//! use ecommpay_codegen::{Error, Generator};
//!
//! # let spec_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/valid");
//! match Generator::from_dir(spec_dir).rust() {
//!     Ok(files) => assert_eq!(files[0].name, "mod.rs"),
//!     // Every problem at its `file:line:column`.
//!     Err(Error::Invalid { diagnostics }) => panic!("{} problem(s)", diagnostics.len()),
//!     Err(other) => panic!("{other}"),
//! }
//! ```
//!
//! The pipeline, one module a stage: `model` (what the YAML says) -> `load` (files, located
//! parse errors) -> `resolve` (lookup tables and field paths over all files) -> `check`
//! (cross-file rules) -> `ir` (the shapes, rules and types to emit, built once) -> `emit` (Rust,
//! JSON Schema). `check` and `ir` both read `resolve` and never each other; `pipeline` runs the
//! stages in order behind [`Generator`].
//!
//! Without default features the library is the pipeline from YAML to Rust only (what
//! `ecommpay-api`'s build script runs); `schemas` adds the JSON Schema and OpenAPI emitters,
//! `checks` the checks against the vendor documents, statistics and the diff.

#[cfg(feature = "checks")]
mod check;
pub mod diagnostics;
#[cfg(feature = "checks")]
pub mod diff;
mod emit;
mod error;
mod ir;
mod load;
mod model;
mod pipeline;
mod resolve;
#[cfg(feature = "checks")]
mod stats;

#[cfg(feature = "checks")]
pub use check::sources::Reanchored;
pub use emit::rust::GeneratedFile;
#[cfg(feature = "schemas")]
pub use emit::schema::SchemaFile;
pub use error::{Error, GitError};
pub use load::LoadError;
#[cfg(feature = "schemars")]
pub use model::spec_format_schema;
#[cfg(feature = "schemas")]
pub use pipeline::Schemas;
#[cfg(feature = "checks")]
pub use pipeline::Stats;
pub use pipeline::{Checked, Generator, write_files};

/// The stages' internals that this workspace's own tests, benches and `ecommpay-codegen` binary
/// read (the loaded model, the IR, single emitters). Not part of the API: anything here may
/// change or go in any release, without a major version.
#[doc(hidden)]
pub mod __private;
