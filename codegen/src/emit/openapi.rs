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
pub(crate) const GATE_URL: &str = "https://api.ecommpay.com";
/// The Payment Page's address.
pub(crate) const PAYMENT_PAGE_URL: &str = "https://paymentpage.ecommpay.com";

/// The OpenAPI document, from the IR and the schemas `emit::schema` exported from it.
pub(crate) fn emit(ir: &Ir, schemas: &[SchemaFile]) -> Value {
    let operations: Vec<&OperationIr> = ir.methods.iter().flat_map(|m| &m.operations).collect();
    let mut components = Map::new();
    for file in schemas {
        let id = file.file_name.trim_end_matches(".json");
        let (schema, definitions) = component(&file.schema);
        components.insert(id.to_owned(), schema);
        // The same name is the same definition in every file (`emit::defs`).
        components.extend(definitions);
    }
    lift_variant_branches(&mut components);
    super::signable::openapi(&mut components);
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
            "responses": gate_responses(&op.id, document_of(ir, op)),
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
                "responses": payment_page_responses()
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
        // The method's English name and what it is, as the generated crate's module docs say it
        // (the document's title may be Russian, and its file name is bookkeeping).
        .map(|m| {
            let name = m.name.trim_end_matches('.');
            let description = match &m.description {
                Some(d) => format!("{name}. {}", d.trim()),
                None => format!("{name}."),
            };
            json!({"name": m.id, "description": description})
        })
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

/// Each variant of an `anyOf`/`oneOf` (a branch with a `title`: an operation's variants, a
/// parameter's alternative object forms) as a component of its own, the branch a `$ref` to it.
/// Generic generators name the models of inline branches from their position, and
/// openapi-python-client then makes the same model name twice for an object nested in a branch
/// ("Unable to process schema") and drops it. A component is named by its title, or by
/// `{parent}.{title}` when another component has that name. Branches without a title are
/// constraints (`required` alone, for a one-of group), not models: they stay inline.
fn lift_variant_branches(components: &mut Map<String, Value>) {
    let mut pending: Vec<String> = components.keys().cloned().collect();
    while let Some(parent) = pending.pop() {
        let Some(mut schema) = components.remove(&parent) else {
            continue;
        };
        let mut lifted = Vec::new();
        take_variant_branches(&mut schema, &mut lifted);
        components.insert(parent.clone(), schema);
        for (title, branch, slot) in lifted {
            let name = if components.contains_key(&title) {
                format!("{parent}.{title}")
            } else {
                title
            };
            if let Some(place) = components
                .get_mut(&parent)
                .and_then(|c| c.pointer_mut(&slot))
            {
                *place = reference(&name);
            }
            components.insert(name.clone(), branch);
            pending.push(name);
        }
    }
}

/// Where a lifted branch was: the JSON pointer of its place in the parent component.
type Slot = String;

/// Takes every titled object branch of an `anyOf`/`oneOf` out of `schema` (leaving `null` in
/// its place, which the caller replaces with a reference), with its title and place; nested branches stay in the
/// branch they belong to, lifted when it is.
fn take_variant_branches(schema: &mut Value, lifted: &mut Vec<(String, Value, Slot)>) {
    fn walk(value: &mut Value, pointer: &str, lifted: &mut Vec<(String, Value, Slot)>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    let here = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
                    if matches!(key.as_str(), "anyOf" | "oneOf")
                        && let Value::Array(branches) = child
                    {
                        for (index, branch) in branches.iter_mut().enumerate() {
                            let title = branch
                                .get("title")
                                .and_then(Value::as_str)
                                .map(str::to_owned);
                            match title {
                                Some(title) if is_object_schema(branch) => {
                                    lifted.push((title, branch.take(), format!("{here}/{index}")));
                                }
                                _ => walk(branch, &format!("{here}/{index}"), lifted),
                            }
                        }
                    } else {
                        walk(child, &here, lifted);
                    }
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter_mut().enumerate() {
                    walk(item, &format!("{pointer}/{index}"), lifted);
                }
            }
            _ => {}
        }
    }
    walk(schema, "", lifted);
}

fn is_object_schema(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("object")
        || schema.get("properties").is_some()
}

/// The vendor document an operation was transcribed from.
fn document_of<'a>(ir: &'a Ir, op: &OperationIr) -> &'a str {
    ir.methods
        .iter()
        .find(|m| m.operations.iter().any(|o| o.id == op.id))
        .map_or("", |m| m.document.as_str())
}

