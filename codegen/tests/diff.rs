//! The semantic diff: one fixture pair per rule. Each test takes the `valid` fixture as the old
//! spec and the same with one edit as the new, and states the exact changes reported.

use std::path::{Path, PathBuf};
use std::process::Command;

use ecommpay_codegen::Generator;
// The IRs are built before their scratch directories go: the internals `Generator::diff` runs.
use ecommpay_codegen::__private::{Ir, diff};
use ecommpay_codegen::diff::{Change, Direction, Severity};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid")
}

fn unchecked_ir(dir: &Path) -> Result<Ir, ecommpay_codegen::Error> {
    ecommpay_codegen::__private::unchecked_ir(&Generator::from_dir(dir))
}

/// A copy of the `valid` fixture's spec files in a fresh directory, with `edits` applied to the
/// file they name: `(file, from, to)`, `from` present exactly once.
fn edited(name: &str, edits: &[(&str, &str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ecommpay-diff-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temp dir");
    for file in ["common.yaml", "wallet.yaml"] {
        let mut text = std::fs::read_to_string(fixture().join(file)).expect("the fixture");
        for (target, from, to) in edits {
            if *target == file {
                assert_eq!(text.matches(from).count(), 1, "{from:?} in {file}");
                text = text.replace(from, to);
            }
        }
        std::fs::write(dir.join(file), text).expect("the copy");
    }
    dir
}

/// Every change from the fixture to its edited copy.
fn all_changes(name: &str, edits: &[(&str, &str, &str)]) -> Vec<Change> {
    let dir = edited(name, edits);
    let changes = Generator::from_dir(fixture())
        .diff(&Generator::from_dir(&dir))
        .expect("the fixture and its edited copy build");
    let _ = std::fs::remove_dir_all(&dir);
    changes
}

fn is_surface(c: &Change) -> bool {
    matches!(c.direction, Direction::RustApi | Direction::Schemas)
}

/// The semantic changes (what payloads may carry), as `severity direction operation path: change`.
fn changes(name: &str, edits: &[(&str, &str, &str)]) -> Vec<String> {
    all_changes(name, edits)
        .iter()
        .filter(|c| !is_surface(c))
        .map(render)
        .collect()
}

/// The changes of the public surface (generated Rust items, schema definition names).
fn surface(name: &str, edits: &[(&str, &str, &str)]) -> Vec<String> {
    all_changes(name, edits)
        .iter()
        .filter(|c| is_surface(c))
        .map(render)
        .collect()
}

fn render(c: &Change) -> String {
    let path = if c.path.is_empty() {
        String::new()
    } else {
        format!(" {}", c.path)
    };
    format!(
        "{} {} {}{path}: {}",
        c.severity.as_str(),
        c.direction.as_str(),
        c.operation,
        c.change
    )
}

const NAME_FIELD: (&str, &str, &str) = (
    "common.yaml",
    "      phone:\n        type: string\n        format: phone\n        description: Customer phone.\n",
    "      phone:\n        type: string\n        format: phone\n        description: Customer phone.\n      name:\n        type: string\n        description: Customer name.\n",
);

#[test]
fn identical_specs_have_no_changes() {
    assert_eq!(changes("identical", &[]), Vec::<String>::new());
}

#[test]
fn a_new_optional_request_field_is_compatible() {
    assert_eq!(
        changes("new-optional", &[NAME_FIELD]),
        ["compatible gate request wallet.gate.sale customer.name: new optional field"]
    );
}

#[test]
fn a_new_required_request_field_is_breaking() {
    assert_eq!(
        changes(
            "new-required",
            &[
                NAME_FIELD,
                (
                    "wallet.yaml",
                    "      - path: customer.id\n        requirement: conditional\n",
                    "      - path: customer.id\n        requirement: conditional\n      - path: customer.name\n        requirement: required\n",
                ),
            ]
        ),
        // A required member makes its object required too.
        [
            "breaking gate request wallet.gate.sale customer: optional -> required",
            "breaking gate request wallet.gate.sale customer.name: new required field",
        ]
    );
}

/// `customer.phone` removed from the shared object, the operation's params and its rules.
const PHONE_REMOVED: [(&str, &str, &str); 4] = [
    (
        "common.yaml",
        "      phone:\n        type: string\n        format: phone\n        description: Customer phone.\n",
        "",
    ),
    (
        "wallet.yaml",
        "      - path: customer.phone\n        requirement: one_of\n        group: contact\n",
        "",
    ),
    (
        "wallet.yaml",
        "        fields: [customer.email, customer.phone]\n",
        "        fields: [customer.email]\n",
    ),
    (
        "wallet.yaml",
        "      - kind: requires\n        field: customer.phone\n        requires: [customer.id]\n",
        "",
    ),
];

#[test]
fn a_removed_request_field_is_breaking() {
    assert_eq!(
        changes("removed", &PHONE_REMOVED),
        // The one-of group changed: a new (narrower) rule in place of the old one.
        [
            "breaking gate request wallet.gate.sale: new rule OneOf { group: \"contact\", fields: [\"customer.email\"] }",
            "breaking gate request wallet.gate.sale customer.phone: field removed",
            "compatible gate request wallet.gate.sale: rule dropped OneOf { group: \"contact\", fields: [\"customer.email\", \"customer.phone\"] }",
            "compatible gate request wallet.gate.sale: rule dropped Requires { field: \"customer.phone\", requires: [\"customer.id\"] }",
        ]
    );
}

#[test]
fn optional_made_required_is_breaking_and_the_reverse_compatible() {
    let required = (
        "wallet.yaml",
        "      - path: customer.id\n        requirement: conditional\n",
        "      - path: customer.id\n        requirement: required\n",
    );
    assert_eq!(
        changes("made-required", &[required]),
        [
            "breaking gate request wallet.gate.sale customer: optional -> required",
            "breaking gate request wallet.gate.sale customer.id: optional -> required",
        ]
    );
    let optional = (
        "wallet.yaml",
        "      - path: general.payment_id\n        requirement: required\n",
        "      - path: general.payment_id\n        requirement: optional\n",
    );
    assert_eq!(
        changes("made-optional", &[optional]),
        ["compatible gate request wallet.gate.sale general.payment_id: required -> optional"]
    );
}

#[test]
fn a_narrower_format_is_breaking_and_a_dropped_one_compatible() {
    let narrower = (
        "common.yaml",
        "      id:\n        type: string\n        description: Customer identifier.\n",
        "      id:\n        type: string\n        format: cpf\n        description: Customer identifier.\n",
    );
    assert_eq!(
        changes("format-added", &[narrower]),
        ["breaking gate request wallet.gate.sale customer.id: format `cpf` added"]
    );
    let dropped = (
        "common.yaml",
        "        type: string\n        format: phone\n",
        "        type: string\n",
    );
    assert_eq!(
        changes("format-dropped", &[dropped]),
        ["compatible gate request wallet.gate.sale customer.phone: format `phone` dropped"]
    );
}

#[test]
fn an_enum_narrowed_is_breaking_and_widened_compatible() {
    let id = |values: &str| {
        format!(
            "      id:\n        type: string\n        enum: [{values}]\n        description: Customer identifier.\n"
        )
    };
    let base = id("a, b");
    let narrower = id("a");
    let wider = id("a, b, c");
    let with_enum = (
        "common.yaml",
        "      id:\n        type: string\n        description: Customer identifier.\n",
        base.as_str(),
    );
    assert_eq!(
        changes("enum-new", &[with_enum]),
        ["breaking gate request wallet.gate.sale customer.id: now an enum of \"a\", \"b\""]
    );
    // Compare an enum with its narrowed and widened versions.
    let old_dir = edited("enum-base", &[with_enum]);
    let narrowed_dir = edited(
        "enum-narrowed",
        &[(
            "common.yaml",
            "      id:\n        type: string\n        description: Customer identifier.\n",
            narrower.as_str(),
        )],
    );
    let widened_dir = edited(
        "enum-widened",
        &[(
            "common.yaml",
            "      id:\n        type: string\n        description: Customer identifier.\n",
            wider.as_str(),
        )],
    );
    let ir = |dir: &Path| unchecked_ir(dir).expect("builds");
    let old = ir(&old_dir);
    let narrowed: Vec<String> = diff(&old, &ir(&narrowed_dir)).iter().map(render).collect();
    let widened: Vec<String> = diff(&old, &ir(&widened_dir)).iter().map(render).collect();
    for dir in [old_dir, narrowed_dir, widened_dir] {
        let _ = std::fs::remove_dir_all(dir);
    }
    assert_eq!(
        narrowed,
        [
            "breaking gate request wallet.gate.sale customer.id: enum: value \"b\" removed",
            "breaking rust api shared::CustomerId B: variant removed",
        ]
    );
    assert_eq!(
        widened,
        [
            "compatible gate request wallet.gate.sale customer.id: enum: new value \"c\"",
            "compatible rust api shared::CustomerId C: new variant",
        ]
    );
}

#[test]
fn a_tighter_range_is_breaking_and_a_looser_one_compatible() {
    let range = |min: i64| {
        format!(
            "      project_id:\n        type: integer\n        minimum: {min}\n        description: Project identifier.\n      payment_id:"
        )
    };
    let from = "      project_id:\n        type: integer\n        description: Project identifier.\n      payment_id:";
    let one = range(1);
    let ten = range(10);
    assert_eq!(
        changes("range-new", &[("common.yaml", from, one.as_str())]),
        ["breaking gate request wallet.gate.sale general.project_id: minimum none -> 1"]
    );
    let old_dir = edited("range-base", &[("common.yaml", from, ten.as_str())]);
    let looser_dir = edited("range-looser", &[("common.yaml", from, one.as_str())]);
    let ir = |dir: &Path| unchecked_ir(dir).expect("builds");
    let looser: Vec<String> = diff(&ir(&old_dir), &ir(&looser_dir))
        .iter()
        .map(render)
        .collect();
    let tighter: Vec<String> = diff(&ir(&looser_dir), &ir(&old_dir))
        .iter()
        .map(render)
        .collect();
    for dir in [old_dir, looser_dir] {
        let _ = std::fs::remove_dir_all(dir);
    }
    assert_eq!(
        looser,
        ["compatible gate request wallet.gate.sale general.project_id: minimum 10 -> 1"]
    );
    assert_eq!(
        tighter,
        ["breaking gate request wallet.gate.sale general.project_id: minimum 1 -> 10"]
    );
}

#[test]
fn a_new_rule_is_breaking() {
    assert_eq!(
        changes(
            "new-rule",
            &[(
                "wallet.yaml",
                "      - kind: requires\n        field: customer.phone\n        requires: [customer.id]\n",
                "      - kind: requires\n        field: customer.phone\n        requires: [customer.id]\n      - kind: requires\n        field: customer.email\n        requires: [customer.id]\n",
            )]
        ),
        [
            "breaking gate request wallet.gate.sale: new rule Requires { field: \"customer.email\", requires: [\"customer.id\"] }"
        ]
    );
}

const CALLBACK_FIELD: (&str, &str, &str) = (
    "common.yaml",
    "  callback:\n    description: A callback.\n    fields:\n",
    "  callback:\n    description: A callback.\n    fields:\n      status:\n        type: string\n        known_values: [success]\n        description: Status.\n",
);

#[test]
fn a_new_callback_field_is_compatible_but_listed() {
    assert_eq!(
        changes("callback-field", &[CALLBACK_FIELD]),
        [
            "compatible callback callback status: new optional field",
            "compatible callback wallet.callback.sale status: new optional field",
        ]
    );
}

#[test]
fn a_new_callback_value_is_compatible_and_a_removed_one_breaking() {
    let base = edited("callback-base", &[CALLBACK_FIELD]);
    let more = edited(
        "callback-more",
        &[(
            "common.yaml",
            CALLBACK_FIELD.1,
            &CALLBACK_FIELD.2.replace("[success]", "[success, decline]"),
        )],
    );
    let ir = |dir: &Path| unchecked_ir(dir).expect("builds");
    let added: Vec<String> = diff(&ir(&base), &ir(&more)).iter().map(render).collect();
    let removed: Vec<String> = diff(&ir(&more), &ir(&base)).iter().map(render).collect();
    for dir in [base, more] {
        let _ = std::fs::remove_dir_all(dir);
    }
    assert_eq!(
        added,
        [
            "compatible callback callback status: known values: new value \"decline\"",
            "compatible callback wallet.callback.sale status: known values: new value \"decline\"",
            // The enum is `#[non_exhaustive]`: a match has its wildcard arm already.
            "compatible rust api callback::CallbackStatus Decline: new variant",
        ]
    );
    assert_eq!(
        removed,
        [
            "breaking callback callback status: known values: value \"decline\" removed",
            "breaking callback wallet.callback.sale status: known values: value \"decline\" removed",
            "breaking rust api callback::CallbackStatus Decline: variant removed",
        ]
    );
}

#[test]
fn a_removed_callback_field_is_breaking() {
    let dir = edited("callback-removed-base", &[CALLBACK_FIELD]);
    let ir = |dir: &Path| unchecked_ir(dir).expect("builds");
    let old = ir(&dir);
    let new = unchecked_ir(&fixture()).expect("builds");
    let _ = std::fs::remove_dir_all(&dir);
    let changes: Vec<String> = diff(&old, &new).iter().map(render).collect();
    assert_eq!(
        changes,
        [
            "breaking callback callback status: field removed (the typed callback loses it; its value lands in `extra`)",
            "breaking callback wallet.callback.sale status: field removed (the typed callback loses it; its value lands in `extra`)",
            "breaking rust api callback::Callback status: field removed",
            "breaking rust api callback::CallbackStatus: removed",
        ]
    );
}

#[test]
fn a_new_operation_is_compatible_and_a_removed_one_breaking() {
    let refund = "  - id: wallet.callback.sale\n";
    let with_refund = "  - id: wallet.gate.refund\n    title: Refund\n    interface: gate\n    action: refund\n    source: \"1-6\"\n    http_method: POST\n    path: /v2/payment/wallet/refund\n    path_group: /v2/payment/{payment_method}/refund\n    objects: [general]\n  - id: wallet.callback.sale\n";
    assert_eq!(
        changes("new-operation", &[("wallet.yaml", refund, with_refund)]),
        ["compatible gate request wallet.gate.refund: new operation"]
    );
    let dir = edited("removed-operation", &[("wallet.yaml", refund, with_refund)]);
    let old = unchecked_ir(&dir).expect("builds");
    let new = unchecked_ir(&fixture()).expect("builds");
    let _ = std::fs::remove_dir_all(&dir);
    let changes: Vec<String> = diff(&old, &new).iter().map(render).collect();
    assert_eq!(
        changes,
        [
            "breaking gate request wallet.gate.refund: operation removed",
            "breaking rust api wallet::RefundRequest: removed",
            "breaking rust api wallet::builder::RefundRequestBuilder: removed",
            "breaking schemas wallet.gate.refund.json: definition removed or renamed",
            "breaking schemas wallet.gate.refund.json#/$defs/General: definition removed or renamed",
            "breaking schemas wallet.gate.refund.json#/$defs/SignableValue: definition removed or renamed",
        ]
    );
}

#[test]
fn a_changed_action_is_breaking() {
    // Whether the client may send a request again follows what the operation does.
    assert_eq!(
        changes(
            "action",
            &[(
                "wallet.yaml",
                "    action: purchase\n",
                "    action: refund\n"
            )]
        ),
        ["breaking gate request wallet.gate.sale: action purchase -> refund"]
    );
}

#[test]
fn breaking_changes_come_first() {
    let changes = {
        let old = unchecked_ir(&fixture()).expect("builds");
        let dir = edited(
            "order",
            &[
                NAME_FIELD,
                (
                    "wallet.yaml",
                    "      - path: customer.id\n        requirement: conditional\n",
                    "      - path: customer.id\n        requirement: required\n",
                ),
            ],
        );
        let new = unchecked_ir(&dir).expect("builds");
        let _ = std::fs::remove_dir_all(&dir);
        diff(&old, &new)
    };
    let severities: Vec<Severity> = changes.iter().map(|c| c.severity).collect();
    let breaking = severities
        .iter()
        .take_while(|s| **s == Severity::Breaking)
        .count();
    assert!(
        breaking >= 2 && breaking < severities.len(),
        "{severities:?}"
    );
    assert!(
        severities[breaking..]
            .iter()
            .all(|s| *s == Severity::Compatible)
    );
}

/// The command on the real spec: a copy with one required field added is reported as breaking,
/// with exit status 1; the spec against itself is clean, exit 0; `--json` counts.
#[test]
fn the_command_exits_1_on_a_breaking_change_of_the_real_spec() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let copy = std::env::temp_dir().join(format!("ecommpay-diff-real-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&copy);
    std::fs::create_dir_all(&copy).expect("a temp dir");
    for entry in std::fs::read_dir(&spec).expect("the spec") {
        let path = entry.expect("an entry").path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let mut text = std::fs::read_to_string(&path).expect("a spec file");
            if path.file_name().is_some_and(|n| n == "astropay.yaml") {
                let from = "      - path: payment_methods_options\n        requirement: optional\n";
                assert_eq!(text.matches(from).count(), 1);
                text = text.replace(
                    from,
                    "      - path: payment_methods_options\n        requirement: required\n",
                );
            }
            std::fs::write(copy.join(path.file_name().unwrap()), text).expect("the copy");
        }
    }
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_ecommpay-codegen"))
            .arg("diff")
            .args(args)
            .output()
            .expect("the binary runs")
    };
    let same = run(&[spec.to_str().unwrap(), spec.to_str().unwrap()]);
    assert_eq!(same.status.code(), Some(0));
    assert!(same.stdout.is_empty());
    let out = run(&[spec.to_str().unwrap(), copy.to_str().unwrap()]);
    let json = run(&[spec.to_str().unwrap(), copy.to_str().unwrap(), "--json"]);
    let _ = std::fs::remove_dir_all(&copy);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "breaking    payment page  astropay.payment_page.purchase  payment_methods_options: optional -> required\n\
         breaking    rust api      astropay::PurchaseParams  payment_methods_options: field retyped: `Option<JsonString>` -> `JsonString`\n"
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "2 breaking, 0 compatible change(s)\n"
    );
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(report["breaking"], 2);
    assert_eq!(report["changes"][0]["path"], "payment_methods_options");
    let unreadable = run(&["/nonexistent/spec", spec.to_str().unwrap()]);
    assert_eq!(unreadable.status.code(), Some(2));
}

