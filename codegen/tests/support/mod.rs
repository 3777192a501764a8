//! What the tests over the fixture `moved/` (a small spec and versions of its document) share:
//! scratch copies, the generator's binary, and reading files.
#![allow(dead_code)] // each test file uses its own part

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The fixture: `spec/`, and the document as the spec cites it (`before/`) and changed.
pub fn moved_fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/moved")
}

/// A fresh, empty directory under the tests' temporary directory.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a scratch directory");
    dir
}

/// A scratch copy of the fixture's spec, for a test that rewrites it.
pub fn scratch_spec(name: &str) -> PathBuf {
    let dir = scratch(name);
    for file in ["common.yaml", "wallet.yaml"] {
        std::fs::copy(moved_fixture().join("spec").join(file), dir.join(file))
            .expect("copy the spec");
    }
    dir
}

/// Runs `ecommpay-codegen` with `args`, the documents only where the arguments name them.
pub fn codegen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ecommpay-codegen"))
        .args(args)
        .env_remove("ECOMMPAY_SEEDS")
        .output()
        .expect("run ecommpay-codegen")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("read a file")
}
