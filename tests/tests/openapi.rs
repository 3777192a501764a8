//! The OpenAPI 3.1 document: every Gate operation at its path and method with its request
//! schema, its callbacks, every callback among the webhooks, the Payment Page at `GET /payment`,
//! and component schemas that are the exported schemas. CI also validates the document with
//! `openapi-spec-validator`.

mod support;

use serde_json::Value;

fn document() -> Value {
    ecommpay_codegen::pipeline::generate_openapi(&support::spec_dir()).expect("the document builds")
}

#[test]
fn every_operation_is_in_the_document() {
    let doc = document();
    assert_eq!(doc["openapi"], "3.1.0");
    let ir = support::ir();
    let (schemas, _) = ecommpay_codegen::emit::schema::emit(&ir);
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
        let text = serde_json::to_string(
            &ecommpay_codegen::emit::openapi::without_boolean_schemas(exported),
        )
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
            assert_eq!(
                &doc["components"]["schemas"][&name], &definition,
                "{}: $defs/{name}",
                op.id
            );
        }
        assert_eq!(component, &Value::Object(expected.clone()), "{}", op.id);
        let reference = format!("#/components/schemas/{}", op.id);
        match op.interface {
            ecommpay_codegen::model::Interface::Gate => {
                let path = op.path.as_deref().expect("a Gate path");
                let method = op.http_method.unwrap_or("POST").to_ascii_lowercase();
                let operation = &doc["paths"][path][&method];
                assert_eq!(operation["operationId"], op.id.as_str());
                assert_eq!(
                    operation["requestBody"]["content"]["application/json"]["schema"]["$ref"],
                    reference.as_str()
                );
                for status in ["200", "400", "403"] {
                    assert!(
                        operation["responses"][status].is_object(),
                        "{} {status}",
                        op.id
                    );
                }
            }
            ecommpay_codegen::model::Interface::PaymentPage => {
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
            ecommpay_codegen::model::Interface::Callback => {
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
