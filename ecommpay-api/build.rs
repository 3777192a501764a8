//! Generates the typed API from the spec (`spec/`, a link to the workspace's spec) into
//! `OUT_DIR/generated/`. The generator's modules are compiled in from `codegen/` (a link to
//! `../codegen/src`), so the packaged crate carries both and builds on its own.

// The generator's modules carry parts only its binary uses.
#![allow(dead_code, unused_imports)]

#[path = "codegen/check/mod.rs"]
mod check;
#[path = "codegen/diagnostics.rs"]
mod diagnostics;
#[path = "codegen/emit/mod.rs"]
mod emit;
#[path = "codegen/ir/mod.rs"]
mod ir;
#[path = "codegen/load/mod.rs"]
mod load;
#[path = "codegen/model/mod.rs"]
mod model;
#[path = "codegen/pipeline.rs"]
mod pipeline;

use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-changed=spec");
    println!("cargo::rerun-if-changed=codegen");
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("generated");
    let files = match pipeline::generate_rust(&manifest_dir.join("spec")) {
        Ok(files) => files,
        Err(failure) => {
            eprintln!("ecommpay-api: the spec cannot be generated:\n{failure}");
            std::process::exit(1);
        }
    };
    let outputs = files.iter().map(|f| (f.name.as_str(), f.contents.clone()));
    if let Err(e) = pipeline::write_files(&out_dir, outputs) {
        eprintln!("ecommpay-api: cannot write {}: {e}", out_dir.display());
        std::process::exit(1);
    }
}
