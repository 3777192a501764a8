//! Validating an AstroPay sale: typed (`Validate`) and as JSON (`validate_json` through the
//! registry), against the `jsonschema` crate collecting every error on the exported schema
//! (from `ecommpay_codegen::Generator::schemas`) on the same payload. Goals (issue 9,
//! item 1, the generated validators): typed at most 0.2x the floor (5x faster), JSON at most 1x.

mod common;

use common::Bench;

use std::hint::black_box;

use ecommpay_api::astropay::SaleRequest;
use ecommpay_api::{Facts, Validate};

const GROUP: &str = "validation";
const OPERATION: &str = "astropay.gate.sale";

fn main() {
    let mut criterion = common::criterion();
    let value = common::example("astropay-gate-sale-request");
    let typed: SaleRequest = serde_json::from_value(value.clone()).expect("typed");
    let entry = ecommpay_api::operation(OPERATION).expect("in the registry");
    let schemas = ecommpay_codegen::Generator::from_dir(common::spec_dir())
        .schemas()
        .expect("schemas");
    let schema = schemas
        .files
        .iter()
        .find(|f| f.file_name == format!("{OPERATION}.json"))
        .expect("exported");
    let validator = jsonschema::draft202012::new(&schema.schema).expect("compiles");
    assert!(typed.validate().is_ok());
    assert!(entry.validate_json(&value, &Facts::none()).is_empty());
    assert_eq!(validator.iter_errors(&value).count(), 0);

    let floor = || {
        black_box(validator.iter_errors(black_box(&value)).count());
    };
    let typed_validate = || {
        black_box(black_box(&typed).validate()).ok();
    };
    let validate_json = || {
        black_box(entry.validate_json(black_box(&value), &Facts::none()));
    };
    common::compare(
        &mut criterion,
        GROUP,
        Bench::new("jsonschema_all_errors", &floor),
        &[
            Bench::new("typed_validate", &typed_validate).goal(0.2),
            Bench::new("validate_json", &validate_json).goal(1.0),
        ],
    );
}
