//! The OpenAPI 3.1 document: every Gate operation at its path and method with its request
//! schema, its callbacks, every callback among the webhooks, the Payment Page at `GET /payment`,
//! and component schemas that are the exported schemas. CI also validates the document with
//! `openapi-spec-validator`.

mod support;

use std::collections::BTreeSet;

use serde_json::Value;

/// The extension that marks what `ecommpay mock` answers where the documents say nothing.
const MOCK_CHOICE: &str = "x-ecommpay-mock-choice";

/// The components the document lifted out of `anyOf`/`oneOf` branches: every component that is
/// neither an operation's schema, a shared definition of the exported schemas, nor the Gate's
/// answers.
fn lifted(doc: &Value) -> BTreeSet<String> {
    let ir = support::ir();
    let (schemas, _) = ecommpay_codegen::__private::emit_schemas(&ir);
    let mut original: BTreeSet<String> = ["GateAnswer", "GateError"].map(String::from).into();
    for file in &schemas {
        original.insert(file.file_name.trim_end_matches(".json").to_owned());
        if let Some(defs) = file.schema["$defs"].as_object() {
            original.extend(defs.keys().cloned());
        }
    }
    doc["components"]["schemas"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|name| !original.contains(*name))
        .cloned()
        .collect()
}

/// `schema` with each reference to a lifted component replaced by the component.
fn inlined(schema: &Value, doc: &Value, lifted: &BTreeSet<String>) -> Value {
    let target = |reference: &Value| {
        let name = reference.as_str()?.strip_prefix("#/components/schemas/")?;
        lifted
            .contains(name)
            .then(|| &doc["components"]["schemas"][name])
    };
    match schema {
        Value::Object(map) => {
            if let (1, Some(component)) = (map.len(), map.get("$ref").and_then(target)) {
                return inlined(component, doc, lifted);
            }
            Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), inlined(v, doc, lifted)))
                    .collect(),
            )
        }
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| inlined(v, doc, lifted)).collect())
        }
        other => other.clone(),
    }
}

