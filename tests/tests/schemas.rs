//! The exported JSON Schemas: snapshots, validity against the 2020-12 meta-schema, the house
//! style (no `\d`, no `format`), the index, the shared `$defs`, and negative mutations of every
//! valid request example (each required field removed in turn) that both validators must reject.

mod support;

use std::collections::BTreeMap;

use ecommpay_api::Facts;
use ecommpay_codegen::__private::ExampleKind;
use serde_json::{Map, Value};

use support::{Case, cases, load_spec, schema_errors, schema_validators, schemas};

#[test]
fn every_schema_and_the_index_snapshot() {
    let (files, index) = schemas();
    assert!(!files.is_empty());
    for file in &files {
        assert!(file.file_name.ends_with(".json"), "{}", file.file_name);
        insta::assert_json_snapshot!(
            format!("schema__{}", file.file_name.trim_end_matches(".json")),
            file.schema
        );
    }
    insta::assert_json_snapshot!("schema__index", index);
}

#[test]
fn every_schema_is_valid_against_the_2020_12_meta_schema() {
    let (files, _) = schemas();
    let mut failures = Vec::new();
    for file in &files {
        assert_eq!(
            file.schema.get("$schema").and_then(Value::as_str),
            Some(ecommpay_codegen::__private::DRAFT),
            "{}",
            file.file_name
        );
        if let Err(e) = jsonschema::draft202012::meta::validate(&file.schema) {
            failures.push(format!("{}: {e} at {}", file.file_name, e.instance_path()));
        }
        // And it compiles as a 2020-12 validator.
        if let Err(e) = jsonschema::draft202012::new(&file.schema) {
            failures.push(format!("{}: does not compile: {e}", file.file_name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Visits every subschema (keyword-aware: property names are not keywords).
fn visit_schemas<'v>(
    schema: &'v Value,
    at: &str,
    visit: &mut dyn FnMut(&'v Map<String, Value>, &str),
) {
    let Value::Object(map) = schema else { return };
    visit(map, at);
    for (key, value) in map {
        let here = format!("{at}/{key}");
        match key.as_str() {
            "properties" | "$defs" | "patternProperties" | "dependentSchemas" => {
                if let Value::Object(children) = value {
                    for (name, child) in children {
                        visit_schemas(child, &format!("{here}/{name}"), visit);
                    }
                }
            }
            "allOf" | "anyOf" | "oneOf" | "prefixItems" => {
                if let Value::Array(children) = value {
                    for (i, child) in children.iter().enumerate() {
                        visit_schemas(child, &format!("{here}/{i}"), visit);
                    }
                }
            }
            "items"
            | "not"
            | "if"
            | "then"
            | "else"
            | "contains"
            | "additionalProperties"
            | "contentSchema"
            | "propertyNames"
            | "unevaluatedProperties"
            | "unevaluatedItems" => visit_schemas(value, &here, visit),
            _ => {}
        }
    }
}

#[test]
fn no_digit_escape_and_no_format_keyword() {
    let (files, _) = schemas();
    let mut problems = Vec::new();
    let mut patterns = 0;
    for file in &files {
        visit_schemas(&file.schema, "#", &mut |map, at| {
            if map.contains_key("format") {
                problems.push(format!(
                    "{} {at}: uses the `format` keyword",
                    file.file_name
                ));
            }
            if let Some(pattern) = map.get("pattern") {
                patterns += 1;
                let pattern = pattern.as_str().unwrap_or_default();
                if pattern.contains("\\d") {
                    problems.push(format!(
                        "{} {at}: pattern {pattern:?} uses \\d",
                        file.file_name
                    ));
                }
            }
        });
        // Belt and braces: the text itself.
        let text = serde_json::to_string(&file.schema).expect("serializes");
        if text.contains("\\\\d") {
            problems.push(format!("{}: the text contains \\d", file.file_name));
        }
    }
    assert!(patterns > 0, "no pattern at all: the walk is broken");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_index_lists_every_operation_once() {
    let (files, index) = schemas();
    let entries = index["schemas"]
        .as_array()
        .expect("index.schemas is an array");
    let file_names: Vec<&str> = files.iter().map(|f| f.file_name.as_str()).collect();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for entry in entries {
        let id = entry["operation"].as_str().expect("operation is a string");
        *seen.entry(id).or_default() += 1;
        let op = ecommpay_api::operation(id)
            .unwrap_or_else(|| panic!("index lists unknown operation {id}"));
        let schema = op.schema;
        let text = |key: &str| {
            entry
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or_else(|| panic!("{id}: no {key}"))
        };
        assert_eq!(text("interface"), schema.interface.as_str(), "{id}");
        assert_eq!(text("payment_method"), schema.method, "{id}");
        assert_eq!(text("file"), format!("{id}.json"), "{id}");
        assert!(
            file_names.contains(&text("file")),
            "{id}: no schema file {}",
            text("file")
        );
        assert!(!text("title").is_empty(), "{id}: empty title");
        match schema.interface {
            ecommpay_api::validate::shape::Interface::Gate => {
                assert_eq!(text("direction"), "request", "{id}");
                assert_eq!(Some(text("http_method")), schema.http_method, "{id}");
                assert_eq!(Some(text("path")), schema.path, "{id}");
                assert!(text("path").starts_with('/'), "{id}");
                assert!(
                    entry.get("mode").is_none(),
                    "{id}: a Gate request has no mode"
                );
            }
            ecommpay_api::validate::shape::Interface::PaymentPage => {
                assert_eq!(text("direction"), "request", "{id}");
                assert_eq!(Some(text("mode")), schema.mode, "{id}");
                assert!(
                    entry.get("path").is_none() && entry.get("http_method").is_none(),
                    "{id}"
                );
            }
            ecommpay_api::validate::shape::Interface::Callback => {
                assert_eq!(text("direction"), "callback", "{id}");
                assert!(entry["reports_on"].is_array(), "{id}: no reports_on");
                for target in entry["reports_on"].as_array().into_iter().flatten() {
                    let target = target.as_str().expect("reports_on holds ids");
                    assert!(
                        ecommpay_api::operation(target).is_some(),
                        "{id}: reports on unknown {target}"
                    );
                }
            }
        }
    }
    for (id, count) in &seen {
        assert_eq!(*count, 1, "{id} is listed {count} times");
    }
    let registry: Vec<&str> = ecommpay_api::OPERATIONS.iter().map(|e| e.id()).collect();
    assert_eq!(
        seen.len(),
        registry.len(),
        "the index and the registry differ in size"
    );
    for id in &registry {
        assert!(seen.contains_key(id), "{id} is not in the index");
    }
    assert_eq!(files.len(), registry.len(), "one schema file per operation");
}

/// The schema a `$ref` to the root's `$defs` stands for, or the schema itself.
fn resolved<'s>(root: &'s Value, schema: &'s Value) -> &'s Value {
    let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
        return schema;
    };
    let name = reference
        .strip_prefix(ecommpay_codegen::__private::DEFS_POINTER)
        .unwrap_or_else(|| panic!("a reference outside the file's $defs: {reference}"));
    root.get("$defs")
        .and_then(|defs| defs.get(name))
        .unwrap_or_else(|| panic!("{reference} is not defined"))
}

/// The object schemas a property's schema may stand for (itself, or `anyOf`/`oneOf` members),
/// references followed.
fn object_schemas<'s>(root: &'s Value, schema: &'s Value) -> Vec<&'s Value> {
    let schema = resolved(root, schema);
    let mut out = Vec::new();
    if schema.get("properties").is_some() || schema.get("required").is_some() {
        out.push(schema);
    }
    for key in ["anyOf", "oneOf"] {
        for member in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let member = resolved(root, member);
            if member.get("properties").is_some() {
                out.push(member);
            }
        }
    }
    out
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// Every required field present in `payload`, by its JSON path (`customer.identify.doc_number`,
/// `receipt_data.positions[0].amount`), walking the `required` arrays of nested objects too
/// (references resolved in `root`).
fn required_paths(
    root: &Value,
    schema: &Value,
    payload: &Value,
    path: &str,
    out: &mut Vec<String>,
) {
    let Value::Object(map) = payload else { return };
    for object in object_schemas(root, schema) {
        for key in object
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let key = key.as_str().expect("required holds names");
            let field_path = join(path, key);
            if map.contains_key(key) && !out.contains(&field_path) {
                out.push(field_path);
            }
        }
        for (key, child_schema) in object
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let Some(child) = map.get(key) else { continue };
            let child_path = join(path, key);
            match child {
                Value::Object(_) => required_paths(root, child_schema, child, &child_path, out),
                Value::Array(items) => {
                    if let Some(item_schema) = resolved(root, child_schema).get("items") {
                        for (i, item) in items.iter().enumerate() {
                            let at = format!("{child_path}[{i}]");
                            required_paths(root, item_schema, item, &at, out);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// Removes the field at a path like `a.b[2].c`.
fn remove_path(payload: &mut Value, path: &str) -> bool {
    let mut steps: Vec<(String, Option<usize>)> = Vec::new();
    for part in path.split('.') {
        match part.split_once('[') {
            Some((key, rest)) => {
                let index: usize = rest.trim_end_matches(']').parse().expect("an index");
                steps.push((key.to_owned(), Some(index)));
            }
            None => steps.push((part.to_owned(), None)),
        }
    }
    let Some((last, last_index)) = steps.pop() else {
        return false;
    };
    assert!(last_index.is_none(), "a path ends in a key");
    let mut current = payload;
    for (key, index) in steps {
        let Some(next) = current.get_mut(&key) else {
            return false;
        };
        current = match index {
            Some(i) => match next.get_mut(i) {
                Some(v) => v,
                None => return false,
            },
            None => next,
        };
    }
    current
        .as_object_mut()
        .is_some_and(|m| m.remove(&last).is_some())
}

/// The schema (or variant branch) that states the example's required fields.
fn branch_of<'s>(schema: &'s Value, case: &Case) -> Vec<&'s Value> {
    let branches = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array);
    match (branches, &case.variant) {
        (None, _) => vec![schema],
        (Some(branches), Some(variant)) => {
            let prefix = format!("{variant}:");
            let found: Vec<&Value> = branches
                .iter()
                .filter(|b| {
                    b["description"]
                        .as_str()
                        .is_some_and(|t| t.starts_with(&prefix))
                })
                .collect();
            assert_eq!(
                found.len(),
                1,
                "{}: variant {variant} has no single branch",
                case.id
            );
            found
        }
        // No variant named: the branches the payload satisfies, each with the root's `$defs`.
        (Some(branches), None) => branches
            .iter()
            .filter(|b| {
                let mut alone = (*b).clone();
                if let (Some(defs), Value::Object(map)) = (schema.get("$defs"), &mut alone) {
                    map.insert("$defs".into(), defs.clone());
                }
                jsonschema::draft202012::new(&alone).is_ok_and(|v| v.is_valid(&case.json))
            })
            .collect(),
    }
}

#[test]
fn removing_any_required_field_of_a_valid_request_is_rejected_by_both_validators() {
    let spec = load_spec();
    let validators = schema_validators();
    let (files, _) = schemas();
    let schema_of: BTreeMap<String, &Value> = files
        .iter()
        .map(|f| (f.file_name.trim_end_matches(".json").to_owned(), &f.schema))
        .collect();
    let mut mutations = 0;
    let mut examples = 0;
    let mut failures = Vec::new();
    for case in cases(&spec)
        .iter()
        .filter(|c| c.kind != ExampleKind::Callback)
    {
        let entry = ecommpay_api::operation(&case.operation).expect("operation exists");
        let validator = &validators[&case.operation];
        if !entry.validate_json(&case.json, &Facts::none()).is_empty()
            || !validator.is_valid(&case.json)
        {
            continue; // an example with errata: its verdict is examples.rs's business
        }
        examples += 1;
        let mut paths = Vec::new();
        let schema = schema_of[&case.operation];
        for branch in branch_of(schema, case) {
            required_paths(schema, branch, &case.json, "", &mut paths);
        }
        assert!(!paths.is_empty(), "{}: no required field found", case.id);
        for path in paths {
            let mut mutated = case.json.clone();
            assert!(
                remove_path(&mut mutated, &path),
                "{}: cannot remove {path}",
                case.id
            );
            mutations += 1;
            support::record(
                "removals",
                &format!("{}-without-{path}", case.id),
                &case.operation,
                &mutated,
                false,
            );
            let violations = entry.validate_json(&mutated, &Facts::none());
            let schema_valid = validator.is_valid(&mutated);
            if violations.is_empty() {
                failures.push(format!("{} without {path}: Validate accepts it", case.id));
            } else if !violations.iter().any(|v| v.path == path) {
                let listed: Vec<String> = violations.iter().map(ToString::to_string).collect();
                failures.push(format!(
                    "{} without {path}: Validate reports no violation at {path}: {listed:?}",
                    case.id
                ));
            }
            if schema_valid {
                failures.push(format!(
                    "{} without {path}: the JSON Schema accepts it",
                    case.id
                ));
            } else if violations.is_empty() {
                failures.push(format!(
                    "{} without {path}: schema errors {:?}",
                    case.id,
                    schema_errors(validator, &mutated)
                ));
            }
        }
    }
    println!("{mutations} negative mutation(s) of {examples} valid request example(s)");
    assert!(examples > 0, "no valid request example");
    assert!(mutations > 0, "no mutation was made");
    assert!(
        failures.is_empty(),
        "{} of {mutations} mutations fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The shared definitions the OpenAPI document lifts into one namespace: each is titled by its
/// name, a name is the same definition in every file, and every reference resolves locally.
#[test]
fn shared_definitions_are_titled_local_and_the_same_in_every_file() {
    let (files, _) = schemas();
    let mut seen: BTreeMap<String, (&str, &Value)> = BTreeMap::new();
    let mut references = 0;
    for file in &files {
        let defs = file.schema.get("$defs").and_then(Value::as_object);
        for (name, definition) in defs.into_iter().flatten() {
            assert_eq!(
                definition["title"],
                name.as_str(),
                "{}: $defs/{name}",
                file.file_name
            );
            let (first, earlier) = seen
                .entry(name.clone())
                .or_insert((&file.file_name, definition));
            assert_eq!(
                *earlier, definition,
                "$defs/{name} differs between {first} and {}",
                file.file_name
            );
        }
        visit_schemas(&file.schema, "#", &mut |map, at| {
            if map.contains_key("$ref") {
                references += 1;
                // Panics with the reference when it does not resolve in the file.
                let reference = Value::Object(map.clone());
                let target = resolved(&file.schema, &reference);
                assert!(target.get("title").is_some(), "{} {at}", file.file_name);
            }
        });
    }
    for name in [
        "General",
        "Payment",
        "Customer",
        "Identify",
        "CallbackPayment",
    ] {
        assert!(seen.contains_key(name), "no shared definition {name}");
    }
    assert!(references > seen.len(), "fewer references than definitions");
}
