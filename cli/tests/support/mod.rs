//! Running the `ecommpay` binary as a user would, for the CLI tests.

#![allow(dead_code)] // Each test file uses its own part.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// Runs `ecommpay ARGS` with `stdin` on its standard input and the key, if any, in
/// `ECOMMPAY_SECRET_KEY`.
pub(crate) fn run(args: &[&str], key: Option<&str>, stdin: &str) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ecommpay"));
    command.args(args).env_remove("ECOMMPAY_SECRET_KEY");
    if let Some(key) = key {
        command.env("ECOMMPAY_SECRET_KEY", key);
    }
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // The binary may refuse its arguments before it reads its input: a closed pipe here is then
    // expected, and the exit code says what happened.
    let _ = child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin.as_bytes());
    child.wait_with_output().expect("the binary finishes")
}

pub(crate) fn stdout(output: &Output) -> &str {
    std::str::from_utf8(&output.stdout).expect("UTF-8 on stdout")
}

pub(crate) fn stderr(output: &Output) -> &str {
    std::str::from_utf8(&output.stderr).expect("UTF-8 on stderr")
}

/// A file holding `content` in a directory of this test run (`suite` keeps suites apart).
pub(crate) fn temp_file(suite: &str, name: &str, content: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ecommpay-cli-{suite}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let path = dir.join(name);
    std::fs::write(&path, content).expect("the file");
    path
}
