//! The `ecommpay-codegen` binary: exit codes of `check`, and the `stats` table. Runs from the
//! directory where the fixtures are laid out, so the printed paths are short and stable
//! (`path_not_in_group/wallet.yaml`).

use std::process::{Command, Output};

mod support;

use support::{laid_out, laid_out_root, text};

/// Runs the generator from the laid-out fixtures, `cases` laid out first.
fn codegen_in_fixtures(cases: &[&str], args: &[&str]) -> Output {
    for case in cases {
        laid_out(case);
    }
    Command::new(env!("CARGO_BIN_EXE_ecommpay-codegen"))
        .args(args)
        .env_remove("ECOMMPAY_SEEDS")
        .current_dir(laid_out_root())
        .output()
        .expect("run ecommpay-codegen")
}

fn check(case: &str) -> Output {
    let seeds = format!("{case}/seeds");
    codegen_in_fixtures(&[case], &["--spec", case, "check", "--seeds", &seeds])
}

#[test]
fn check_exits_0_on_the_valid_fixture() {
    let out = check("valid");
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "");
    assert_eq!(text(&out.stderr), "spec OK: 2 file(s)\n");
}

#[test]
fn check_exits_1_and_prints_located_diagnostics() {
    let out = check("path_not_in_group");
    assert_eq!(out.status.code(), Some(1), "stderr: {}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "path_not_in_group/wallet.yaml:10:5: operation `wallet.gate.sale`: path \
         `/v2/payout/wallet/sale` is not in its group `/v2/payment/{payment_method}/sale`\n"
    );
    assert_eq!(text(&out.stderr), "1 error(s)\n");
}

#[test]
fn check_exits_1_on_a_parse_error_with_a_snippet() {
    let out = check("unknown_key");
    assert_eq!(out.status.code(), Some(1), "stderr: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("unknown_key/wallet.yaml:23:9: unknown field `requirment`"),
        "{stdout}"
    );
    assert!(
        stdout.contains("23 |         requirment: required"),
        "{stdout}"
    );
}

#[test]
fn check_exits_2_when_the_spec_directory_is_missing() {
    let out = codegen_in_fixtures(
        &["valid"],
        &["--spec", "no_such_spec", "check", "--seeds", "valid/seeds"],
    );
    assert_eq!(out.status.code(), Some(2), "stderr: {}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "");
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("error: cannot read the spec directory no_such_spec: "),
        "{stderr}"
    );
}

#[test]
fn check_without_seeds_skips_the_printed_comparison() {
    let out = codegen_in_fixtures(
        &["printed_differs"],
        &[
            "--spec",
            "printed_differs",
            "check",
            "--seeds",
            "no_such_seeds",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    assert_eq!(
        text(&out.stderr),
        "note: no seeds directory; the references are not read against the documents\n\
         spec OK: 2 file(s)\n"
    );
}

#[test]
fn the_seeds_come_from_the_environment_when_not_given() {
    laid_out("printed_differs");
    let out = Command::new(env!("CARGO_BIN_EXE_ecommpay-codegen"))
        .args(["--spec", "printed_differs", "check"])
        .env("ECOMMPAY_SEEDS", "printed_differs/seeds")
        .current_dir(laid_out_root())
        .output()
        .expect("run ecommpay-codegen");
    assert_eq!(out.status.code(), Some(1), "stderr: {}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("printed_differs/wallet.yaml:50:13: doc.txt:5: "),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn stats_with_the_documents_prints_the_share_of_their_lines_accounted_for() {
    let out = codegen_in_fixtures(
        &["valid"],
        &["--spec", "valid", "stats", "--seeds", "valid/seeds"],
    );
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.ends_with(
            "\n| document | lines | cited | waived | accounted |\n|---|---:|---:|---:|---:|\n\
             | doc.txt | 8 | 8 | 0 | 100.0% |\n"
        ),
        "{stdout}"
    );
}

#[test]
fn seeds_are_offered_only_where_they_are_read() {
    for command in ["emit", "schemas", "openapi", "spec-schema"] {
        let out = codegen_in_fixtures(
            &["valid"],
            &["--spec", "valid", command, "--seeds", "valid/seeds"],
        );
        assert_eq!(
            out.status.code(),
            Some(2),
            "{command}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).contains("unexpected argument '--seeds'"),
            "{command}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn spec_paths_are_printed_relative_to_the_working_directory() {
    // `valid/../path_not_in_group` is printed as the directory it names.
    let out = codegen_in_fixtures(
        &["valid", "path_not_in_group"],
        &[
            "--spec",
            "valid/../path_not_in_group",
            "check",
            "--seeds",
            "path_not_in_group/seeds",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "stderr: {}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("path_not_in_group/wallet.yaml:10:5: "),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn stats_prints_a_table_for_the_valid_fixture() {
    let out = codegen_in_fixtures(&["valid"], &["--spec", "valid", "stats"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "\
| document | operations | variants | required | optional | recommended | conditional | one-of | forbidden | operation rules | method rules | examples | duplicates | corrected | with errata |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
| doc.txt | 2 | 0 | 2 | 0 | 0 | 1 | 2 | 0 | 3 | 0 | 2 | 0 | 1 | 1 |
| **total** | 2 | 0 | 2 | 0 | 0 | 1 | 2 | 0 | 3 | 0 | 2 | 0 | 1 | 1 |
"
    );
    assert_eq!(text(&out.stderr), "");
}
