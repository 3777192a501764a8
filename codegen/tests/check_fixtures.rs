//! One test per check: each fixture under `tests/fixtures/` is the `valid` spec with one thing
//! broken, and the test states the exact diagnostics it must produce (file, line, column,
//! message). Fixtures carry their own tiny vendor document in `seeds/`.

use std::path::{Path, PathBuf};

use ecommpay_codegen::diagnostics::Diagnostic;
use ecommpay_codegen::load::{LoadedSpec, load_dir};
use ecommpay_codegen::pipeline::diagnose;

fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(case)
}

fn load(case: &str) -> LoadedSpec {
    let dir = fixture(case);
    load_dir(&dir).unwrap_or_else(|e| panic!("fixture `{case}` cannot be loaded: {e}"))
}

/// Headlines with the fixture directory stripped, so they read `wallet.yaml:10:5: ...`.
fn relative(case: &str, diagnostics: Vec<Diagnostic>) -> Vec<String> {
    let prefix = format!("{}/", fixture(case).display());
    diagnostics
        .iter()
        .map(|d| d.headline().replace(&prefix, ""))
        .collect()
}

/// The sorted diagnostics of checking `case` against its own `seeds/`.
fn headlines(case: &str) -> Vec<String> {
    let loaded = load(case);
    let seeds = fixture(case).join("seeds");
    relative(case, diagnose(&loaded, Some(&seeds)).0.sorted())
}

#[track_caller]
fn assert_headlines(case: &str, expected: &[&str]) {
    let expected: Vec<String> = expected.iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(headlines(case), expected, "diagnostics of fixture `{case}`");
}

// ---------------------------------------------------------------------------------------------
// The valid fixture, and the seeds switch.

#[test]
fn valid_fixture_is_clean() {
    let loaded = load("valid");
    assert_eq!(loaded.files.len(), 2);
    assert_headlines("valid", &[]);
}

#[test]
fn without_seeds_printed_text_is_not_compared() {
    let loaded = load("printed_differs");
    assert!(diagnose(&loaded, None).0.is_empty());
}

