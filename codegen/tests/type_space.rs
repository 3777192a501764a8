//! One name per spec object: the IR's type space gives each object, per role, one Rust type and
//! one schema definition of the same name, and every use of the object in the generated crate
//! and in the schemas refers to it. The listing below is the whole type space of the real spec
//! as the outputs show it; a change to it is a change to the published names, reviewed here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use ecommpay_codegen::__private::{Ir, Role, ShapeIr, ShapeKind, type_name, unchecked_ir};
use ecommpay_codegen::Generator;
use quote::ToTokens;
use serde_json::Value;

/// Every use of a spec object: (role, object, the operation's id, the field's path in its body).
fn uses(ir: &Ir) -> Vec<(Role, String, String, Vec<String>)> {
    fn walk(shape: &ShapeIr, path: &mut Vec<String>, found: &mut Vec<(String, Vec<String>)>) {
        for field in &shape.fields {
            path.push(field.name.clone());
            if let Some(object) = &field.object
                && !field.forbidden
            {
                found.push((object.clone(), path.clone()));
            }
            if let ShapeKind::Object(inner) | ShapeKind::JsonObject(inner) = &field.kind {
                walk(inner, path, found);
            }
            path.pop();
        }
    }
    let mut all = Vec::new();
    for op in ir.methods.iter().flat_map(|m| &m.operations) {
        let role = Role::of(op.interface);
        let mut found = Vec::new();
        walk(&op.body.shape, &mut Vec::new(), &mut found);
        for variant in &op.variants {
            walk(&variant.body.shape, &mut Vec::new(), &mut found);
        }
        for (object, path) in found {
            all.push((role, object, op.id.clone(), path));
        }
    }
    all
}

/// The names of the definitions a schema refers to at `path`, through `$ref`, `allOf`, `anyOf`
/// and `oneOf`, the property itself included.
fn names_at(root: &Value, node: &Value, path: &[String], out: &mut BTreeSet<String>) {
    if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or_default();
        if path.is_empty() {
            out.insert(name.to_owned());
        }
        if let Some(target) = root["$defs"].get(name) {
            names_at(root, target, path, out);
        }
    }
    if let Some(content) = node.get("contentSchema") {
        names_at(root, content, path, out);
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        for branch in node
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            names_at(root, branch, path, out);
        }
    }
    if let Some((first, rest)) = path.split_first()
        && let Some(property) = node.get("properties").and_then(|p| p.get(first))
    {
        names_at(root, property, rest, out);
    }
}

/// `(module, struct name, field name) -> the identifiers in the field's type`, over every
/// generated file, and `struct name -> the modules defining it`.
type RustFacts = (
    BTreeMap<(String, String, String), BTreeSet<String>>,
    BTreeMap<String, BTreeSet<String>>,
);

fn rust_facts(files: &[(String, String)]) -> RustFacts {
    let mut fields = BTreeMap::new();
    let mut defined: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, text) in files {
        let module = file.trim_end_matches(".rs").to_owned();
        let parsed = syn::parse_file(text).expect("generated code parses");
        for item in &parsed.items {
            let syn::Item::Struct(item) = item else {
                continue;
            };
            let name = item.ident.to_string();
            defined
                .entry(name.clone())
                .or_default()
                .insert(module.clone());
            for field in &item.fields {
                let Some(ident) = &field.ident else { continue };
                let idents: BTreeSet<String> = field
                    .ty
                    .to_token_stream()
                    .into_iter()
                    .filter_map(|t| match t {
                        proc_macro2::TokenTree::Ident(i) => Some(i.to_string()),
                        _ => None,
                    })
                    .collect();
                let key = ident.to_string().trim_start_matches("r#").to_owned();
                fields.insert((module.clone(), name.clone(), key), idents);
            }
        }
    }
    (fields, defined)
}

fn rust_field(name: &str) -> String {
    match name {
        "type" => "type_".to_owned(),
        other => other.to_owned(),
    }
}

