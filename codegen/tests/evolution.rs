//! The evolution rules of `spec/README.md`, each on a pair of specs: the fixture `golden` and
//! a copy with one vendor change. For each, `diff`'s verdict on the Rust API, and a compile
//! probe: a program written against the old generated crate, naming every public type of
//! every module, every field with its type, every builder setter with its field's type and
//! `build()`, and every enum variant, compiled against the new generated crate. The two must
//! agree: `diff` calls a Rust item breaking exactly when the probe does not compile.
//!
//! The probes are compiled by `cargo check` in `CARGO_TARGET_TMPDIR/evolution/` (offline, with
//! the workspace's lock file), beside `ecommpay-api` as the generated code's runtime, as the
//! golden crate compiles the fixture's output.

mod support;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use ecommpay_codegen::Generator;
use ecommpay_codegen::diff::{Direction, Severity};

/// One vendor change: `(file, from, to)` edits of the fixture, `from` present exactly once;
/// `to` of a file the fixture does not have is that file's whole text.
type Edit = (&'static str, &'static str, &'static str);

/// The fixture `golden` with `edits` applied, in a fresh directory.
fn edited(name: &str, edits: &[Edit]) -> PathBuf {
    let base = support::laid_out("golden");
    let dir = probes_root().join("specs").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a spec directory");
    for entry in std::fs::read_dir(&base).expect("the fixture") {
        let path = entry.expect("a fixture file").path();
        if path.extension().is_some_and(|e| e == "yaml") {
            std::fs::copy(&path, dir.join(path.file_name().unwrap())).expect("the copy");
        }
    }
    for (file, from, to) in edits {
        let path = dir.join(file);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                assert_eq!(text.matches(from).count(), 1, "{from:?} in {file}");
                std::fs::write(&path, text.replacen(from, to, 1)).expect("the edit");
            }
            Err(_) => std::fs::write(&path, to).expect("a new file"),
        }
    }
    dir
}

fn probes_root() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("evolution")
}

/// The generated Rust of a spec, checked first.
fn generated(spec: &Path) -> Vec<(String, String)> {
    Generator::from_dir(spec)
        .check(None)
        .unwrap_or_else(|e| panic!("{} is a valid spec: {e}", spec.display()))
        .rust()
        .expect("the spec generates")
        .into_iter()
        .map(|f| (f.name, f.contents))
        .collect()
}

/// A program that names every public item of `files` (one generated crate) as a user would.
fn probe_program(files: &[(String, String)]) -> String {
    let mut out = String::from(
        "// Every public type, field, setter and variant of the old generated crate.\n",
    );
    for (name, text) in files {
        let Some(module) = name.strip_suffix(".rs").filter(|m| *m != "mod") else {
            continue;
        };
        let file = syn::parse_file(text).expect("generated code parses");
        let structs: Vec<&syn::ItemStruct> = file
            .items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Struct(s) if matches!(s.vis, syn::Visibility::Public(_)) => Some(s),
                _ => None,
            })
            .collect();
        // Builders live in the module's `builder` submodule.
        let builders: Vec<String> = file
            .items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref(),
                _ => None,
            })
            .flat_map(|(_, items)| items)
            .filter_map(|item| match item {
                syn::Item::Struct(s) => Some(s.ident.to_string()),
                _ => None,
            })
            .collect();
        let has = |name: &str| builders.iter().any(|b| b == name);
        writeln!(
            out,
            "#[allow(unused_imports, dead_code, unused_variables, clippy::all)]\nmod probe_{module} {{\n    use crate::{module}::*;"
        )
        .unwrap();
        for s in &structs {
            let ty = &s.ident;
            let syn::Fields::Named(fields) = &s.fields else {
                continue;
            };
            let mut reads = String::new();
            let mut setters = String::new();
            let mut params = String::new();
            for (i, field) in fields.named.iter().enumerate() {
                if !matches!(field.vis, syn::Visibility::Public(_)) {
                    continue;
                }
                let ident = field.ident.as_ref().unwrap();
                let field_ty = &field.ty;
                let field_ty = quote::quote!(#field_ty).to_string();
                writeln!(reads, "        let _: &{field_ty} = &value.{ident};").unwrap();
                if ident == "extra" {
                    continue;
                }
                let set_ty = field_ty
                    .strip_prefix("Option < ")
                    .and_then(|t| t.strip_suffix(" >"))
                    .unwrap_or(&field_ty)
                    .to_owned();
                write!(params, ", v{i}: {set_ty}").unwrap();
                write!(setters, ".{ident}(v{i})").unwrap();
            }
            writeln!(out, "    fn read_{ty}(value: &{ty}) {{\n{reads}    }}").unwrap();
            if has(&format!("{ty}Builder")) {
                writeln!(
                    out,
                    "    fn build_{ty}(builder: builder::{ty}Builder{params}) -> Result<{ty}, ::ecommpay_api::BuildError> {{\n        builder{setters}.build()\n    }}\n    fn start_{ty}() -> builder::{ty}Builder {{ {ty}::builder() }}"
                )
                .unwrap();
            }
        }
        for item in &file.items {
            let syn::Item::Enum(e) = item else { continue };
            if !matches!(e.vis, syn::Visibility::Public(_)) {
                continue;
            }
            let ty = &e.ident;
            let variants: Vec<String> = e
                .variants
                .iter()
                .filter(|v| matches!(v.fields, syn::Fields::Unit))
                .map(|v| format!("{ty}::{}", v.ident))
                .collect();
            writeln!(
                out,
                "    fn variants_{ty}() -> Vec<{ty}> {{ vec![{}] }}",
                variants.join(", ")
            )
            .unwrap();
        }
        out.push_str("}\n");
    }
    out
}

