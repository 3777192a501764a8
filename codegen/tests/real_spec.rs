//! `check` passes on the real spec (`spec/`), every reference read against the vendor documents
//! when the seeds directory is there. `ECOMMPAY_SEEDS` names a candidate set of documents
//! instead (as it does for `ecommpay-codegen check`).

use std::path::Path;

use ecommpay_codegen::load::load_dir;
use ecommpay_codegen::pipeline::diagnose;

#[test]
fn the_real_spec_checks_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let spec = root.join("../spec");
    let seeds = std::env::var_os("ECOMMPAY_SEEDS")
        .filter(|dir| !dir.is_empty())
        .map_or_else(|| root.join("../../shared/seeds"), std::path::PathBuf::from);
    let seeds = seeds.is_dir().then_some(seeds.as_path());
    if seeds.is_none() {
        eprintln!("note: no seeds directory; the references are not read against the documents");
    }
    let loaded = load_dir(&spec).expect("the spec directory loads");
    assert!(
        loaded.files.len() >= 2,
        "expected common.yaml and document files"
    );
    let headlines: Vec<String> = diagnose(&loaded, seeds)
        .0
        .sorted()
        .iter()
        .map(|d| d.headline())
        .collect();
    assert!(
        headlines.is_empty(),
        "the spec has diagnostics:\n{}",
        headlines.join("\n")
    );
}
