//! Writes the spec's callback examples as a Rust table (`OUT_DIR/callback_examples.rs`): the
//! generator over the embedded spec, as `ecommpay-api`'s build script runs it, so the mock makes
//! its callbacks from the documents' examples without a YAML parser at run time.

use std::path::PathBuf;

fn main() {
    let out =
        PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("callback_examples.rs");
    let sources = ecommpay_spec::FILES.iter().map(|f| (f.name, f.text));
    let table = match ecommpay_codegen::Generator::from_sources(sources).callback_examples() {
        Ok(table) => table,
        Err(failure) => {
            eprintln!("ecommpay-mock: the spec's callback examples cannot be read:\n{failure}");
            std::process::exit(1);
        }
    };
    if let Err(e) = std::fs::write(&out, table) {
        eprintln!("ecommpay-mock: cannot write {}: {e}", out.display());
        std::process::exit(1);
    }
}
