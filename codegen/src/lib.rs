//! The ecommpay spec toolchain. The pipeline, one module a stage:
//!
//! `model` (what the YAML says) -> `load` (files, located parse errors) -> `check` (cross-file
//! rules, resolved into a checked spec) -> `ir` (the types to emit) -> `emit` (Rust, JSON Schema).

pub mod check;
pub mod diagnostics;
pub mod emit;
pub mod ir;
pub mod load;
pub mod model;
pub mod pipeline;
pub mod stats;
