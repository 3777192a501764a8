//! Titles and shared definitions of the nested objects of the exported schemas.
//!
//! Every nested object (a property's object schema, an array's items, the object branch of an
//! object-or-string) gets a `title`, which code generators take for the type's name. Objects whose
//! schemas are the same in several places of the export (the same keywords and values, apart from
//! `description` and `title`, which change no verdict) form one group; a group used more than
//! once is defined once under `$defs` in each file that uses it and referenced by
//! `{"$ref": "#/$defs/Name"}`. The definition has the description of its object (as the Rust
//! shared type has); a field of another name that has the same shape keeps its own description
//! beside the reference (`sum_converted`, a `CallbackSum`). Moving a schema
//! to `$defs` and referencing it changes no verdict; objects whose rules differ are different
//! groups, with names of their own.
//!
//! Names follow the Rust shared types (`General`, `Customer`, `Identify`): a group is named after
//! its object when that name is free, groups in more files choosing first, then the most used;
//! callbacks' objects after the callback envelope's (`CallbackPayment`). Otherwise a group takes
//! the path of its first user (`PaypalRefundRequestPayment`). Names are unique across the export,
//! so that the OpenAPI document can lift every definition into `components/schemas`, and a
//! definition is the same in every file that holds it (descriptions of its fields merged as the
//! Rust shared types merge them: the first text, every source).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{Map, Value};

use super::schema::SchemaFile;
use crate::ir::naming::pascal;

/// Where a definition is referenced from, relative to the schema file.
pub const DEFS_POINTER: &str = "#/$defs/";

/// What the export holds of one group of identical objects.
#[derive(Default)]
struct Group {
    /// The object name (field name) of each use, in order.
    objects: Vec<String>,
    /// The path name of the first use (`PaypalRefundRequestPayment`).
    qualified: String,
    files: BTreeSet<usize>,
    only_callbacks: bool,
    first: usize,
}

/// Titles every nested object and moves the objects used more than once into `$defs`.
/// `callbacks[i]` says whether `files[i]` is a callback's schema.
/// `reserved`: the names of the type space's definitions, which no group takes.
pub(crate) fn share(files: &mut [SchemaFile], callbacks: &[bool], reserved: &BTreeSet<String>) {
    let mut groups: HashMap<String, Group> = HashMap::new();
    let mut taken: BTreeSet<String> = reserved.clone();
    for (i, file) in files.iter_mut().enumerate() {
        let is_callback = callbacks.get(i).copied().unwrap_or(false);
        taken.extend(titles_of_bodies(&file.schema));
        each_nested_object(&mut file.schema, &mut |_, key, object, qualified| {
            let count = groups.len();
            let group = groups.entry(key).or_insert_with(|| Group {
                qualified: qualified.to_owned(),
                only_callbacks: true,
                first: count,
                ..Group::default()
            });
            group.objects.push(object.to_owned());
            group.files.insert(i);
            group.only_callbacks &= is_callback;
        });
    }

    let names = name_groups(&groups, &mut taken);

    // Replace, collecting every version of each definition to merge their descriptions: those
    // of the group's own object first, as its description is the definition's.
    let mut versions: BTreeMap<String, (Vec<Value>, Vec<Value>)> = BTreeMap::new();
    let mut used_in: Vec<BTreeSet<String>> = vec![BTreeSet::new(); files.len()];
    for (i, file) in files.iter_mut().enumerate() {
        each_nested_object(&mut file.schema, &mut |schema, key, object, _| {
            let name = names[&key].clone();
            let group = &groups[&key];
            let Value::Object(map) = schema else { return };
            if group.objects.len() < 2 {
                *map = titled(&name, std::mem::take(map));
                return;
            }
            let mut definition = std::mem::take(map);
            map.insert("$ref".into(), format!("{DEFS_POINTER}{name}").into());
            let (own, others) = versions.entry(name.clone()).or_default();
            if group.by_frequency().first() == Some(&object) {
                own.push(Value::Object(titled(&name, definition)));
            } else {
                if let Some(description) = definition.remove("description") {
                    map.insert("description".into(), description);
                }
                others.push(Value::Object(titled(&name, definition)));
            }
            used_in[i].insert(name.clone());
        });
    }
    let definitions: BTreeMap<String, Value> = versions
        .into_iter()
        .map(|(name, (own, others))| {
            // The versions differ in descriptions only: the first (the most used object's).
            let first = own.into_iter().chain(others).next();
            (name, first.unwrap_or(Value::Null))
        })
        .collect();
    for (file, names) in files.iter_mut().zip(used_in) {
        if names.is_empty() {
            continue;
        }
        let defs: Map<String, Value> = names
            .into_iter()
            .map(|name| {
                let definition = definitions[&name].clone();
                (name, definition)
            })
            .collect();
        if let Value::Object(root) = &mut file.schema {
            root.insert("$defs".into(), Value::Object(defs));
        }
    }
}

