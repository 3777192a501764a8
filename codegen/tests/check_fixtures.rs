//! One case per check: each fixture under `tests/fixtures/` but `moved/` is an overlay of the
//! `valid` spec breaking one thing (`FILE.patch`, a unified diff of `valid/FILE`, or a whole
//! file), with the exact diagnostics it must produce (file, line, column, message) in its
//! `expected.txt`. The cases carry their own tiny vendor document in `seeds/`, `valid`'s unless
//! they patch it. A case is added as a directory: the glob below runs them all.

use std::path::PathBuf;

use ecommpay_codegen::__private::{LoadedSpec, load_dir};
use ecommpay_codegen::Generator;
use ecommpay_codegen::diagnostics::Diagnostic;

mod support;

use support::{EXPECTED, check_cases, fixtures, laid_out, laid_out_root, read};

fn load(case: &str) -> LoadedSpec {
    let dir = laid_out(case);
    load_dir(&dir).unwrap_or_else(|e| panic!("fixture `{case}` cannot be loaded: {e}"))
}

/// Headlines with the laid-out directory stripped, so they read `wallet.yaml:10:5: ...`.
fn relative(dir: &std::path::Path, diagnostics: Vec<Diagnostic>) -> Vec<String> {
    let prefix = format!("{}/", dir.display());
    diagnostics
        .iter()
        .map(|d| d.headline().replace(&prefix, ""))
        .collect()
}

/// The sorted diagnostics of checking `case` against its own `seeds/`.
fn headlines(case: &str) -> Vec<String> {
    let dir = laid_out(case);
    relative(&dir, diagnostics(case, Some(&dir.join("seeds"))))
}

/// Every diagnostic of `case`, sorted, through the facade a maintainer's tool uses.
fn diagnostics(case: &str, seeds: Option<&std::path::Path>) -> Vec<Diagnostic> {
    Generator::from_dir(laid_out(case))
        .diagnostics(seeds)
        .unwrap_or_else(|e| panic!("fixture `{case}` cannot be loaded: {e}"))
}

fn expected(case: &str) -> Vec<String> {
    read(&fixtures().join(case).join(EXPECTED))
        .lines()
        .filter(|line| !line.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_fixture_gives_its_expected_diagnostics() {
    let cases = check_cases();
    // Every fixture but the reanchor tests' `moved/` is a case: a directory without its
    // `expected.txt` would be skipped silently.
    let directories = std::fs::read_dir(fixtures())
        .expect("read the fixtures directory")
        .filter(|entry| entry.as_ref().is_ok_and(|e| e.path().is_dir()))
        .count();
    assert_eq!(cases.len(), directories - 1, "cases: {cases:?}");
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            let (expected, actual) = (expected(case), headlines(case));
            (expected != actual).then(|| {
                format!(
                    "fixture `{case}`:\n  expected:\n    {}\n  actual:\n    {}",
                    expected.join("\n    "),
                    actual.join("\n    ")
                )
            })
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// What the headlines do not show: files left out, snippets, the seeds switch.

#[test]
fn valid_fixture_has_both_files() {
    assert_eq!(load("valid").files.len(), 2);
}

#[test]
fn without_seeds_printed_text_is_not_compared() {
    assert_eq!(diagnostics("printed_differs", None), []);
}

#[test]
fn seeds_directory_without_the_document() {
    // The laid-out fixtures' directory holds no `doc.txt`.
    let seeds: PathBuf = laid_out_root();
    assert_eq!(
        relative(&laid_out("valid"), diagnostics("valid", Some(&seeds))),
        [
            "common.yaml:5:13: facts[0] (`card_is_visa`): document `doc.txt` is not in the seeds directory",
            "wallet.yaml:1:1: document `doc.txt` is not in the seeds directory"
        ]
    );
}

/// A file that does not parse is left out of the spec entirely (never half-read).
#[test]
fn a_file_with_a_syntax_error_is_left_out() {
    let loaded = load("yaml_syntax");
    let names: Vec<_> = loaded
        .files
        .iter()
        .map(|f| f.path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["common.yaml"]);
}

#[test]
fn a_duplicate_key_never_overwrites_and_is_shown_in_a_snippet() {
    // The file is rejected, not loaded with one of the two titles.
    let loaded = load("duplicate_key");
    assert!(
        loaded
            .files
            .iter()
            .all(|f| !f.path.ends_with("wallet.yaml")),
        "a file with a duplicated key must not be loaded"
    );
    let diagnostic = loaded.diagnostics.sorted().remove(0);
    let snippet = diagnostic
        .detail
        .expect("a source snippet under the headline");
    assert!(
        snippet.contains("44 |     title: Sale notification"),
        "{snippet}"
    );
}
