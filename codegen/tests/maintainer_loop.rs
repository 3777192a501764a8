//! The maintainer's loop of `spec/README.md` ("When the documents change"), run on the fixture
//! `moved/`: a new version of the document moves a section and adds a parameter row;
//! `reanchor` follows the move, `check` names what changed at its document line, the spec is
//! edited, `check` passes, `diff` calls the change compatible, and the generated Rust only gains.

use std::path::{Path, PathBuf};

mod support;

use support::{codegen, read, text};

fn fixture() -> PathBuf {
    support::moved_fixture()
}

fn scratch(name: &str) -> PathBuf {
    support::scratch(&format!("maintainer-loop-{name}"))
}

/// Replaces `from` (present once) in the file at `path`.
fn edit(path: &Path, from: &str, to: &str) {
    let contents = read(path);
    assert_eq!(
        contents.matches(from).count(),
        1,
        "{from:?} in {}",
        path.display()
    );
    std::fs::write(path, contents.replace(from, to)).expect("write the spec");
}

/// Every generated Rust line, in order, over all files.
fn generated_rust(spec: &Path) -> Vec<String> {
    ecommpay_codegen::Generator::from_dir(spec)
        .rust()
        .expect("the spec generates Rust")
        .iter()
        .flat_map(|f| f.contents.lines().map(str::to_owned).collect::<Vec<_>>())
        .collect()
}

#[test]
fn a_new_document_version_is_followed_checked_edited_and_diffed() {
    // The spec as it was, and a copy the maintainer edits.
    let old_spec = fixture().join("spec");
    let spec = scratch("spec");
    for file in ["common.yaml", "wallet.yaml"] {
        std::fs::copy(old_spec.join(file), spec.join(file)).expect("copy the spec");
    }
    // The new document: the note moved to the end, and a new optional parameter row.
    let seeds = scratch("seeds");
    let before = read(&fixture().join("before/doc.txt"));
    let note = "Примечание: карта Visa.\n";
    let after = format!(
        "{}{note}",
        before.replacen(note, "", 1).replace(
            "Example request:\n",
            "  • loyalty_id, string — идентификатор в программе лояльности\nExample request:\n",
        )
    );
    std::fs::write(seeds.join("doc.txt"), &after).expect("write the document");
    let (spec_arg, seeds_arg) = (spec.to_str().unwrap(), seeds.to_str().unwrap());

    // 1. reanchor: the references whose text only moved follow it; the changed section is left.
    let reanchored = codegen(&["--spec", spec_arg, "reanchor", "--seeds", seeds_arg]);
    let said = text(&reanchored.stdout) + &text(&reanchored.stderr);
    assert!(said.contains("moved facts[0] (`card_is_visa`)"), "{said}");

    // 2. check names each change at its document line.
    let checked = codegen(&["--spec", spec_arg, "check", "--seeds", seeds_arg]);
    assert_eq!(checked.status.code(), Some(1), "{}", text(&checked.stderr));
    let report = text(&checked.stdout);
    let row_line = after
        .lines()
        .position(|l| l.contains("loyalty_id"))
        .map(|i| i + 1)
        .expect("the new row");
    assert!(
        report.contains(&format!(
            "doc.txt:{row_line}: a parameter row that no reference cites"
        )),
        "{report}"
    );
    assert!(
        report.contains("the text of source `3-10` changed"),
        "{report}"
    );

    // 3. The maintainer transcribes the row, and cites the section's new range without a
    //    fingerprint (reanchor records one).
    let wallet = spec.join("wallet.yaml");
    edit(
        &wallet,
        "      - path: customer.phone\n        requirement: one_of\n        group: contact\n",
        &format!(
            "      - path: customer.phone\n        requirement: one_of\n        group: contact\n      \
             - path: customer.loyalty_id\n        type: string\n        requirement: optional\n        \
             description: Loyalty programme identifier.\n        original: идентификатор в программе \
             лояльности\n        source: \"{row_line}\"\n"
        ),
    );
    let section = read(&wallet)
        .lines()
        .find(|l| l.contains("# the whole section"))
        .expect("the section's source")
        .to_owned();
    let cited = section
        .split('"')
        .nth(1)
        .expect("a quoted source")
        .to_owned();
    edit(&wallet, &format!("\"{cited}\""), "\"2-10\"");
    let recorded = codegen(&["--spec", spec_arg, "reanchor", "--seeds", seeds_arg]);
    assert_eq!(
        recorded.status.code(),
        Some(0),
        "{}",
        text(&recorded.stdout)
    );

    // 4. check passes.
    let checked = codegen(&["--spec", spec_arg, "check", "--seeds", seeds_arg]);
    assert_eq!(
        checked.status.code(),
        Some(0),
        "{}{}",
        text(&checked.stdout),
        text(&checked.stderr)
    );

    // 5. diff: a compatible change, for payloads and for code.
    let diffed = codegen(&["diff", old_spec.to_str().unwrap(), spec_arg]);
    assert_eq!(diffed.status.code(), Some(0), "{}", text(&diffed.stdout));
    let changes = text(&diffed.stdout);
    assert!(
        changes.contains(
            "compatible  gate request  wallet.gate.sale  customer.loyalty_id: new optional field"
        ),
        "{changes}"
    );
    assert!(
        changes.lines().all(|l| l.starts_with("compatible")),
        "{changes}"
    );

    // 6. The review: the generated Rust gains the field and its setter, and every public line
    //    (types, fields, setters) it had is still there as it was.
    let (old_rust, new_rust) = (generated_rust(&old_spec), generated_rust(&spec));
    let gone: Vec<&String> = old_rust
        .iter()
        .filter(|l| l.trim_start().starts_with("pub ") && !new_rust.contains(l))
        .collect();
    assert!(gone.is_empty(), "public lines the change removed: {gone:?}");
    assert!(
        new_rust
            .iter()
            .any(|l| l.contains("pub loyalty_id: Option<String>"))
    );
    assert!(new_rust.iter().any(|l| l.contains("pub fn loyalty_id<")));
}
