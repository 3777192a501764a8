//! The ecommpay spec toolchain. The pipeline, one module a stage:
//!
//! `model` (what the YAML says) -> `load` (files, located parse errors) -> `resolve` (lookup
//! tables and field paths over all files) -> `check` (cross-file rules) -> `ir` (the shapes,
//! rules and types to emit, built once) -> `emit` (Rust, JSON Schema). `check` and `ir` both read
//! `resolve` and never each other; `pipeline` runs the stages in order.

#[cfg(feature = "checks")]
pub mod check;
pub mod diagnostics;
#[cfg(feature = "checks")]
pub mod diff;
pub mod emit;
pub mod ir;
pub mod load;
pub mod model;
pub mod pipeline;
pub mod resolve;
#[cfg(feature = "checks")]
pub mod stats;
