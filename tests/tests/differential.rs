//! Differential test: the Rust validator (`validate_json` of every operation in the registry)
//! and the exported JSON Schema (the `jsonschema` crate) agree on thousands of mutated payloads
//! per operation: a field dropped, a type changed, a value out of range or wrongly formatted,
//! `1.0`, `1e30`, integers beyond 64 bits, numbers the signature cannot cover (`0.00001`) in
//! declared fields and in other parameters. The two disagreements a JSON Schema cannot avoid (a
//! number with a zero fraction is an integer to it; it cannot count a number's significant
//! digits: see the README) are counted, not failed.

mod support;

use std::collections::BTreeMap;
use std::time::Instant;

use ecommpay_api::{Facts, OPERATIONS};
use ecommpay_tests::mutate::{MutationNotes, Rng, mutate_json};
use serde_json::Value;

use support::{cases, load_spec, schema_validators};

const PER_OPERATION: usize = 3_000;

#[test]
fn the_validator_and_the_schemas_agree_on_mutated_payloads() {
    let started = Instant::now();
    let validators = schema_validators();
    let mut bases: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for case in cases(&load_spec()) {
        bases
            .entry(case.operation.clone())
            .or_default()
            .push(case.json);
    }
    let mut rng = Rng::new(0xd1ff);
    let (mut compared, mut explained) = (0usize, 0usize);
    let mut disagreements = Vec::new();
    let mut operations = 0;
    for entry in OPERATIONS {
        let id = entry.id();
        let Some(schema) = validators.get(id) else {
            panic!("{id}: no exported schema");
        };
        // Start from the examples both accept (some examples carry documented contradictions).
        let agreed: Vec<&Value> = bases
            .get(id)
            .into_iter()
            .flatten()
            .filter(|p| entry.validate_json(p, &Facts::none()).is_empty() && schema.is_valid(p))
            .collect();
        if agreed.is_empty() {
            continue;
        }
        operations += 1;
        for _ in 0..PER_OPERATION {
            let mut payload = (*rng.pick(&agreed)).clone();
            let mut notes = MutationNotes::default();
            for _ in 0..=rng.below(2) {
                notes = notes.and(mutate_json(&mut rng, &mut payload));
            }
            let violations = entry.validate_json(&payload, &Facts::none());
            let schema_ok = schema.is_valid(&payload);
            compared += 1;
            if violations.is_empty() == schema_ok {
                continue;
            }
            if notes.beyond_json_schema() && schema_ok {
                explained += 1;
                continue;
            }
            if disagreements.len() < 10 {
                let schema_errors: Vec<String> = schema
                    .iter_errors(&payload)
                    .take(3)
                    .map(|e| format!("{e} at {}", e.instance_path()))
                    .collect();
                disagreements.push(format!(
                    "{id}: validator {:?}, schema {schema_errors:?}\n  {payload}",
                    violations
                        .iter()
                        .take(3)
                        .map(|v| format!("{}: {}", v.path, v.message))
                        .collect::<Vec<_>>()
                ));
            } else {
                disagreements.push(String::new());
            }
        }
    }
    eprintln!(
        "{compared} payloads over {operations} of {} operations (those with examples) in {:?}: {} \
         disagreements, {explained} explained by numbers JSON Schema cannot tell (a zero \
         fraction, more than 14 significant digits)",
        OPERATIONS.len(),
        started.elapsed(),
        disagreements.len()
    );
    assert!(
        operations > 10,
        "only {operations} operations have examples"
    );
    assert!(
        disagreements.is_empty(),
        "{} disagreements, the first ones:\n{}",
        disagreements.len(),
        disagreements
            .iter()
            .filter(|d| !d.is_empty())
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