#[test]
fn seeds_directory_without_the_document() {
    let loaded = load("valid");
    // The fixtures directory holds no `doc.txt`.
    let seeds = fixture("");
    assert_eq!(
        relative("valid", diagnose(&loaded, Some(&seeds)).0.sorted()),
        [
            "common.yaml:5:13: facts[0] (`card_is_visa`): document `doc.txt` is not in the seeds directory",
            "wallet.yaml:1:1: document `doc.txt` is not in the seeds directory"
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Loader: YAML syntax, duplicate keys, unknown keys, wrong value types. A file that does not
// parse is left out of the spec entirely (never half-read).

#[test]
fn yaml_syntax_error() {
    // `objects: [general, customer` is never closed; the parser notices on the next key.
    assert_headlines(
        "yaml_syntax",
        &["wallet.yaml:19:11: illegal placement of ':' indicator"],
    );
    let loaded = load("yaml_syntax");
    let names: Vec<_> = loaded
        .files
        .iter()
        .map(|f| f.path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["common.yaml"]);
}

#[test]
fn duplicate_key_is_an_error_and_never_overwrites() {
    assert_headlines(
        "duplicate_key",
        &["wallet.yaml:44:5: duplicate mapping key: title"],
    );
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

#[test]
fn unknown_key() {
    assert_headlines(
        "unknown_key",
        &[
            "wallet.yaml:23:9: unknown field `requirment`, expected one of path, type, accepts, \
             format, object, fields, items, enum, excludes, known_values, minimum, maximum, min_length, \
             max_length, requirement, group, signature, description, original, source",
        ],
    );
}

#[test]
fn wrong_value_type() {
    assert_headlines(
        "wrong_type",
        &[
            "wallet.yaml:23:22: unknown variant `mandatory`, expected one of required, optional, \
             recommended, conditional, one_of, forbidden, omitted",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Dangling references.

#[test]
fn unknown_shared_object_in_objects() {
    assert_headlines(
        "unknown_object",
        &["wallet.yaml:10:5: operation `wallet.gate.sale` uses unknown shared object `client`"],
    );
}

#[test]
fn unknown_shared_object_in_field_object() {
    assert_headlines(
        "unknown_field_object",
        &["common.yaml:31:9: `customer.address`: unknown shared object `address`"],
    );
}

#[test]
fn unknown_reports_on() {
    assert_headlines(
        "unknown_reports_on",
        &[
            "wallet.yaml:42:5: operation `wallet.callback.sale` reports on unknown operation \
             `wallet.gate.purchase`",
        ],
    );
}

#[test]
fn unknown_example_operation() {
    assert_headlines(
        "unknown_example_operation",
        &[
            "wallet.yaml:58:5: example `wallet-sale-callback`: unknown operation \
             `wallet.callback.purchase`",
        ],
    );
}

#[test]
fn unknown_example_variant() {
    assert_headlines(
        "unknown_example_variant",
        &[
            "wallet.yaml:49:5: example `wallet-sale-request`: operation `wallet.gate.sale` has no \
             variant `channel_1`",
        ],
    );
}

#[test]
fn unknown_duplicate_of() {
    assert_headlines(
        "unknown_duplicate_of",
        &[
            "wallet.yaml:49:5: example `wallet-sale-request`: `duplicate_of` names unknown example \
             `wallet-refund-request`",
        ],
    );
}

#[test]
fn unknown_fact_in_a_predicate() {
    assert_headlines(
        "unknown_fact",
        &[
            "wallet.yaml:33:9: operation `wallet.gate.sale`: rule `required_if`: unknown fact \
             `card_is_mastercard` (declare it under `facts` in common.yaml)",
        ],
    );
}

#[test]
fn unknown_field_in_a_predicate() {
    assert_headlines(
        "predicate_unknown_field",
        &[
            "wallet.yaml:33:9: operation `wallet.gate.sale`: rule `required_if`: the predicate \
             names `customer.fax`, which does not exist (`customer.fax` is not declared)",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Duplicate names: reported at the second definition, pointing at the first.

#[test]
fn duplicate_operation_id() {
    assert_headlines(
        "duplicate_operation_id",
        &[
            "wallet.yaml:48:5: duplicate operation id `wallet.callback.sale` (first defined at \
             wallet.yaml:42:5)",
        ],
    );
}

#[test]
fn duplicate_example_id() {
    assert_headlines(
        "duplicate_example_id",
        &[
            "wallet.yaml:58:5: duplicate example id `wallet-sale-request` (first defined at \
             wallet.yaml:49:5)",
        ],
    );
}

#[test]
fn duplicate_fact() {
    assert_headlines(
        "duplicate_fact",
        &["common.yaml:6:5: duplicate fact `card_is_visa` (first defined at common.yaml:3:5)"],
    );
}

#[test]
fn duplicate_param_path() {
    assert_headlines(
        "duplicate_param_path",
        &[
            "wallet.yaml:24:9: duplicate param path `general.project_id` (first defined at \
             wallet.yaml:20:9)",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Rules and the params they govern.

#[test]
fn rule_naming_a_param_that_does_not_exist() {
    assert_headlines(
        "rule_unknown_param",
        &[
            "wallet.yaml:39:9: operation `wallet.gate.sale`: rule `requires`: names \
             `customer.ident`, which does not exist (`customer.ident` is not declared)",
        ],
    );
}

#[test]
fn rule_with_a_key_its_kind_does_not_take() {
    assert_headlines(
        "rule_extra_key",
        &["wallet.yaml:36:9: operation `wallet.gate.sale`: rule `one_of`: does not take `when`"],
    );
}

#[test]
fn rule_missing_a_key_its_kind_needs() {
    assert_headlines(
        "rule_missing_key",
        &["wallet.yaml:33:9: operation `wallet.gate.sale`: rule `required_if`: needs `when`"],
    );
}

#[test]
fn conditional_param_no_rule_names() {
    assert_headlines(
        "conditional_unnamed",
        &[
            "wallet.yaml:22:9: operation `wallet.gate.sale`: `general.payment_id` is conditional \
             but no rule names it as `field`",
        ],
    );
}

#[test]
fn one_of_param_in_no_one_of_rule() {
    assert_headlines(
        "one_of_unlisted",
        &[
            "wallet.yaml:22:9: operation `wallet.gate.sale`: `general.payment_id` is in one-of \
             group `contact` but no `one_of` rule of that group lists it",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Examples: JSON, declared fields, required params, errata, printed text, order.

#[test]
fn corrected_json_that_does_not_parse() {
    assert_headlines(
        "corrected_invalid",
        &[
            "wallet.yaml:58:5: example `wallet-sale-callback`: `corrected` is not valid JSON: EOF \
             while parsing an object at line 2 column 0",
        ],
    );
}

#[test]
fn example_using_an_undeclared_field() {
    assert_headlines(
        "undeclared_field",
        &[
            "wallet.yaml:49:5: example `wallet-sale-request`: uses `customer.nickname`, which \
             operation `wallet.gate.sale` does not declare (record an erratum `rule: \
             undeclared_field` with this path if the example is wrong)",
        ],
    );
}

#[test]
fn undeclared_field_excused_by_an_erratum() {
    assert_headlines("undeclared_field_erratum", &[]);
}

#[test]
fn example_lacking_a_required_param() {
    assert_headlines(
        "missing_required",
        &[
            "wallet.yaml:49:5: example `wallet-sale-request`: lacks `general.payment_id`, which \
             operation `wallet.gate.sale` requires (record an erratum `rule: missing_required` \
             with this path if the example is wrong)",
        ],
    );
}

#[test]
fn missing_required_excused_by_an_erratum() {
    assert_headlines("missing_required_erratum", &[]);
}

#[test]
fn stale_erratum_says_missing_but_present() {
    assert_headlines(
        "stale_erratum",
        &[
            "wallet.yaml:49:5: example `wallet-sale-request`: an erratum says \
             `general.payment_id` is missing, but the example has it",
        ],
    );
}

#[test]
fn stale_erratum_names_a_field_the_example_lacks() {
    assert_headlines(
        "stale_undeclared_erratum",
        &[
            "wallet.yaml:49:5: example `wallet-sale-request`: an erratum names \
             `customer.nickname`, which the example does not contain",
        ],
    );
}

#[test]
fn printed_text_differs_from_the_document() {
    assert_headlines(
        "printed_differs",
        &[
            r#"wallet.yaml:50:13: doc.txt:5: examples[0] (`wallet-sale-request`): the text changed: the spec has "\"customer\": {\"email\": \"a@example.com\"}", the document now "\"customer\": {\"email\": \"b@example.com\"}""#,
        ],
    );
}

#[test]
fn example_out_of_document_order() {
    assert_headlines(
        "example_out_of_order",
        &[
            "wallet.yaml:61:5: warning: example `wallet-sale-request` is out of document order (it \
             starts at line 3, before the previous one): move its block to keep the file in the \
             document's order",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Operations' interface keys, and the spec's files.

#[test]
fn gate_operation_without_path() {
    assert_headlines(
        "gate_without_path",
        &[
            "wallet.yaml:10:5: operation `wallet.gate.sale`: a Gate operation needs `http_method` \
             and `path`",
        ],
    );
}

#[test]
fn gate_operation_without_action() {
    assert_headlines(
        "gate_without_action",
        &[
            "wallet.yaml:10:5: operation `wallet.gate.sale`: a Gate or Payment Page operation \
             needs `action` (what it does to payments: purchase, auth, refund...)",
        ],
    );
}

#[test]
fn path_not_in_its_path_group() {
    assert_headlines(
        "path_not_in_group",
        &[
            "wallet.yaml:10:5: operation `wallet.gate.sale`: path `/v2/payout/wallet/sale` is not \
             in its group `/v2/payment/{payment_method}/sale`",
        ],
    );
}

#[test]
fn a_second_common_file() {
    assert_headlines(
        "second_common",
        &["extra.yaml:1:1: a second `kind: common` file; shared objects belong in common.yaml"],
    );
}

#[test]
fn enum_value_of_the_wrong_type() {
    // The YAML reader takes bare `Y` and `N` for booleans (YAML 1.1): both are reported.
    assert_headlines(
        "enum_value_type",
        &[
            "wallet.yaml:32:9: `customer.email_opt_in`: value `false` is not a string (YAML reads \
             bare Y, N, yes, no, true as booleans: quote it)",
            "wallet.yaml:32:9: `customer.email_opt_in`: value `true` is not a string (YAML reads \
             bare Y, N, yes, no, true as booleans: quote it)",
        ],
    );
}

#[test]
fn a_narrowed_enum_names_the_shared_values_it_leaves_undecided() {
    assert_headlines(
        "narrowed_enum_undecided",
        &[
            "wallet.yaml:32:9: operation `wallet.gate.sale`: `customer.kind` excludes `z`, which \
             the shared enum does not have",
            "wallet.yaml:32:9: warning: operation `wallet.gate.sale`: `customer.kind` narrows the \
             shared enum; the shared field also has `c`: add each to `enum` if this operation takes \
             it, or to `excludes` if it does not",
        ],
    );
}

#[test]
fn an_omitted_field_named_by_a_rule() {
    assert_headlines(
        "omitted_named_by_rule",
        &[
            "wallet.yaml:24:9: operation `wallet.gate.sale`: `customer.id` is omitted, yet a rule names it",
        ],
    );
}
