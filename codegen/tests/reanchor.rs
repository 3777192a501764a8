//! References that follow their documents: the fixture `moved/` holds a small spec and three
//! versions of its document: `before/` (what the spec cites), `after/` (the notes section moved
//! from the second line to the end: a pure move) and `changed/` (one quoted
//! line reworded) and `vanished/` (that line deleted).

use std::path::{Path, PathBuf};

use ecommpay_codegen::Generator;

mod support;

use support::{codegen, read, text};

fn fixture() -> PathBuf {
    support::moved_fixture()
}

/// The check's headlines for the spec in `spec` against the document version `version`.
fn headlines(spec: &Path, version: &str) -> Vec<String> {
    headlines_with(spec, &fixture().join(version))
}

/// The check's headlines for the spec in `spec` against the documents in `seeds`.
fn headlines_with(spec: &Path, seeds: &Path) -> Vec<String> {
    let prefix = format!("{}/", spec.display());
    Generator::from_dir(spec)
        .diagnostics(Some(seeds))
        .expect("the spec loads")
        .iter()
        .map(|d| d.headline().replace(&prefix, ""))
        .collect()
}

#[test]
fn the_spec_checks_clean_against_the_document_it_cites() {
    assert_eq!(
        headlines(&fixture().join("spec"), "before"),
        Vec::<String>::new()
    );
}

#[test]
fn a_pure_move_is_one_line_for_check_and_mended_by_reanchor_alone() {
    let spec = support::scratch_spec("reanchor-pure-move");
    assert_eq!(
        headlines(&spec, "after"),
        ["7 references moved unchanged; run `ecommpay-codegen reanchor`"]
    );

    let spec_arg = spec.display().to_string();
    let seeds = fixture().join("after").display().to_string();
    let out = codegen(&["--spec", &spec_arg, "reanchor", "--seeds", &seeds]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let report = text(&out.stdout).replace(&format!("{spec_arg}/"), "");
    assert_eq!(
        report,
        "\
common.yaml:5:13: moved facts[0] (`card_is_visa`) from doc.txt:2 to 12
wallet.yaml:16:13: moved operations[0] (`wallet.gate.sale`) from doc.txt:3-10 to 2-9
wallet.yaml:25:17: moved operations[0].params[0] (`general.project_id`) from doc.txt:4 to 3
wallet.yaml:34:17: moved operations[0].params[3] (`customer.email`) from doc.txt:5 to 4
wallet.yaml:51:13: moved operations[1] (`wallet.callback.sale`) from doc.txt:11-12 to 10-11
wallet.yaml:56:13: moved examples[0] (`wallet-sale-request`) from doc.txt:7-10 to 6-9
wallet.yaml:65:13: moved examples[1] (`wallet-sale-callback`) from doc.txt:12 to 11
"
    );
    assert_eq!(
        text(&out.stderr),
        "7 reference(s) moved, 0 fingerprint(s) recorded, 0 could not be placed\n"
    );

    // Only the line numbers inside the `source:` scalars changed: comments, quoting and every
    // other byte are as written.
    let original = fixture().join("spec");
    let expected_common = read(&original.join("common.yaml")).replace(
        "source: \"doc.txt:2@06322e0d513f\"  # the fact",
        "source: \"doc.txt:12@06322e0d513f\"  # the fact",
    );
    assert_eq!(read(&spec.join("common.yaml")), expected_common);
    let mut expected_wallet = read(&original.join("wallet.yaml"));
    for (old, new) in [
        (
            "source: \"3-10@a31e886d7fba\"   # the whole section",
            "source: \"2-9@a31e886d7fba\"   # the whole section",
        ),
        ("source: 4\n", "source: 3\n"),
        ("source: '5'\n", "source: '4'\n"),
        (
            "source: \"11-12@dbeb876314cc\"",
            "source: \"10-11@dbeb876314cc\"",
        ),
        ("source: \"7-10\"", "source: \"6-9\""),
        ("source: \"12\"", "source: \"11\""),
    ] {
        assert_eq!(expected_wallet.matches(old).count(), 1, "{old}");
        expected_wallet = expected_wallet.replace(old, new);
    }
    assert_eq!(read(&spec.join("wallet.yaml")), expected_wallet);

    let out = codegen(&["--spec", &spec_arg, "check", "--seeds", &seeds]);
    assert_eq!(out.status.code(), Some(0), "stdout: {}", text(&out.stdout));
    assert_eq!(text(&out.stderr), "spec OK: 2 file(s)\n");

    // Nothing is left to move.
    let out = codegen(&["--spec", &spec_arg, "reanchor", "--seeds", &seeds]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "");
}

#[test]
fn a_changed_text_is_named_at_its_document_line() {
    assert_eq!(
        headlines(&fixture().join("spec"), "changed"),
        [
            "wallet.yaml:16:13: doc.txt:3: operations[0] (`wallet.gate.sale`): the text of source `3-10` changed (its lines no longer match the fingerprint; they now begin \"Запрос Sale\")",
            "wallet.yaml:34:17: doc.txt:5: operations[0].params[3] (`customer.email`): the text changed: the spec has \"адрес электронной почты пользователя\", the document now \"email — адрес почты пользователя\"",
        ]
    );
    // `reanchor` leaves what changed to the maintainer, and says so.
    let spec = support::scratch_spec("reanchor-changed");
    let spec_arg = spec.display().to_string();
    let seeds = fixture().join("changed").display().to_string();
    let before = read(&spec.join("wallet.yaml"));
    let out = codegen(&["--spec", &spec_arg, "reanchor", "--seeds", &seeds]);
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout);
    assert_eq!(report.lines().count(), 2, "{report}");
    assert!(
        report
            .lines()
            .all(|l| l.contains(": could not place: doc.txt:")),
        "{report}"
    );
    assert_eq!(read(&spec.join("wallet.yaml")), before);
}