#[test]
fn every_object_has_one_rust_path_and_one_schema_name() {
    let generator = Generator::from_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec"));
    let checked = generator.check(None).expect("the spec checks");
    let ir = unchecked_ir(&generator).expect("the spec builds");
    let files: Vec<(String, String)> = checked
        .rust()
        .expect("the spec generates")
        .into_iter()
        .map(|f| (f.name, f.contents))
        .collect();
    let schemas: BTreeMap<String, Value> = checked
        .schemas()
        .files
        .into_iter()
        .map(|f| (f.file_name.trim_end_matches(".json").to_owned(), f.schema))
        .collect();
    let openapi = checked.openapi();
    let (fields, defined) = rust_facts(&files);

    // What the outputs call each object: Rust modules defining its type, the Rust type of every
    // field holding it, and the schema definitions every such field refers to.
    let mut modules: BTreeMap<(Role, String), BTreeSet<String>> = BTreeMap::new();
    let mut schema_names: BTreeMap<(Role, String), BTreeSet<String>> = BTreeMap::new();
    let mut rust_names: BTreeMap<(Role, String), BTreeSet<String>> = BTreeMap::new();
    for (role, object, op, path) in uses(&ir) {
        let key = (role, object.clone());
        let expected = type_name(role, &object);
        let mut found = BTreeSet::new();
        names_at(&schemas[&op], &schemas[&op], &path, &mut found);
        assert!(
            !found.is_empty(),
            "{op}: no definition at {}",
            path.join(".")
        );
        schema_names.entry(key.clone()).or_default().extend(found);
        // The structs a field of that name holds in the role's modules.
        let field = rust_field(path.last().expect("a path"));
        let named: BTreeSet<String> = fields
            .iter()
            .filter(|((module, _, f), _)| {
                *f == field && (module == "callback") == (role == Role::Callback)
            })
            .flat_map(|(_, idents)| idents.iter().cloned())
            .filter(|ident| defined.contains_key(ident))
            .collect();
        rust_names.entry(key.clone()).or_default().extend(named);
        modules
            .entry(key)
            .or_default()
            .extend(defined.get(&expected).cloned().unwrap_or_default());
    }

    let mut listing = Vec::new();
    for ((role, object), names) in &schema_names {
        let rust = &rust_names[&(*role, object.clone())];
        let module = &modules[&(*role, object.clone())];
        assert_eq!(
            names.len(),
            1,
            "{object} ({role:?}) has schema names {names:?}"
        );
        assert_eq!(rust.len(), 1, "{object} ({role:?}) has Rust types {rust:?}");
        assert_eq!(
            module.len(),
            1,
            "{object} ({role:?}) is defined in {module:?}"
        );
        let name = names.first().expect("one name");
        assert_eq!(
            rust.first(),
            Some(name),
            "{object}: Rust and schema names differ"
        );
        let component = &openapi["components"]["schemas"][name];
        assert_eq!(
            component["title"],
            name.as_str(),
            "{object}: the OpenAPI component"
        );
        // The same definition in every schema file that has it.
        let copies: BTreeSet<String> = schemas
            .values()
            .filter_map(|s| s["$defs"].get(name))
            .map(Value::to_string)
            .collect();
        assert_eq!(copies.len(), 1, "{name} differs between schema files");
        listing.push(format!(
            "{object} ({}): {}::{name}, #/$defs/{name}",
            match role {
                Role::Request => "request",
                Role::Callback => "callback",
            },
            module.first().expect("one module"),
        ));
    }
    assert_eq!(
        listing,
        [
            "account (request): shared::Account, #/$defs/Account",
            "additional_data (request): shared::AdditionalData, #/$defs/AdditionalData",
            "customer (request): shared::Customer, #/$defs/Customer",
            "general (request): shared::General, #/$defs/General",
            "identify (request): shared::Identify, #/$defs/Identify",
            "payment (request): shared::Payment, #/$defs/Payment",
            "recurring (request): shared::Recurring, #/$defs/Recurring",
            "return_url (request): shared::ReturnUrl, #/$defs/ReturnUrl",
            "account (callback): callback::CallbackAccount, #/$defs/CallbackAccount",
            "callback_operation (callback): callback::CallbackOperation, #/$defs/CallbackOperation",
            "callback_payment (callback): callback::CallbackPayment, #/$defs/CallbackPayment",
            "callback_provider (callback): callback::CallbackProvider, #/$defs/CallbackProvider",
            "customer (callback): callback::CallbackCustomer, #/$defs/CallbackCustomer",
            "identify (callback): callback::CallbackIdentify, #/$defs/CallbackIdentify",
            "redirect_data (callback): callback::CallbackRedirectData, #/$defs/CallbackRedirectData",
            "sum (callback): callback::CallbackSum, #/$defs/CallbackSum",
        ]
    );
}