impl Group {
    /// The object names of its uses, the most frequent first, then in order of appearance.
    fn by_frequency(&self) -> Vec<&str> {
        let mut counts: Vec<(usize, usize, &str)> = Vec::new();
        for (at, object) in self.objects.iter().enumerate() {
            match counts.iter_mut().find(|(_, _, o)| o == object) {
                Some((count, _, _)) => *count += 1,
                None => counts.push((1, at, object)),
            }
        }
        counts.sort_by_key(|(count, at, _)| (std::cmp::Reverse(*count), *at));
        counts.into_iter().map(|(_, _, object)| object).collect()
    }
}

/// The titles of the schema and of its variant branches, which nested objects must not take.
fn titles_of_bodies(schema: &Value) -> Vec<String> {
    let branches = ["oneOf", "anyOf"]
        .iter()
        .filter_map(|k| schema.get(k).and_then(Value::as_array))
        .flatten();
    std::iter::once(schema)
        .chain(branches)
        .filter_map(|s| s.get("title").and_then(Value::as_str).map(str::to_owned))
        .collect()
}

/// A name for every group: the groups in more files first, then the most used, then in order
/// of appearance.
fn name_groups(
    groups: &HashMap<String, Group>,
    taken: &mut BTreeSet<String>,
) -> HashMap<String, String> {
    let mut order: Vec<(&String, &Group)> = groups.iter().collect();
    order.sort_by_key(|(_, g)| {
        (
            std::cmp::Reverse(g.files.len()),
            std::cmp::Reverse(g.objects.len()),
            g.first,
        )
    });
    let mut names = HashMap::new();
    for (key, group) in order {
        let prefix = if group.only_callbacks { "Callback" } else { "" };
        let candidates: Vec<String> = group
            .by_frequency()
            .iter()
            .map(|object| format!("{prefix}{}", pascal(object)))
            .chain(std::iter::once(group.qualified.clone()))
            .collect();
        let name = candidates
            .iter()
            .find(|c| !taken.contains(*c))
            .cloned()
            .unwrap_or_else(|| {
                (2..)
                    .map(|n| format!("{}{n}", group.qualified))
                    .find(|c| !taken.contains(c))
                    .unwrap_or_default()
            });
        taken.insert(name.clone());
        names.insert(key.clone(), name);
    }
    names
}

/// The map with `title` first.
fn titled(name: &str, map: Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("title".into(), name.into());
    out.extend(map.into_iter().filter(|(k, _)| k != "title"));
    out
}

/// Calls `visit` on every nested object schema of a file, inner objects before the one that
/// holds them, with the object's group key (taken before its inner objects are visited), its
/// object name (the field's) and its path name (`PaypalSaleRequestCustomerIdentify`). Rules
/// (`allOf`, `if`, `then`, `not`) and JSON content in strings (`contentSchema`) are not walked:
/// their `properties` are conditions on the payload, not its objects.
fn each_nested_object(root: &mut Value, visit: &mut dyn FnMut(&mut Value, String, &str, &str)) {
    let title = root
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    fields_of(root, &title, visit);
    for keyword in ["oneOf", "anyOf"] {
        if let Some(Value::Array(branches)) = root.get_mut(keyword) {
            for branch in branches {
                let branch_title = branch
                    .get("title")
                    .and_then(Value::as_str)
                    .unwrap_or(&title)
                    .to_owned();
                fields_of(branch, &branch_title, visit);
            }
        }
    }
}

fn fields_of(
    object: &mut Value,
    path: &str,
    visit: &mut dyn FnMut(&mut Value, String, &str, &str),
) {
    if let Some(Value::Object(properties)) = object.get_mut("properties") {
        for (name, schema) in properties.iter_mut() {
            field(schema, name, &format!("{path}{}", pascal(name)), visit);
        }
    }
}