// ---------------------------------------------------------------------------------------------
// What users' code meets: the generated Rust items and the schemas' definition names. Each
// evolution rule of spec/README.md with the verdict a user's program feels.

#[test]
fn a_new_optional_field_adds_a_field_to_a_non_exhaustive_struct_and_a_setter() {
    assert_eq!(
        surface("surface-new-optional", &[NAME_FIELD]),
        [
            "compatible rust api shared::Customer name: new field",
            "compatible rust api shared::builder::CustomerBuilder::name: new item",
        ]
    );
}

#[test]
fn optional_made_required_retypes_a_request_field_and_no_object_type() {
    let required = (
        "wallet.yaml",
        "      - path: customer.id\n        requirement: conditional\n",
        "      - path: customer.id\n        requirement: required\n",
    );
    assert_eq!(
        surface("surface-made-required", &[required]),
        [
            // `customer.id` is the operation's rule (its `build()` and `Validate` name it):
            // the object's type keeps the field optional. The request's own field is its type's.
            "breaking rust api wallet::SaleRequest customer: field retyped: `Option<Customer>` -> `Customer`",
        ]
    );
}

#[test]
fn a_narrower_format_retypes_the_field_and_its_setter() {
    let narrower = (
        "common.yaml",
        "      id:\n        type: string\n        description: Customer identifier.\n",
        "      id:\n        type: string\n        format: cpf\n        description: Customer identifier.\n",
    );
    assert_eq!(
        surface("surface-format", &[narrower]),
        [
            "breaking rust api shared::Customer id: field retyped: `Option<String>` -> `Option<Cpf>`",
            "breaking rust api shared::builder::CustomerBuilder::id: signature changed: `fn id<V: Into<String>>(mut self, value: V) -> Self` -> `fn id<V: TryInto<Cpf>>(mut self, value: V) -> Self where V::Error: std::fmt::Display,`",
        ]
    );
}