/// Generic generators (openapi-python-client) name an inline branch's models by position and
/// then make the same name twice for an object nested in it: every titled object branch of an
/// `anyOf`/`oneOf` is a component of its own, named by its title.
#[test]
fn every_variant_branch_is_a_component_of_its_own() {
    let doc = document();
    fn inline_titled_branches(value: &Value, at: &str, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    let here = format!("{at}/{key}");
                    if matches!(key.as_str(), "anyOf" | "oneOf") {
                        for (index, branch) in child.as_array().into_iter().flatten().enumerate() {
                            if branch.get("title").is_some() && branch.get("$ref").is_none() {
                                found.push(format!("{here}/{index}"));
                            }
                        }
                    }
                    inline_titled_branches(child, &here, found);
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    inline_titled_branches(item, &format!("{at}/{index}"), found);
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    inline_titled_branches(&doc, "", &mut found);
    assert_eq!(found, Vec::<String>::new());
    let lifted = lifted(&doc);
    for name in [
        "UpiSaleRequestChannel1",
        "PaypalSaleRequestRecurringRegistration",
    ] {
        assert!(lifted.contains(name), "{name} in {lifted:?}");
    }
    let sale = &doc["components"]["schemas"]["upi.gate.sale"]["anyOf"];
    assert_eq!(
        sale[0]["$ref"],
        "#/components/schemas/UpiSaleRequestChannel1"
    );
}

/// Every answer `ecommpay mock` serves at `GET /payment` is documented, its refusals marked as
/// its choice.
#[test]
fn the_payment_page_documents_the_mocks_refusals() {
    let doc = document();
    let responses = &doc["paths"]["/payment"]["get"]["responses"];
    assert!(responses["200"].get(MOCK_CHOICE).is_none());
    for status in ["400", "403", "409", "414"] {
        assert_eq!(responses[status][MOCK_CHOICE], true, "{status}");
        assert!(
            responses[status]["content"]["text/html"].is_object(),
            "{status}"
        );
    }
}

fn document() -> Value {
    ecommpay_codegen::Generator::from_dir(support::spec_dir())
        .openapi()
        .expect("the document builds")
}

#[test]
fn every_operation_is_in_the_document() {
    let doc = document();
    assert_eq!(doc["openapi"], "3.1.0");
    let ir = support::ir();
    let (schemas, _) = ecommpay_codegen::__private::emit_schemas(&ir);
    for op in ir.methods.iter().flat_map(|m| &m.operations) {
        let component = &doc["components"]["schemas"][&op.id];
        let exported = &schemas
            .iter()
            .find(|s| s.file_name == format!("{}.json", op.id))
            .expect("an exported schema")
            .schema;
        // The same schema, less what a component does not need, with its boolean schemas as
        // Schema Objects of the same meaning, and its shared definitions lifted into components
        // (each the same as the file's), references following them.
        let text = serde_json::to_string(&ecommpay_codegen::__private::without_boolean_schemas(
            exported,
        ))
        .unwrap()
        .replace("\"#/$defs/", "\"#/components/schemas/");
        let mut expected: Value = serde_json::from_str(&text).unwrap();
        let expected = expected.as_object_mut().unwrap();
        expected.remove("$schema");
        expected.remove("$id");
        for (name, definition) in expected
            .remove("$defs")
            .and_then(|d| d.as_object().cloned())
            .unwrap_or_default()
        {
            // `SignableValue` in the form generic generators read (`emit::signable::openapi`).
            let mut lifted = serde_json::Map::from_iter([(name.clone(), definition)]);
            ecommpay_codegen::__private::signable_openapi(&mut lifted);
            for (name, definition) in lifted {
                assert_eq!(
                    &doc["components"]["schemas"][&name], &definition,
                    "{}: $defs/{name}",
                    op.id
                );
            }
        }
        assert_eq!(
            inlined(component, &doc, &lifted(&doc)),
            Value::Object(expected.clone()),
            "{}",
            op.id
        );
        let reference = format!("#/components/schemas/{}", op.id);
        match op.interface {
            ecommpay_api::Interface::Gate => {
                let path = op.path.as_deref().expect("a Gate path");
                let method = op.http_method.unwrap_or("POST").to_ascii_lowercase();
                let operation = &doc["paths"][path][&method];
                assert_eq!(operation["operationId"], op.id.as_str());
                assert_eq!(
                    operation["requestBody"]["content"]["application/json"]["schema"]["$ref"],
                    reference.as_str()
                );
                // What the mock answers, marked as its choice where the documents say nothing;
                // 403 only where the documents name it (a card payout registration from an IP
                // address not on the allow-list, 001_6d33046829e36e91.txt:38).
                for status in ["400", "413", "415"] {
                    let response = &operation["responses"][status];
                    assert_eq!(response[MOCK_CHOICE], true, "{} {status}", op.id);
                }
                assert!(operation["responses"]["200"].get(MOCK_CHOICE).is_none());
                let forbidden = &operation["responses"]["403"];
                if op.id == "card_payout.gate.payout_registration" {
                    let said = forbidden["description"].as_str().unwrap();
                    // The document by name: nothing published carries a document line.
                    assert!(said.contains("`001_6d33046829e36e91.txt`"), "{said}");
                    assert!(forbidden.get(MOCK_CHOICE).is_none());
                } else {
                    assert!(forbidden.is_null(), "{}: {forbidden}", op.id);
                }
            }
            ecommpay_api::Interface::PaymentPage => {
                let sets = &doc["paths"]["/payment"]["get"]["parameters"][0]["schema"]["anyOf"];
                assert!(
                    sets.as_array()
                        .unwrap()
                        .iter()
                        .any(|s| s["$ref"] == reference.as_str()),
                    "{}",
                    op.id
                );
            }
            ecommpay_api::Interface::Callback => {
                let webhook = &doc["webhooks"][&op.id]["post"];
                assert_eq!(
                    webhook["requestBody"]["content"]["application/json"]["schema"]["$ref"],
                    reference.as_str()
                );
                // And under each operation it reports on.
                for reported in &op.reports_on {
                    let Some(gate) = ir
                        .methods
                        .iter()
                        .flat_map(|m| &m.operations)
                        .find(|g| &g.id == reported && g.path.is_some())
                    else {
                        continue;
                    };
                    let path = gate.path.as_deref().unwrap();
                    let method = gate.http_method.unwrap_or("POST").to_ascii_lowercase();
                    assert!(
                        doc["paths"][path][&method]["callbacks"][&op.id].is_object(),
                        "{} under {reported}",
                        op.id
                    );
                }
            }
        }
    }
}

/// The whole document, reviewed like the generated code and the schemas: a change to what
/// generic OpenAPI tools read shows in the snapshot diff.
#[test]
fn the_document_as_published() {
    insta::assert_json_snapshot!("openapi", document());
}

/// `ecommpay-mock`'s refusals (`Refusal`) and the document agree: every Gate operation and
/// `GET /payment` list exactly the statuses the mock refuses them with (a 5xx is the mock's own
/// defect, not an answer to the request), each marked as the mock's choice exactly when the
/// refusal says so, and the Gate's descriptions name exactly the codes of their status. The
/// Payment Page's buttons and unknown paths are the mock's own, not in the document.
#[test]
fn the_mocks_refusals_are_the_documents_answers() {
    use ecommpay_mock::{Basis, Refusal, Route};
    let doc = document();
    let refusals = |route: Route| {
        Refusal::ALL
            .iter()
            .copied()
            .filter(move |r| r.route() == route && r.status() < 500)
    };
    let mock_choice = |refusal: &Refusal| refusal.basis() == Basis::MockChoice;
    let marked = |responses: &Value| -> BTreeSet<String> {
        responses
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, response)| response[MOCK_CHOICE] == true)
            .map(|(status, _)| status.clone())
            .collect()
    };
    let statuses = |route: Route, choice: bool| -> BTreeSet<String> {
        refusals(route)
            .filter(|r| mock_choice(r) == choice)
            .map(|r| r.status().to_string())
            .collect()
    };
    // The snake_case codes a description names in backticks.
    let codes_named = |description: &str| -> BTreeSet<String> {
        description
            .split('`')
            .skip(1)
            .step_by(2)
            .filter(|word| {
                word.contains('_') && word.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
            })
            .map(str::to_owned)
            .collect()
    };

    let mut gate_operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        if path == "/payment" {
            continue;
        }
        for operation in item.as_object().unwrap().values() {
            gate_operations += 1;
            let responses = &operation["responses"];
            let id = &operation["operationId"];
            assert_eq!(
                marked(responses),
                statuses(Route::GateOperation, true),
                "{id}"
            );
            for documented in statuses(Route::GateOperation, false) {
                assert!(responses[&documented].is_object(), "{id} {documented}");
            }
            for (status, response) in responses.as_object().unwrap() {
                let Some(description) = response["description"].as_str() else {
                    continue;
                };
                if response[MOCK_CHOICE] != true {
                    continue;
                }
                let codes: BTreeSet<String> = refusals(Route::GateOperation)
                    .filter(|r| r.status().to_string() == *status)
                    .filter(|r| r.status() != 413) // answered unread, as plain text without a code
                    .map(|r| r.code().to_owned())
                    .collect();
                assert_eq!(codes_named(description), codes, "{id} {status}");
            }
        }
    }
    assert!(gate_operations > 0);

    let page = &doc["paths"]["/payment"]["get"]["responses"];
    assert_eq!(marked(page), statuses(Route::PaymentPage, true));
    for documented in statuses(Route::PaymentPage, false) {
        assert!(page[&documented].is_object(), "{documented}");
    }
    let paths = doc["paths"].as_object().unwrap();
    assert!(
        paths
            .keys()
            .all(|p| !p.starts_with("/payment/") && !p.starts_with("/_mock")),
        "the buttons and the control API are the mock's own"
    );
    assert!(refusals(Route::PaymentPageButton).count() > 0);
}