#[test]
fn a_line_added_to_an_example_is_named_where_it_was_added() {
    let seeds = support::scratch("reanchor-example-line");
    let before = read(&fixture().join("before/doc.txt"));
    let after = before.replace(
        "  \"customer\": {\"email\": \"a@example.com\"}\n",
        "  \"customer\": {\"email\": \"a@example.com\"},\n  \"payment\": {\"description\": \"x\"}\n",
    );
    assert_ne!(before, after);
    std::fs::write(seeds.join("doc.txt"), after).expect("write the document");
    assert_eq!(
        headlines_with(&fixture().join("spec"), &seeds),
        [
            "2 references moved unchanged; run `ecommpay-codegen reanchor`",
            "wallet.yaml:16:13: doc.txt:3: operations[0] (`wallet.gate.sale`): the text of source `3-10` changed (its lines no longer match the fingerprint; they now begin \"Запрос Sale\")",
            // The block now ends a line later than the spec's range: that line is named too.
            "wallet.yaml:56:13: doc.txt:11: 1 line(s) that no reference cites and no waived range covers (after examples[0] (`wallet-sale-request`)), from \"}\": transcribe them, or waive them (`waived:` with a reason)",
            "wallet.yaml:56:13: doc.txt:9: examples[0] (`wallet-sale-request`): the text changed: the spec has \"\\\"customer\\\": {\\\"email\\\": \\\"a@example.com\\\"}\", the document now \"\\\"customer\\\": {\\\"email\\\": \\\"a@example.com\\\"},\"",
        ]
    );
}

#[test]
fn a_vanished_text_says_so() {
    assert_eq!(
        headlines(&fixture().join("spec"), "vanished"),
        [
            "3 references moved unchanged; run `ecommpay-codegen reanchor`",
            "wallet.yaml:16:13: doc.txt:3: operations[0] (`wallet.gate.sale`): the text of source `3-10` changed (its lines no longer match the fingerprint; they now begin \"Запрос Sale\")",
            "wallet.yaml:34:17: doc.txt:5: operations[0].params[3] (`customer.email`): the text of source `5` is no longer in the document (looked for near lines 5-5 and everywhere else)",
        ]
    );
}