/// Whether `program` compiles against the crate generated from `files`; the compiler's
/// errors when it does not.
fn compiles(name: &str, files: &[(String, String)], program: &str) -> Result<(), String> {
    let dir = probes_root().join("crates").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let generated = dir.join("src/generated");
    std::fs::create_dir_all(&generated).expect("the probe crate");
    let mut features = Vec::new();
    for (file, contents) in files {
        // The crate includes its modules from `OUT_DIR`, where its build script puts them.
        let contents = contents.replace(
            "concat!(env!(\"OUT_DIR\"), \"/generated/",
            "concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/src/generated/",
        );
        std::fs::write(generated.join(file), contents).expect("a generated file");
        if let Some(module) = file.strip_suffix(".rs")
            && !["mod", "callback", "shared"].contains(&module)
        {
            features.push(module.replace('_', "-"));
        }
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let api = workspace.join("ecommpay-api");
    let feature_lines: String = features.iter().map(|f| format!("{f} = []\n")).collect();
    let default: Vec<String> = features.iter().map(|f| format!("{f:?}")).collect();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"probe-{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[workspace]\n\n[features]\ndefault = [{}]\n{feature_lines}\n[dependencies]\necommpay-api = {{ path = {:?}, default-features = false }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = {{ version = \"1\", features = [\"preserve_order\"] }}\n\n[lints.rust]\nunexpected_cfgs = \"allow\"\n",
            default.join(", "),
            api.display().to_string(),
            name = name,
        ),
    )
    .expect("Cargo.toml");
    std::fs::copy(workspace.join("Cargo.lock"), dir.join("Cargo.lock")).expect("the lock file");
    std::fs::write(
        dir.join("src/lib.rs"),
        format!(
            "#[allow(clippy::all, missing_docs)]\nmod generated {{\n    include!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/src/generated/mod.rs\"));\n}}\npub use generated::*;\n{program}"
        ),
    )
    .expect("lib.rs");
    let output = Command::new(env!("CARGO"))
        .args(["check", "--offline", "--quiet", "--message-format=short"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", probes_root().join("target"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    if output.status.success() {
        Ok(())
    } else {
        let errors = String::from_utf8_lossy(&output.stderr);
        Err(errors
            .lines()
            .filter(|l| l.contains("error"))
            .collect::<Vec<_>>()
            .join("\n"))
    }
}

/// What one rule's pair shows: `diff`'s breaking Rust items, and the probe's verdict.
struct Verdicts {
    /// What payloads may carry, as `severity direction operation path: change`.
    semantic: Vec<String>,
    breaking_rust: Vec<String>,
    compatible_rust: Vec<String>,
    probe: Result<(), String>,
}

