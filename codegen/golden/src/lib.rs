//! The generator's golden output: the Rust it generates from the fixture `golden`
//! (`codegen/tests/fixtures/valid` with a signed Gate request and a closed enum: one payment
//! method, a Gate sale and its callback), kept in `generated/` and compiled here
//! against `ecommpay-api`, whose runtime it names by absolute paths
//! (`::ecommpay_api::...`, its helpers under `::ecommpay_api::__private`). The test
//! `codegen/tests/golden.rs` checks the files byte for byte against the generator's output
//! (`ECOMMPAY_GOLDEN=overwrite` rewrites them); the tests below use the code as a merchant would.

#[allow(clippy::all, clippy::pedantic, missing_docs, unreachable_pub)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/generated/mod.rs"));
}

pub use generated::*;

#[cfg(test)]
mod tests {
    use super::*;
    use ecommpay_api::validate::Validate;

    #[test]
    fn the_registry_holds_the_sale_and_its_callback() {
        let ids: Vec<&str> = OPERATIONS.iter().map(|entry| entry.id()).collect();
        assert_eq!(ids, ["wallet.gate.sale", "wallet.callback.sale"]);
        assert_eq!(FACTS, ["card_is_visa"]);
        assert_eq!(Fact::ALL, [Fact::CardIsVisa]);
    }

    #[test]
    fn the_builder_names_every_missing_field() {
        let error = wallet::SaleRequest::builder()
            .build()
            .expect_err("general is required");
        assert!(error.to_string().contains("general"), "{error}");
    }

    #[test]
    fn a_built_request_validates_and_round_trips() {
        let request = wallet::SaleRequest::builder()
            .general(wallet::General::builder().project_id(1).payment_id("p1"))
            .customer(wallet::Customer::builder().email("a@example.com"))
            .build()
            .expect("a whole request");
        assert!(request.validate().is_ok());
        let json = serde_json::to_value(&request).expect("serializes");
        assert_eq!(
            json,
            serde_json::json!({
                "general": {"project_id": 1, "payment_id": "p1"},
                "customer": {"email": "a@example.com"}
            })
        );
        let back: wallet::SaleRequest = serde_json::from_value(json).expect("deserializes");
        assert_eq!(back, request);
    }

    #[test]
    fn the_one_of_rule_reports_a_request_with_neither_contact() {
        let request = wallet::SaleRequest::builder()
            .general(wallet::General::builder().project_id(1).payment_id("p1"))
            .build()
            .expect("the builder takes a request without customer");
        let violations = request.validate().expect_err("one of email, phone");
        assert!(
            violations.to_string().contains("customer.email"),
            "{violations}"
        );
    }

    #[test]
    fn a_closed_enum_takes_its_values_only() {
        let kind: wallet::CustomerKind = "company".parse().expect("a value of the enum");
        assert_eq!(kind.as_str(), "company");
        let error = "robot"
            .parse::<wallet::CustomerKind>()
            .expect_err("not a value of the enum");
        assert!(error.to_string().contains("robot"), "{error}");
    }

    #[test]
    fn a_field_named_as_a_builder_method_gets_an_underscore() {
        // `other` is the builder's method for other parameters: the spec's field `other` is
        // set with `other_` and sent under its own name.
        let customer: wallet::Customer = wallet::builder::CustomerBuilder::default()
            .other_("declared")
            .other("undeclared", 1)
            .build()
            .expect("a customer");
        assert_eq!(customer.other_.as_deref(), Some("declared"));
        assert_eq!(
            serde_json::to_value(&customer).expect("serializes"),
            serde_json::json!({"other": "declared", "undeclared": 1})
        );
    }
}
