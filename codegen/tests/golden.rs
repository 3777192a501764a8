//! The generated Rust of the fixture `golden` (`valid` with a signed Gate request and a closed
//! enum) is kept in `codegen/golden/generated/` and compiled there as the crate
//! `ecommpay-codegen-golden`, whose tests use it. This test checks those files byte for byte
//! against the generator's output; `ECOMMPAY_GOLDEN=overwrite` rewrites them (then review the
//! diff, and run `cargo test -p ecommpay-codegen-golden`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ecommpay_codegen::Generator;

mod support;

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/generated")
}

/// The golden files now, by name.
fn golden_files() -> BTreeMap<String, String> {
    std::fs::read_dir(golden_dir())
        .expect("read the golden files")
        .map(|entry| {
            let path = entry.expect("a golden file").path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, support::read(&path))
        })
        .collect()
}

/// Where two texts first differ: the line number and both lines.
fn first_difference(expected: &str, actual: &str) -> String {
    let mut expected_lines = expected.lines();
    let mut actual_lines = actual.lines();
    for number in 1.. {
        match (expected_lines.next(), actual_lines.next()) {
            (Some(e), Some(a)) if e == a => {}
            (None, None) => return "only in line endings".into(),
            (e, a) => {
                return format!(
                    "line {number}:\n  golden:    {}\n  generated: {}",
                    e.unwrap_or("(end of file)"),
                    a.unwrap_or("(end of file)")
                );
            }
        }
    }
    unreachable!()
}

#[test]
fn the_generated_rust_is_the_golden_files() {
    let generated: BTreeMap<String, String> = Generator::from_dir(support::laid_out("golden"))
        .rust()
        .unwrap_or_else(|e| panic!("the golden spec generates: {e}"))
        .into_iter()
        .map(|file| (file.name, file.contents))
        .collect();
    if std::env::var_os("ECOMMPAY_GOLDEN").is_some_and(|v| v == "overwrite") {
        for name in golden_files()
            .keys()
            .filter(|n| !generated.contains_key(*n))
        {
            std::fs::remove_file(golden_dir().join(name)).expect("remove a stale golden file");
        }
        ecommpay_codegen::write_files(
            &golden_dir(),
            generated.iter().map(|(n, c)| (n.as_str(), c.clone())),
        )
        .expect("write the golden files");
    }
    let golden = golden_files();
    assert_eq!(
        golden.keys().collect::<Vec<_>>(),
        generated.keys().collect::<Vec<_>>(),
        "the golden files and the generated ones (ECOMMPAY_GOLDEN=overwrite rewrites them)"
    );
    let differing: Vec<String> = generated
        .iter()
        .filter(|(name, contents)| golden[*name] != **contents)
        .map(|(name, contents)| format!("{name}: {}", first_difference(&golden[name], contents)))
        .collect();
    assert!(
        differing.is_empty(),
        "the generated Rust differs from the golden files (ECOMMPAY_GOLDEN=overwrite rewrites \
         them; review the diff):\n{}",
        differing.join("\n")
    );
}

/// The generated code imports nothing and names the runtime only by absolute paths: its helpers
/// under `::ecommpay_api::__private`, everything else through what a merchant names too, so that
/// the runtime's public API is what merchants use and a spec name cannot shadow a runtime name.
/// Checked on the golden files and on the real spec's output.
#[test]
fn the_generated_rust_names_the_runtime_by_absolute_paths() {
    let real: BTreeMap<String, String> =
        Generator::from_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec"))
            .rust()
            .unwrap_or_else(|e| panic!("the real spec generates: {e}"))
            .into_iter()
            .map(|file| (format!("spec: {}", file.name), file.contents))
            .collect();
    // What `ecommpay-api`'s root shows a merchant, and the helpers' module.
    const RUNTIME_ROOT: &[&str] = &[
        "__private",
        "Action",
        "BuildError",
        "formats",
        "operation",
        "signature",
        "validate",
        "values",
        "wire",
    ];
    for (name, contents) in golden_files().into_iter().chain(real) {
        let file = syn::parse_file(&contents).unwrap_or_else(|e| panic!("{name} parses: {e}"));
        for item in &file.items {
            if let syn::Item::Use(import) = item {
                let text = quote::ToTokens::to_token_stream(&import.tree).to_string();
                assert!(
                    text.starts_with("super :: shared ::") && !text.contains('*'),
                    "{name}: only the re-exports of shared types are `use` items: {text}"
                );
            }
        }
        assert!(
            !contents.contains("crate::"),
            "{name}: the runtime is named by `::ecommpay_api::` paths, never `crate::`"
        );
        for path in contents.split("::ecommpay_api::").skip(1) {
            let first: String = path
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            assert!(
                RUNTIME_ROOT.contains(&first.as_str()),
                "{name}: `::ecommpay_api::{first}` is not a public runtime path or `__private`"
            );
        }
    }
}
