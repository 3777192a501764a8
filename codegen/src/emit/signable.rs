//! Which numbers the signature can cover, said in the exported schemas where they admit any
//! number: the values of `Any` fields, of free objects, and of the keys an object does not
//! declare (the documents allow any other parameter of the platform's specification).
//!
//! Each such place refers to one definition, [`DEFINITION`], added to every file that uses it:
//! any JSON value whose numbers, at any depth, are integers of at most 64 bits or fractions
//! between 0.0001 and 10^14 (`1.5`, `0.0015`), as the signer and the Rust validator
//! (`unsignable_number`) take them. Two parts of that rule have no JSON Schema form, and are
//! said in the definition's description and counted as known differences by the cross-checks:
//! a number with a zero fraction (`1.0`, `1e3`) is an integer to JSON Schema, and JSON Schema
//! cannot count significant digits (`0.30000000000000004` has more than 14). The OpenAPI
//! document holds a form of it generic generators read ([`openapi`]).

use serde_json::{Map, Value, json};

use super::defs::DEFS_POINTER;
use super::schema::SchemaFile;

/// The definition's name under `$defs` (and `components/schemas` in the OpenAPI document).
pub(crate) const DEFINITION: &str = "SignableValue";

/// The schema of a value that may be anything the signature can cover.
pub(crate) fn any_value() -> Value {
    json!({ "$ref": format!("{DEFS_POINTER}{DEFINITION}") })
}

/// The values of the keys an object does not declare: anything the signature can cover.
pub(crate) fn other_keys(object: &mut Map<String, Value>) {
    object.insert("additionalProperties".into(), any_value());
}

/// Adds the definition to every file that refers to it. A definition of that name already
/// there (an object of the spec named so) is a generator bug: the export would be ambiguous.
pub(crate) fn define(files: &mut [SchemaFile]) {
    let reference = any_value();
    for file in files {
        if !refers_to(&file.schema, &reference) {
            continue;
        }
        let Value::Object(root) = &mut file.schema else {
            continue;
        };
        let defs = root
            .entry("$defs")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(defs) = defs {
            let previous = defs.insert(DEFINITION.into(), definition());
            assert!(
                previous.is_none(),
                "{}: a shared object is named {DEFINITION} too",
                file.file_name
            );
        }
    }
}

fn refers_to(value: &Value, reference: &Value) -> bool {
    match value {
        Value::Object(map) => value == reference || map.values().any(|v| refers_to(v, reference)),
        Value::Array(items) => items.iter().any(|v| refers_to(v, reference)),
        _ => false,
    }
}

/// In the OpenAPI document (`components/schemas`, where every `$defs` entry was lifted), the
/// definition in a form generic generators read: openapi-python-client 0.29 cannot parse a union
/// that refers to itself through an array (it warns and drops every schema that uses it), but
/// reads one that recurses through an object model. So objects recurse through
/// `OPENAPI_OBJECT` (`SignableObject`), and an array's elements are checked one level down:
/// arrays inside arrays are not looked into there (the exported JSON Schemas look at every
/// depth), as the description says.
pub fn openapi(components: &mut Map<String, Value>) {
    if !components.contains_key(DEFINITION) {
        return;
    }
    let reference = |name: &str| json!({ "$ref": format!("#/components/schemas/{name}") });
    let mut scalars = scalar_branches();
    scalars.push(reference(OPENAPI_OBJECT));
    let mut elements = scalars.clone();
    elements.push(json!({"type": "array", "items": {}}));
    let mut branches = scalars;
    branches.push(json!({"type": "array", "items": {"anyOf": elements}}));
    let description = format!(
        "{DESCRIPTION} In this document, arrays inside arrays are not looked into (generic \
         generators cannot read a union that refers to itself through an array); the exported \
         JSON Schemas look at every depth."
    );
    components.insert(
        DEFINITION.into(),
        json!({"title": DEFINITION, "description": description, "anyOf": branches}),
    );
    let previous = components.insert(
        OPENAPI_OBJECT.into(),
        json!({
            "title": OPENAPI_OBJECT,
            "description": "A JSON object whose values' numbers the signature can cover.",
            "type": "object",
            "additionalProperties": reference(DEFINITION)
        }),
    );
    assert!(
        previous.is_none(),
        "a shared object is named {OPENAPI_OBJECT} too"
    );
}