/// The one HTTP refusal the documents name: a card payout registration sent from an IP address
/// that is not on the allow-list is answered 403 (`001_6d33046829e36e91.txt:38`). They say
/// nothing of a bad signature.
const ALLOW_LIST_DOCUMENT: &str = "001_6d33046829e36e91.txt";

/// Marks a response the documents do not describe: what `ecommpay mock` answers, its own choice.
const MOCK_CHOICE: &str = "x-ecommpay-mock-choice";

/// A Gate operation's answers: 200 as documented; 400, 413 and 415 as `ecommpay mock` answers
/// them (marked as its choice: the documents give no status for them); 403 where the documents
/// name it.
fn gate_responses(operation_id: &str, document: &str) -> Value {
    let error = |description: &str| {
        json!({
            "description": description,
            "content": {"application/json": {"schema": reference("GateError")}},
            MOCK_CHOICE: true,
        })
    };
    let mut responses = json!({
        "200": {
            "description": "Accepted: the request is being processed; its outcome comes in callbacks.",
            "content": {"application/json": {"schema": reference("GateAnswer")}}
        },
        "400": error(
            "Refused by `ecommpay mock` (the documents name no status or code for these): a body \
             that is not a JSON object (`malformed_request`), a missing or wrong signature \
             (`invalid_signature`), a body that breaks the documents' rules (`invalid_request`, \
             with each violation's path in `errors`), or one the payment's state refuses \
             (`payment_id_reused`, `payment_not_found`, `wrong_payment_method`, \
             `wrong_payment_status`, `refund_exceeds_payment`, `refund_amount_zero`, \
             `refund_currency_differs`, `recurring_not_found`, `unknown_uuid`)."
        ),
        "413": {
            "description": "Refused by `ecommpay mock`: a body over 1 MiB, before it is read (plain text).",
            "content": {"text/plain": {"schema": {"type": "string"}}},
            MOCK_CHOICE: true,
        },
        "415": error(
            "Refused by `ecommpay mock`: a `Content-Type` other than `application/json` \
             (`unsupported_media_type`)."
        ),
    });
    if document == ALLOW_LIST_DOCUMENT && operation_id.contains("payout") {
        responses["403"] = json!({
            "description": format!(
                "Forbidden: the request was sent from an IP address that is not on the project's \
                 allow-list (the card payouts document, `{ALLOW_LIST_DOCUMENT}`). `ecommpay mock` \
                 has no allow-list and never answers it."
            ),
            "content": {"application/json": {"schema": reference("GateError")}}
        });
    }
    responses
}

/// The Payment Page's answers: the form, and the refusals `ecommpay mock` serves (marked as its
/// choice: the documents do not say how the platform answers a bad URL). Every answer is HTML.
fn payment_page_responses() -> Value {
    let page = |description: &str, mock_choice: bool| {
        let mut response = json!({
            "description": description,
            "content": {"text/html": {"schema": {"type": "string"}}}
        });
        if mock_choice {
            response[MOCK_CHOICE] = json!(true);
        }
        response
    };
    json!({
        "200": page("The payment form.", false),
        "400": page(
            "Refused by `ecommpay mock`: no query, a query it cannot decode, no or a malformed \
             signature, or parameters that break the documents' rules (each violation with its \
             parameter path).",
            true,
        ),
        "403": page(
            "Refused by `ecommpay mock`: a signature that does not match the parameters (a \
             boolean sent as `True`/`true` but signed as `1` is named, with what to do).",
            true,
        ),
        "409": page(
            "Refused by `ecommpay mock`: a `payment_id` already used with other parameters.",
            true,
        ),
        "414": page("Refused by `ecommpay mock`: a URL over 64 KiB.", true),
    })
}

fn reference(id: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{id}")})
}

/// A schema as a component, and its shared definitions as components of their own: the dialect
/// is the document's, a component needs no `$id`, and references to `$defs` become references to
/// `components/schemas` (a reference inside a component resolves against the document).
pub(crate) fn component(schema: &Value) -> (Value, Map<String, Value>) {
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
            "request_id": {"type": "string"},
            "errors": {
                "description": "`ecommpay mock`'s own addition: each violation of the documents' rules, or the field the payment's state refuses.",
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "path": {"type": "string"},
                        "kind": {"type": "string"},
                        "message": {"type": "string"}
                    }
                },
                MOCK_CHOICE: true
            }
        }
    })
}
