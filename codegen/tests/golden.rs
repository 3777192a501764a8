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