#[test]
fn a_new_operation_adds_types_and_a_schema_and_renames_nothing() {
    let refund = "  - id: wallet.callback.sale\n";
    let with_refund = "  - id: wallet.gate.refund\n    title: Refund\n    interface: gate\n    action: refund\n    source: \"1-6\"\n    http_method: POST\n    path: /v2/payment/wallet/refund\n    path_group: /v2/payment/{payment_method}/refund\n    objects: [general]\n  - id: wallet.callback.sale\n";
    assert_eq!(
        surface(
            "surface-new-operation",
            &[("wallet.yaml", refund, with_refund)]
        ),
        [
            "compatible rust api wallet::RefundRequest: new item",
            "compatible rust api wallet::builder::RefundRequestBuilder: new item",
            "compatible schemas wallet.gate.refund.json: new definition",
            "compatible schemas wallet.gate.refund.json#/$defs/General: new definition",
            // Its other parameters' values refer to it (`emit::signable`).
            "compatible schemas wallet.gate.refund.json#/$defs/SignableValue: new definition",
        ]
    );
}

#[test]
fn a_removed_field_removes_the_field_and_its_setter() {
    assert_eq!(
        surface("surface-removed", &PHONE_REMOVED),
        [
            "breaking rust api shared::Customer phone: field removed",
            "breaking rust api shared::builder::CustomerBuilder::phone: removed",
        ]
    );
}