#[test]
fn a_bogus_line_number_fails() {
    let spec = support::scratch_spec("reanchor-bogus");
    let wallet = spec.join("wallet.yaml");
    let written = read(&wallet);
    // A quote that is in the document, cited far past its end: moved, for `reanchor` to mend.
    std::fs::write(
        &wallet,
        written.replace("source: 4\n", "source: \"99999\"\n"),
    )
    .expect("write the spec");
    assert_eq!(
        headlines(&spec, "before"),
        ["1 references moved unchanged; run `ecommpay-codegen reanchor`"]
    );
    // A quote the document does not hold, cited past its end.
    std::fs::write(
        &wallet,
        written
            .replace("source: 4\n", "source: \"99999\"\n")
            .replace(
                "original: идентификатор проекта",
                "original: идентификатор магазина",
            ),
    )
    .expect("write the spec");
    assert_eq!(
        headlines(&spec, "before"),
        [
            "wallet.yaml:25:17: operations[0].params[0] (`general.project_id`): source `99999` runs past the end of doc.txt (12 lines), and its text is nowhere in it"
        ]
    );
}

#[test]
fn a_reference_without_quote_or_fingerprint_fails_even_without_documents() {
    let spec = support::scratch_spec("reanchor-unfingerprinted");
    let wallet = spec.join("wallet.yaml");
    std::fs::write(
        &wallet,
        read(&wallet).replace("\"11-12@dbeb876314cc\"", "\"11-12\""),
    )
    .expect("write the spec");
    let prefix = format!("{}/", spec.display());
    let found: Vec<String> = Generator::from_dir(&spec)
        .diagnostics(None)
        .expect("the spec loads")
        .iter()
        .map(|d| d.headline().replace(&prefix, ""))
        .collect();
    assert_eq!(
        found,
        [
            "wallet.yaml:51:13: operations[1] (`wallet.callback.sale`): source `11-12` has neither a quoted `original` nor a fingerprint of the text it cites: run `ecommpay-codegen reanchor` to record one"
        ]
    );
}

#[test]
fn an_unreadable_document_is_said_once() {
    let seeds = support::scratch("reanchor-not-utf8");
    let mut bytes = read(&fixture().join("before/doc.txt")).into_bytes();
    bytes.extend_from_slice(&[0xff, 0xfe]);
    std::fs::write(seeds.join("doc.txt"), bytes).expect("write the document");
    assert_eq!(
        headlines_with(&fixture().join("spec"), &seeds),
        [
            "common.yaml:5:13: cannot read document `doc.txt` in the seeds directory: stream did not contain valid UTF-8"
        ]
    );
}

#[test]
fn a_new_parameter_row_is_named_at_its_line() {
    let seeds = support::scratch("reanchor-new-row");
    let before = read(&fixture().join("before/doc.txt"));
    let after = before.replace(
        "Example request:\n",
        "  • loyalty_id, string — идентификатор в программе лояльности\nExample request:\n",
    );
    std::fs::write(seeds.join("doc.txt"), after).expect("write the document");
    assert_eq!(
        headlines_with(&fixture().join("spec"), &seeds),
        [
            "3 references moved unchanged; run `ecommpay-codegen reanchor`",
            "wallet.yaml:16:13: doc.txt:3: operations[0] (`wallet.gate.sale`): the text of source `3-10` changed (its lines no longer match the fingerprint; they now begin \"Запрос Sale\")",
            "wallet.yaml:16:13: doc.txt:6: a parameter row that no reference cites and operations[0] (`wallet.gate.sale`) does not name: \"• loyalty_id, string — идентификатор в программе лояльности\": transcribe it (a param with its `original` and `source`)",
        ]
    );
}

