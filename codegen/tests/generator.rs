//! The library's facade: what each kind of `Error` says, and where.

use std::path::{Path, PathBuf};

use ecommpay_codegen::{Error, Generator, GitError};

mod support;

fn valid() -> PathBuf {
    support::fixtures().join("valid")
}

#[test]
fn a_spec_with_problems_lists_each_at_its_place() {
    let error = Generator::from_dir(support::laid_out("path_not_in_group"))
        .rust()
        .expect_err("the spec has a problem");
    let Error::Invalid { diagnostics } = &error else {
        panic!("not a spec with problems: {error:?}");
    };
    assert_eq!(diagnostics.len(), 1);
    assert!(
        diagnostics[0]
            .file
            .ends_with("path_not_in_group/wallet.yaml")
    );
    assert_eq!((diagnostics[0].at.line, diagnostics[0].at.column), (10, 5));
    assert!(
        error.to_string().ends_with(
            "is not in its group `/v2/payment/{payment_method}/sale`\n1 error(s) in the spec"
        ),
        "{error}"
    );
}

#[test]
fn a_missing_directory_is_unreadable_and_named() {
    let error = Generator::from_dir("no_such_spec")
        .check(None)
        .expect_err("no directory");
    assert!(matches!(error, Error::Unreadable(_)), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with("cannot read the spec directory no_such_spec: "),
        "{error}"
    );
}

#[test]
fn a_location_that_is_neither_a_directory_nor_a_revision() {
    let error = Generator::from_location("no_such_spec").expect_err("neither");
    assert!(matches!(error, Error::UnknownLocation { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        "no_such_spec is neither a spec directory nor a git revision and directory (`HEAD~1:spec`)"
    );
}

#[test]
fn git_errors_name_the_revision_and_the_command() {
    let unknown = Generator::from_location("no-such-revision:spec")
        .and_then(|old| old.diff(&Generator::from_dir(valid())))
        .expect_err("no such revision");
    match &unknown {
        Error::Git {
            location,
            source: GitError::Failed { command, .. },
        } => {
            assert_eq!(location, "no-such-revision:spec");
            assert_eq!(command, "ls-tree --name-only no-such-revision:spec");
        }
        other => panic!("not a failed git command: {other:?}"),
    }
    // A directory of the revision without spec files (paths in a revision are from the root).
    let empty = Generator::from_location("HEAD:codegen/src/")
        .and_then(|old| old.diagnostics(None))
        .expect_err("no spec files");
    assert_eq!(
        empty.to_string(),
        "HEAD:codegen/src: no spec files (*.yaml) in codegen/src at HEAD"
    );
}

#[test]
fn a_file_that_cannot_be_written_is_named() {
    // A directory where the file should be.
    let dir = support::scratch("generator-write");
    std::fs::create_dir_all(dir.join("mod.rs")).expect("a directory");
    let error = ecommpay_codegen::write_files(&dir, [("mod.rs", String::new())])
        .expect_err("mod.rs is a directory");
    let Error::Write { path, .. } = &error else {
        panic!("not a write error: {error:?}");
    };
    assert_eq!(path, &dir.join("mod.rs"));
    assert!(
        error.to_string().starts_with(&format!(
            "cannot write {}: ",
            Path::new(&dir).join("mod.rs").display()
        )),
        "{error}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn one_checked_spec_gives_every_output() {
    let checked = Generator::from_dir(valid()).check(None).expect("valid");
    assert!(checked.warnings.is_empty());
    let rust = checked.rust().expect("Rust");
    let names: Vec<&str> = rust.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["mod.rs", "callback.rs", "shared.rs", "wallet.rs"]);
    let schemas = checked.schemas();
    let written: Vec<&str> = schemas
        .to_files()
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert_eq!(
        written,
        [
            "wallet.gate.sale.json",
            "wallet.callback.sale.json",
            "index.json"
        ]
    );
    assert_eq!(checked.openapi()["openapi"], "3.1.0");
}
