//! Generates the typed API from the spec into `OUT_DIR/generated/`: the generator
//! (`ecommpay-codegen`, without its CLI) over the embedded spec (`ecommpay-spec`). Cargo re-runs
//! this script when either changes.

use std::path::PathBuf;

fn main() {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("generated");
    let sources = ecommpay_spec::FILES
        .iter()
        .map(|file| (file.name, file.text));
    let files = match ecommpay_codegen::pipeline::generate_rust_from_sources(sources) {
        Ok(files) => files,
        Err(failure) => {
            eprintln!("ecommpay-api: the spec cannot be generated:\n{failure}");
            std::process::exit(1);
        }
    };
    let outputs = files.iter().map(|f| (f.name.as_str(), f.contents.clone()));
    if let Err(e) = ecommpay_codegen::pipeline::write_files(&out_dir, outputs) {
        eprintln!("ecommpay-api: cannot write {}: {e}", out_dir.display());
        std::process::exit(1);
    }
}