/// The object branch of [`DEFINITION`] as a component of the OpenAPI document.
pub(crate) const OPENAPI_OBJECT: &str = "SignableObject";

const DESCRIPTION: &str = "Any JSON value whose numbers, at any depth, the signature can cover: \
    integers of at most 64 bits, and other numbers between 0.0001 and 10^14 in absolute value \
    with at most 14 significant digits (1.5, 0.0015), which the official PHP, Python and Node \
    SDKs all write alike. Send any other number as a string. Two parts of the rule have no JSON \
    Schema form and are checked by the signer and the Rust validator (`unsignable_number`) only: \
    a number with a zero fraction (1.0, 1e3) is an integer here but is refused there, and so is \
    a number with more than 14 significant digits (0.30000000000000004).";

/// The branches of the scalars: every string, boolean and `null`, and the numbers the signature
/// covers, each keyword beside the type it constrains (as strict consumers, Ajv's
/// `strictTypes`, ask).
fn scalar_branches() -> Vec<Value> {
    vec![
        json!({"type": "string"}),
        json!({"type": "boolean"}),
        json!({"type": "null"}),
        json!({"type": "integer", "minimum": i64::MIN, "maximum": u64::MAX}),
        json!({"type": "number", "minimum": 0.0001, "exclusiveMaximum": 100_000_000_000_000u64}),
        json!({"type": "number", "maximum": -0.0001, "exclusiveMinimum": -100_000_000_000_000i64}),
    ]
}

/// Any JSON value whose numbers the signature can cover: one branch per JSON type.
fn definition() -> Value {
    let mut branches = scalar_branches();
    branches.push(json!({"type": "array", "items": any_value()}));
    branches.push(json!({"type": "object", "additionalProperties": any_value()}));
    json!({"title": DEFINITION, "description": DESCRIPTION, "anyOf": branches})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(schema: Value) -> SchemaFile {
        SchemaFile {
            file_name: "t.json".into(),
            schema,
        }
    }

    #[test]
    fn only_files_that_refer_to_it_get_the_definition() {
        let mut files = vec![
            file(json!({"type": "object", "properties": {"a": any_value()}})),
            file(json!({"type": "object", "$defs": {"Customer": {"type": "object"}}})),
        ];
        define(&mut files);
        assert_eq!(files[0].schema["$defs"][DEFINITION], definition());
        assert_eq!(
            files[1].schema["$defs"],
            json!({"Customer": {"type": "object"}})
        );
    }

    #[test]
    fn the_openapi_form_recurses_through_an_object_and_looks_one_array_down() {
        let mut components = Map::from_iter([(DEFINITION.to_owned(), definition())]);
        openapi(&mut components);
        let value = &components[DEFINITION];
        let branches = value["anyOf"].as_array().unwrap();
        let object = json!({"$ref": "#/components/schemas/SignableObject"});
        assert!(branches.contains(&object));
        let elements = branches.last().unwrap()["items"]["anyOf"]
            .as_array()
            .unwrap();
        assert!(elements.contains(&object));
        assert_eq!(
            elements.last().unwrap(),
            &json!({"type": "array", "items": {}})
        );
        assert!(
            value["description"]
                .as_str()
                .unwrap()
                .contains("arrays inside arrays")
        );
        assert_eq!(
            components[OPENAPI_OBJECT]["additionalProperties"],
            json!({"$ref": "#/components/schemas/SignableValue"})
        );
        // No definition, nothing added.
        let mut none = Map::new();
        openapi(&mut none);
        assert!(none.is_empty());
    }

    #[test]
    #[should_panic(expected = "named SignableValue too")]
    fn a_shared_object_of_the_same_name_is_refused() {
        let mut files = vec![file(json!({
            "properties": {"a": any_value()},
            "$defs": {DEFINITION: {"type": "object"}}
        }))];
        define(&mut files);
    }
}
