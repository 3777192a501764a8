//! Generates the typed API from the spec into `OUT_DIR/generated/`: the generator
//! (`ecommpay-codegen`, without its CLI) over the embedded spec (`ecommpay-spec`). Cargo re-runs
//! this script when either changes.

use std::path::PathBuf;

fn main() {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("generated");
    let sources = ecommpay_spec::FILES
        .iter()
        .map(|file| (file.name, file.text));
    let files = match ecommpay_codegen::Generator::from_sources(sources).rust() {
        Ok(files) => files,
        Err(error) => {
            eprintln!("ecommpay-api: the spec cannot be generated:\n{error}");
            std::process::exit(1);
        }
    };
    let outputs = files.iter().map(|f| (f.name.as_str(), f.contents.clone()));
    if let Err(error) = ecommpay_codegen::write_files(&out_dir, outputs) {
        eprintln!("ecommpay-api: {error}");
        std::process::exit(1);
    }
}