fn verdicts(name: &str, edits: &[Edit]) -> Verdicts {
    let old = support::laid_out("golden");
    let new = edited(name, edits);
    let old_files = generated(&old);
    let new_files = generated(&new);
    let program = probe_program(&old_files);
    {
        // Once a test binary: the probe compiles against the crate it was written for.
        static OLD: std::sync::Mutex<bool> = std::sync::Mutex::new(false);
        let mut done = OLD.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if !*done {
            compiles("golden", &old_files, &program)
                .expect("the probe compiles against its own crate");
            *done = true;
        }
    }
    let changes = Generator::from_dir(&old)
        .diff(&Generator::from_dir(&new))
        .expect("both specs build");
    let rust = |severity: Severity| -> Vec<String> {
        changes
            .iter()
            .filter(|c| c.direction == Direction::RustApi && c.severity == severity)
            .map(|c| match c.path.as_str() {
                "" => format!("{}: {}", c.operation, c.change),
                path => format!("{} {path}: {}", c.operation, c.change),
            })
            .collect()
    };
    Verdicts {
        semantic: changes
            .iter()
            .filter(|c| !matches!(c.direction, Direction::RustApi | Direction::Schemas))
            .map(|c| {
                format!(
                    "{} {} {} {}: {}",
                    c.severity.as_str(),
                    c.direction.as_str(),
                    c.operation,
                    c.path,
                    c.change
                )
            })
            .collect(),
        breaking_rust: rust(Severity::Breaking),
        compatible_rust: rust(Severity::Compatible),
        probe: compiles(name, &new_files, &program),
    }
}

/// The rule's verdicts agree: no breaking Rust item and the probe compiles, or both not.
fn assert_agree(name: &str, v: &Verdicts) {
    assert_eq!(
        v.breaking_rust.is_empty(),
        v.probe.is_ok(),
        "{name}: diff says {:?}, the probe {:?}",
        v.breaking_rust,
        v.probe
    );
}

const SALE_END: &str = "  - id: wallet.callback.sale\n";

#[test]
fn a_new_optional_field_in_one_operations_object_breaks_nothing() {
    let v = verdicts(
        "new-optional-field",
        &[(
            "wallet.yaml",
            "      - path: customer.phone\n        requirement: one_of\n        group: contact\n",
            "      - path: customer.phone\n        requirement: one_of\n        group: contact\n      - path: customer.middle_name\n        type: string\n        requirement: optional\n        description: Middle name.\n",
        )],
    );
    assert_agree("new-optional-field", &v);
    assert_eq!(
        v.compatible_rust,
        [
            "shared::Customer middle_name: new field",
            "shared::builder::CustomerBuilder::middle_name: new item"
        ]
    );
}

#[test]
fn a_new_operation_of_a_method_breaks_nothing() {
    let refund = "  - id: wallet.gate.refund\n    title: Refund\n    interface: gate\n    action: refund\n    source: \"1-6@c8abf08d0e3d\"\n    http_method: POST\n    path: /v2/payment/wallet/refund\n    path_group: /v2/payment/{payment_method}/refund\n    objects: [general, customer]\n    params:\n      - path: general.project_id\n        requirement: required\n      - path: customer.id\n        requirement: required\n      - path: customer.loyalty_id\n        type: string\n        requirement: optional\n        description: Loyalty card.\n";
    let with_refund: &'static str = Box::leak(format!("{refund}{SALE_END}").into_boxed_str());
    let v = verdicts("new-operation", &[("wallet.yaml", SALE_END, with_refund)]);
    assert_agree("new-operation", &v);
    assert!(v.breaking_rust.is_empty(), "{:?}", v.breaking_rust);
    assert!(
        v.compatible_rust
            .contains(&"wallet::RefundRequest: new item".to_owned()),
        "{:?}",
        v.compatible_rust
    );
}

#[test]
fn a_new_payment_method_breaks_nothing() {
    let bank = "kind: document\ndocument:\n  file: bank.txt\n  title: Bank\nmethod:\n  id: bank\n  name: Bank\n  code: bank\noperations:\n  - id: bank.gate.sale\n    title: Sale\n    interface: gate\n    action: purchase\n    source: \"1-6@c8abf08d0e3d\"\n    http_method: POST\n    path: /v2/payment/bank/sale\n    path_group: /v2/payment/{payment_method}/sale\n    objects: [general, customer]\n    params:\n      - path: general.project_id\n        requirement: required\n      - path: customer.id\n        requirement: required\n      - path: customer.iban\n        type: string\n        requirement: required\n        description: Account number.\n";
    let v = verdicts("new-method", &[("bank.yaml", "", bank)]);
    assert_agree("new-method", &v);
    assert!(v.breaking_rust.is_empty(), "{:?}", v.breaking_rust);
}

