//! What the tests over the fixtures share: the check fixtures as overlays over `valid/`, the
//! fixture `moved/` (a small spec and versions of its document) and scratch copies of it, the
//! generator's binary, and reading files.
#![allow(dead_code)] // each test file uses its own part

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

/// The fixtures' directory: `valid/` (a whole spec and its document in `seeds/`), `moved/`, and
/// one overlay a check case.
pub(crate) fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// What a check case expects, in its overlay: one headline a line, `#` lines are comments.
pub(crate) const EXPECTED: &str = "expected.txt";

/// The check cases: every fixture directory with an `expected.txt`, `valid` included.
pub(crate) fn check_cases() -> Vec<String> {
    let mut cases: Vec<String> = std::fs::read_dir(fixtures())
        .expect("read the fixtures directory")
        .map(|entry| entry.expect("a fixture").path())
        .filter(|dir| dir.join(EXPECTED).is_file())
        .map(|dir| dir.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    cases
}

/// Where this test binary lays out whole fixtures (`valid/` with a case's overlay applied), one
/// directory a case under it.
pub(crate) fn laid_out_root() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(concat!("fixtures-", env!("CARGO_CRATE_NAME")))
}

/// Fixture `case` as a whole spec with its `seeds/`: `valid/` with the case's overlay applied,
/// laid out once a test binary. An overlay holds `FILE.patch`, a unified diff of `valid/FILE`;
/// any other file (`expected.txt` aside), added or put in place of `valid/`'s.
pub(crate) fn laid_out(case: &str) -> PathBuf {
    static DONE: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
    let mut done = DONE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let dir = laid_out_root().join(case);
    if done.insert(case.to_owned()) {
        let _ = std::fs::remove_dir_all(&dir);
        let base = fixtures().join("valid");
        for file in files_under(&base)
            .into_iter()
            .filter(|f| f != Path::new(EXPECTED))
        {
            write(&dir.join(&file), &read(&base.join(&file)));
        }
        let overlay = fixtures().join(case);
        for file in files_under(&overlay) {
            let name = file.to_string_lossy();
            if let Some(target) = name.strip_suffix(".patch") {
                let patch_text = read(&overlay.join(&file));
                let patch = diffy::Patch::from_str(&patch_text)
                    .unwrap_or_else(|e| panic!("{case}/{name} is not a unified diff: {e}"));
                let patched = diffy::apply(&read(&base.join(target)), &patch).unwrap_or_else(|e| {
                    panic!("{case}/{name} does not apply to valid/{target}: {e}")
                });
                write(&dir.join(target), &patched);
            } else if file != Path::new(EXPECTED) {
                write(&dir.join(&file), &read(&overlay.join(&file)));
            }
        }
    }
    dir
}

/// The files under `dir`, as paths relative to it.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        for entry in std::fs::read_dir(dir.join(&relative)).expect("read a fixture directory") {
            let entry = entry.expect("a fixture file");
            let path = relative.join(entry.file_name());
            if entry.file_type().expect("a file type").is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a file in a directory")).expect("a directory");
    std::fs::write(path, text).expect("write a laid-out fixture file");
}

/// The fixture: `spec/`, and the document as the spec cites it (`before/`) and changed.
pub(crate) fn moved_fixture() -> PathBuf {
    fixtures().join("moved")
}

/// A fresh, empty directory under the tests' temporary directory.
pub(crate) fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a scratch directory");
    dir
}

/// A scratch copy of the fixture's spec, for a test that rewrites it.
pub(crate) fn scratch_spec(name: &str) -> PathBuf {
    let dir = scratch(name);
    for file in ["common.yaml", "wallet.yaml"] {
        std::fs::copy(moved_fixture().join("spec").join(file), dir.join(file))
            .expect("copy the spec");
    }
    dir
}

/// Runs `ecommpay-codegen` with `args`, the documents only where the arguments name them.
pub(crate) fn codegen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ecommpay-codegen"))
        .args(args)
        .env_remove("ECOMMPAY_SEEDS")
        .output()
        .expect("run ecommpay-codegen")
}

pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub(crate) fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("read a file")
}