#[test]
fn an_enum_on_a_string_field_is_a_new_type() {
    let with_enum = (
        "common.yaml",
        "      id:\n        type: string\n        description: Customer identifier.\n",
        "      id:\n        type: string\n        enum: [a, b]\n        description: Customer identifier.\n",
    );
    assert_eq!(
        surface("surface-enum", &[with_enum]),
        [
            "breaking rust api shared::Customer id: field retyped: `Option<String>` -> `Option<CustomerId>`",
            "breaking rust api shared::builder::CustomerBuilder::id: signature changed: `fn id<V: Into<String>>(mut self, value: V) -> Self` -> `fn id<V: TryInto<CustomerId>>(mut self, value: V) -> Self where V::Error: std::fmt::Display,`",
            "compatible rust api shared::CustomerId: new item",
        ]
    );
}

#[test]
fn a_field_an_operation_no_longer_takes_is_breaking() {
    // `requirement: omitted`: the operation does not take the shared object's field any more.
    let omitted = [
        (
            "wallet.yaml",
            "      - path: customer.id\n        requirement: conditional\n",
            "      - path: customer.id\n        requirement: omitted\n",
        ),
        (
            "wallet.yaml",
            "      - kind: required_if\n        field: customer.id\n        when: {fact: card_is_visa}\n",
            "",
        ),
        (
            "wallet.yaml",
            "      - kind: requires\n        field: customer.phone\n        requires: [customer.id]\n",
            "",
        ),
    ];
    let all: Vec<String> = all_changes("omitted", &omitted)
        .iter()
        .map(render)
        .collect();
    assert_eq!(
        all,
        [
            // The object's type keeps the field (other operations may take it, and a request
            // may carry any parameter of the platform): the operation's schema and validator
            // no longer name it.
            "breaking gate request wallet.gate.sale customer.id: field removed",
            "compatible gate request wallet.gate.sale: rule dropped RequiredIf { field: \"customer.id\", when: Fact(\"card_is_visa\") }",
            "compatible gate request wallet.gate.sale: rule dropped Requires { field: \"customer.phone\", requires: [\"customer.id\"] }",
        ]
    );
}

#[test]
fn a_spec_from_before_action_diffs_with_the_action_its_ids_named() {
    // `diff HEAD~1:spec` across the format change that added `action`: no change where the
    // declared action is the one the id named.
    let dir = edited(
        "before-action",
        &[("wallet.yaml", "    action: purchase\n", "")],
    );
    let old = unchecked_ir(&dir).expect("a spec without action still diffs");
    let new = unchecked_ir(&fixture()).expect("builds");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(diff(&old, &new), Vec::<Change>::new());
}
