//! The spec as one OpenAPI 3.1 document: every Gate operation as a path with its request body
//! (the exported 2020-12 schemas, which 3.1 takes as they are) and the Gate's answer, its
//! callbacks both per operation (`callbacks`) and at the top (`webhooks`), and the Payment Page
//! as `GET /payment` with its parameter sets as form-style query parameters.

use serde_json::{Map, Value, json};

use super::defs::DEFS_POINTER;
use super::schema::{DRAFT, SchemaFile};
use crate::ir::{Ir, OperationIr};
use crate::model::Interface;

/// The Gate's address; test projects use it too (the platform has no sandbox host).
pub const GATE_URL: &str = "https://api.ecommpay.com";
/// The Payment Page's address.
pub const PAYMENT_PAGE_URL: &str = "https://paymentpage.ecommpay.com";

/// The OpenAPI document, from the IR and the schemas `emit::schema` exported from it.
pub fn emit(ir: &Ir, schemas: &[SchemaFile]) -> Value {
    let operations: Vec<&OperationIr> = ir.methods.iter().flat_map(|m| &m.operations).collect();
    let mut components = Map::new();
    for file in schemas {
        let id = file.file_name.trim_end_matches(".json");
        let (schema, definitions) = component(&file.schema);
        components.insert(id.to_owned(), schema);
        // The same name is the same definition in every file (`emit::defs`).
        components.extend(definitions);
    }
    components.insert("GateAnswer".into(), gate_answer());
    components.insert("GateError".into(), gate_error());

    let mut paths = Map::new();
    for op in operations
        .iter()
        .filter(|op| op.interface == Interface::Gate)
    {
        let Some(path) = &op.path else { continue };
        let method = op.http_method.unwrap_or("POST").to_ascii_lowercase();
        let callbacks: Map<String, Value> = operations
            .iter()
            .filter(|c| c.interface == Interface::Callback && c.reports_on.contains(&op.id))
            .map(|c| {
                (
                    c.id.clone(),
                    // Operation ids are unique in a document: the top-level webhook has the
                    // callback's id, this one says which request it follows.
                    json!({ "{$request.body#/general/merchant_callback_url}": {
                        "post": webhook(c, &format!("{}.{}", op.id, c.id))
                    }}),
                )
            })
            .collect();
        let mut operation = json!({
            "operationId": op.id,
            "summary": op.title,
            "tags": [op.method],
            "requestBody": {
                "required": true,
                "content": {"application/json": {"schema": reference(&op.id)}}
            },
            "responses": {
                "200": {
                    "description": "Accepted: the request is being processed; its outcome comes in callbacks.",
                    "content": {"application/json": {"schema": reference("GateAnswer")}}
                },
                "400": {
                    "description": "Rejected: the request is malformed or breaks a rule.",
                    "content": {"application/json": {"schema": reference("GateError")}}
                },
                "403": {
                    "description": "Forbidden: a bad signature, or a payout from an IP address that is not allow-listed.",
                    "content": {"application/json": {"schema": reference("GateError")}}
                }
            }
        });
        if !callbacks.is_empty() {
            operation["callbacks"] = Value::Object(callbacks);
        }
        paths.insert(path.clone(), json!({ method: operation }));
    }

    let page_sets: Vec<&&OperationIr> = operations
        .iter()
        .filter(|op| op.interface == Interface::PaymentPage)
        .collect();
    if !page_sets.is_empty() {
        let sets: Vec<Value> = page_sets.iter().map(|op| reference(&op.id)).collect();
        paths.insert(
            "/payment".into(),
            json!({ "get": {
                "operationId": "payment_page.open",
                "summary": "Open the Payment Page with a signed parameter set",
                "description": "The parameters travel as URL query text, in the order they were signed, with `signature` last; integers may be strings of digits. Each payment method's parameter set is one of the schemas below.",
                "servers": [{"url": PAYMENT_PAGE_URL}],
                "tags": ["payment_page"],
                "parameters": [{
                    "name": "parameters",
                    "in": "query",
                    "required": true,
                    "style": "form",
                    "explode": true,
                    "schema": {"anyOf": sets}
                }],
                "responses": {"200": {
                    "description": "The payment form.",
                    "content": {"text/html": {"schema": {"type": "string"}}}
                }}
            }}),
        );
    }

    let webhooks: Map<String, Value> = operations
        .iter()
        .filter(|op| op.interface == Interface::Callback)
        .map(|op| (op.id.clone(), json!({ "post": webhook(op, &op.id) })))
        .collect();

    let mut tags: Vec<Value> = ir
        .methods
        .iter()
        .map(|m| json!({"name": m.id, "description": format!("{}: {} ({})", m.name, m.title, m.document)}))
        .collect();
    tags.push(json!({"name": "payment_page", "description": "The Payment Page, the platform's hosted form."}));

    json!({
        "openapi": "3.1.0",
        "jsonSchemaDialect": DRAFT,
        "info": {
            "title": "ecommpay: AstroPay, card payouts, PayPal and UPI",
            "version": env!("CARGO_PKG_VERSION"),
            "license": {"name": "MIT OR Apache-2.0", "identifier": "MIT OR Apache-2.0"},
            "summary": "Transcribed from the vendor's documents by ecommpay-codegen.",
            "description": "Every request is signed (HMAC-SHA512 over the canonical form, in `general.signature` for Gate requests, `signature` for Payment Page parameters and callbacks). Requests may also carry any other parameter of the platform's specification. Callbacks are re-sent until answered with HTTP 200."
        },
        "servers": [{"url": GATE_URL, "description": "The Gate; test projects use it too."}],
        "tags": tags,
        "paths": paths,
        "webhooks": webhooks,
        "components": {"schemas": components}
    })
}