#[test]
fn a_member_of_a_required_object_made_required_is_the_operations_rule_and_compiles() {
    let v = verdicts(
        "member-required",
        &[
            (
                "wallet.yaml",
                "      - path: general.signature\n        requirement: optional\n",
                "      - path: general.signature\n        requirement: required\n",
            ),
            (
                "wallet.yaml",
                "\"general\": {\"project_id\": 1, \"payment_id\": \"p1\"}",
                "\"general\": {\"project_id\": 1, \"payment_id\": \"p1\", \"signature\": \"s\"}",
            ),
        ],
    );
    assert_agree("member-required", &v);
    // What a user's program feels is at run time (`Validate` names the member), and `diff`
    // says so beside the Rust API, which does not change.
    assert!(v.breaking_rust.is_empty(), "{:?}", v.breaking_rust);
    assert!(v.compatible_rust.is_empty(), "{:?}", v.compatible_rust);
    assert_eq!(
        v.semantic,
        ["breaking gate request wallet.gate.sale general.signature: optional -> required"]
    );
}

#[test]
fn a_member_made_required_makes_its_optional_object_required_and_the_probe_fails() {
    let v = verdicts(
        "member-required-object",
        &[
            (
                "wallet.yaml",
                "      - path: customer.kind\n        requirement: optional\n",
                "      - path: customer.kind\n        requirement: required\n",
            ),
            (
                "wallet.yaml",
                "\"customer\": {\"email\": \"a@example.com\"}",
                "\"customer\": {\"email\": \"a@example.com\", \"kind\": \"person\"}",
            ),
        ],
    );
    assert_agree("member-required-object", &v);
    // The member is the operation's rule; the request's own field holds its object, which
    // the operation now requires: that field is retyped.
    assert_eq!(
        v.breaking_rust,
        ["wallet::SaleRequest customer: field retyped: `Option<Customer>` -> `Customer`"]
    );
}

#[test]
fn a_removed_field_breaks_and_the_probe_fails() {
    let v = verdicts(
        "removed-field",
        &[
            (
                "common.yaml",
                "      kind:\n        type: string\n        enum: [person, company]\n        description: Customer kind.\n",
                "",
            ),
            (
                "wallet.yaml",
                "      - path: customer.kind\n        requirement: optional\n",
                "",
            ),
        ],
    );
    assert_agree("removed-field", &v);
    assert!(
        v.probe.as_ref().unwrap_err().contains("kind"),
        "{:?}",
        v.probe
    );
    assert!(
        v.breaking_rust
            .contains(&"shared::Customer kind: field removed".to_owned()),
        "{:?}",
        v.breaking_rust
    );
}

#[test]
fn a_removed_enum_value_breaks_and_the_probe_fails() {
    let v = verdicts(
        "removed-value",
        &[(
            "common.yaml",
            "        enum: [person, company]\n",
            "        enum: [person]\n",
        )],
    );
    assert_agree("removed-value", &v);
    assert!(
        v.probe.as_ref().unwrap_err().contains("Company"),
        "{:?}",
        v.probe
    );
    assert_eq!(
        v.breaking_rust,
        ["shared::CustomerKind Company: variant removed"]
    );
}

#[test]
fn a_request_field_made_required_retypes_it_and_the_probe_fails() {
    let v = verdicts(
        "request-field-required",
        &[(
            "wallet.yaml",
            "    objects: [general, customer]\n    params:\n      - path: general.project_id\n        requirement: required\n",
            "    objects: [general, customer]\n    params:\n      - path: customer\n        requirement: required\n      - path: general.project_id\n        requirement: required\n",
        )],
    );
    assert_agree("request-field-required", &v);
    assert_eq!(
        v.breaking_rust,
        ["wallet::SaleRequest customer: field retyped: `Option<Customer>` -> `Customer`"]
    );
    assert!(
        v.probe.as_ref().unwrap_err().contains("mismatched types"),
        "{:?}",
        v.probe
    );
}