#[test]
fn new_lines_no_reference_cites_are_named_as_one_run() {
    let seeds = support::scratch("reanchor-new-section");
    let mut after = read(&fixture().join("before/doc.txt"));
    after.push_str("Выплаты\n\nДля выплаты отправьте запрос.\n");
    std::fs::write(seeds.join("doc.txt"), after).expect("write the document");
    assert_eq!(
        headlines_with(&fixture().join("spec"), &seeds),
        [
            "wallet.yaml:65:13: doc.txt:13-15: 2 line(s) that no reference cites and no waived range covers (after examples[1] (`wallet-sale-callback`)), from \"Выплаты\": transcribe them, or waive them (`waived:` with a reason)"
        ]
    );
}

#[test]
fn a_waived_range_needs_a_reason_and_its_own_document() {
    let spec = support::scratch_spec("reanchor-waiver-rules");
    let wallet = spec.join("wallet.yaml");
    std::fs::write(
        &wallet,
        read(&wallet).replace(
            "waived:\n",
            "waived:\n  - source: \"other.txt:2@000000000000\"\n    reason: \" \"\n",
        ),
    )
    .expect("write the spec");
    let prefix = format!("{}/", spec.display());
    let found: Vec<String> = Generator::from_dir(&spec)
        .diagnostics(None)
        .expect("the spec loads")
        .iter()
        .map(|d| d.headline().replace(&prefix, ""))
        .collect();
    assert_eq!(
        found,
        [
            "wallet.yaml:1:1: the waived range `other.txt:2` names a document: a file waives lines of its own document only",
            "wallet.yaml:1:1: the waived range `other.txt:2` needs a `reason`",
        ]
    );
}

#[test]
fn a_removed_row_whose_words_stand_elsewhere_is_named_not_moved() {
    // The email row is gone; its words now stand on another section's line. Following them there
    // would point the param at a line that is not its own, and `check` would pass.
    let seeds = support::scratch("reanchor-look-alike");
    let before = read(&fixture().join("before/doc.txt"));
    let after = before
        .replace(
            "Примечание: карта Visa.\n",
            "Примечание: карта Visa. email — адрес электронной почты пользователя\n",
        )
        .replace(
            "email — адрес электронной почты пользователя\nExample",
            "Example",
        );
    std::fs::write(seeds.join("doc.txt"), after).expect("write the document");
    let found = headlines_with(&fixture().join("spec"), &seeds);
    assert!(
        found.iter().any(|h| h.starts_with(
            "wallet.yaml:34:17: doc.txt:2: operations[0].params[3] (`customer.email`): its row \
             moved alone, from line 5 to 2"
        )),
        "{found:#?}"
    );
    // reanchor leaves it for the maintainer.
    let spec = support::scratch_spec("reanchor-look-alike-spec");
    let out = codegen(&[
        "--spec",
        spec.to_str().unwrap(),
        "reanchor",
        "--seeds",
        seeds.to_str().unwrap(),
    ]);
    assert!(
        text(&out.stdout).contains("could not place"),
        "{}",
        text(&out.stdout)
    );
    assert!(read(&spec.join("wallet.yaml")).contains("source: '5'"));
}

#[test]
fn a_parameter_row_that_moved_alone_is_named_not_followed() {
    // The email row moves below the example: a row leaving its list (optional to required, say).
    let seeds = support::scratch("reanchor-moved-alone");
    let before = read(&fixture().join("before/doc.txt"));
    let row = "email — адрес электронной почты пользователя\n";
    let after = before
        .replacen(row, "", 1)
        .replace("Example callback:\n", &format!("{row}Example callback:\n"));
    std::fs::write(seeds.join("doc.txt"), &after).expect("write the document");
    let now = after.lines().position(|l| l.starts_with("email")).unwrap() + 1;
    let found = headlines_with(&fixture().join("spec"), &seeds);
    assert!(
        found.iter().any(|h| h.contains(&format!(
            "doc.txt:{now}: operations[0].params[3] (`customer.email`): its row moved alone, from \
             line 5 to {now}, away from the rows around it"
        ))),
        "{found:#?}"
    );
}