/// A field's schema: an object, an array of them, or an object also accepted as a string.
fn field(
    schema: &mut Value,
    object: &str,
    path: &str,
    visit: &mut dyn FnMut(&mut Value, String, &str, &str),
) {
    if schema.get("properties").is_some() {
        let key = group_key(schema);
        fields_of(schema, path, visit);
        visit(schema, key, object, path);
        return;
    }
    if let Some(items) = schema.get_mut("items") {
        field(items, object, path, visit);
    }
    if let Some(Value::Array(branches)) = schema.get_mut("anyOf") {
        for branch in branches {
            field(branch, object, path, visit);
        }
    }
}

/// What makes two objects one group: their schema without annotations that change no verdict.
/// A `description` keyword is told from a property named `description` by its value, a string.
fn group_key(schema: &Value) -> String {
    fn strip(value: &Value) -> Value {
        match value {
            Value::Object(map) => Value::Object(
                map.iter()
                    .filter(|(k, v)| {
                        !(matches!(k.as_str(), "description" | "title") && v.is_string())
                    })
                    .map(|(k, v)| (k.clone(), strip(v)))
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.iter().map(strip).collect()),
            other => other.clone(),
        }
    }
    strip(schema).to_string()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn file(name: &str, schema: Value) -> SchemaFile {
        SchemaFile {
            file_name: format!("{name}.json"),
            schema,
        }
    }

    fn customer(required: &[&str], wording: &str) -> Value {
        json!({
            "type": "object",
            "description": "The customer.",
            "properties": {
                "id": {"type": "string", "description": wording}
            },
            "required": required
        })
    }

    #[test]
    fn identical_objects_are_one_definition_and_differing_ones_stay_apart() {
        let mut files = vec![
            file(
                "a",
                json!({"title": "ASale", "type": "object", "properties": {"customer": customer(&["id"], "Customer id.")}}),
            ),
            file(
                "b",
                json!({"title": "BSale", "type": "object", "properties": {"customer": customer(&["id"], "The customer's id.")}}),
            ),
            file(
                "c",
                json!({"title": "CSale", "type": "object", "properties": {"customer": customer(&[], "Customer id.")}}),
            ),
        ];
        share(&mut files, &[false, false, false], &BTreeSet::new());
        for f in &files[..2] {
            assert_eq!(
                f.schema["properties"]["customer"],
                json!({"$ref": "#/$defs/Customer"})
            );
            let definition = &f.schema["$defs"]["Customer"];
            assert_eq!(definition["title"], "Customer");
            assert_eq!(definition["description"], "The customer.");
            assert_eq!(definition["required"], json!(["id"]));
            // Descriptions that differ in wording only: the first user's.
            assert_eq!(
                definition["properties"]["id"]["description"],
                "Customer id."
            );
        }
        // Other rules: another object, used once, inline with a name of its own.
        let other = &files[2].schema;
        assert!(other.get("$defs").is_none());
        assert_eq!(other["properties"]["customer"]["title"], "CSaleCustomer");
        assert_eq!(other["properties"]["customer"]["required"], json!([]));
    }

    #[test]
    fn a_reference_keeps_a_description_that_says_something_else() {
        let sum = |what: &str| json!({"type": "object", "description": what, "properties": {"amount": {"type": "integer"}}});
        let mut files = vec![file(
            "callback",
            json!({"title": "Cb", "type": "object", "properties": {
                "sum": sum("The amount."),
                "sum_converted": sum("The amount converted."),
                "again": {"type": "object", "properties": {"sum": sum("The amount.")}}
            }}),
        )];
        share(&mut files, &[true], &BTreeSet::new());
        let schema = &files[0].schema;
        assert_eq!(
            schema["properties"]["sum"],
            json!({"$ref": "#/$defs/CallbackSum"})
        );
        assert_eq!(
            schema["properties"]["sum_converted"],
            json!({"$ref": "#/$defs/CallbackSum", "description": "The amount converted."})
        );
        assert_eq!(schema["properties"]["again"]["title"], "CallbackAgain");
        assert_eq!(schema["$defs"]["CallbackSum"]["description"], "The amount.");
    }
}