fn reference(id: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{id}")})
}

/// A schema as a component, and its shared definitions as components of their own: the dialect
/// is the document's, a component needs no `$id`, and references to `$defs` become references to
/// `components/schemas` (a reference inside a component resolves against the document).
pub fn component(schema: &Value) -> (Value, Map<String, Value>) {
    let mut schema = with_component_references(&without_boolean_schemas(schema));
    let mut definitions = Map::new();
    if let Some(map) = schema.as_object_mut() {
        map.remove("$schema");
        map.remove("$id");
        if let Some(Value::Object(defs)) = map.remove("$defs") {
            definitions = defs;
        }
    }
    (schema, definitions)
}

/// Every `$ref` to the file's `$defs` pointed at `components/schemas`.
fn with_component_references(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let name = v.as_str().and_then(|r| r.strip_prefix(DEFS_POINTER));
                    match (k.as_str(), name) {
                        ("$ref", Some(name)) => {
                            (k.clone(), format!("#/components/schemas/{name}").into())
                        }
                        _ => (k.clone(), with_component_references(v)),
                    }
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(with_component_references).collect()),
        other => other.clone(),
    }
}

/// The boolean schemas as objects of the same meaning (`true` as `{}`, `false` as
/// `{"not": {}}`): 2020-12 allows both forms, but OpenAPI tools (Redocly's `struct` rule) expect
/// a Schema Object wherever a schema goes.
pub fn without_boolean_schemas(schema: &Value) -> Value {
    fn walk(value: &Value, is_schema: bool) -> Value {
        match value {
            Value::Bool(true) if is_schema => json!({}),
            Value::Bool(false) if is_schema => json!({"not": {}}),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| {
                        let v = match k.as_str() {
                            // Maps from names to schemas.
                            "properties" | "$defs" | "patternProperties" => match v {
                                Value::Object(m) => Value::Object(
                                    m.iter().map(|(n, s)| (n.clone(), walk(s, true))).collect(),
                                ),
                                other => other.clone(),
                            },
                            // Lists of schemas.
                            "allOf" | "anyOf" | "oneOf" | "prefixItems" => match v {
                                Value::Array(a) => {
                                    Value::Array(a.iter().map(|s| walk(s, true)).collect())
                                }
                                other => other.clone(),
                            },
                            // One schema.
                            "not"
                            | "if"
                            | "then"
                            | "else"
                            | "items"
                            | "contains"
                            | "additionalProperties"
                            | "contentSchema"
                            | "propertyNames" => walk(v, true),
                            // Anything else (`enum`, `const`, annotations) is data.
                            _ => v.clone(),
                        };
                        (k.clone(), v)
                    })
                    .collect(),
            ),
            other => other.clone(),
        }
    }
    walk(schema, true)
}

fn webhook(callback: &OperationIr, operation_id: &str) -> Value {
    json!({
        "operationId": operation_id,
        "summary": callback.title,
        "tags": [callback.method],
        "requestBody": {
            "required": true,
            "content": {"application/json": {"schema": reference(&callback.id)}}
        },
        "responses": {
            "200": {
                "description": "Received; any other answer makes the platform send the callback again."
            },
            "4XX": {
                "description": "Refused (a bad signature, say): the platform sends the callback again."
            }
        }
    })
}

fn gate_answer() -> Value {
    json!({
        "title": "GateAnswer",
        "description": "The Gate's answer to an accepted request.",
        "type": "object",
        "properties": {
            "status": {"type": "string"},
            "request_id": {"type": "string"},
            "project_id": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
            "payment_id": {"type": "string"}
        },
        "required": ["status"]
    })
}

fn gate_error() -> Value {
    json!({
        "title": "GateError",
        "description": "The Gate's answer to a rejected request.",
        "type": "object",
        "properties": {
            "status": {"type": "string"},
            "code": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
            "message": {"type": "string"},
            "request_id": {"type": "string"}
        }
    })
}
