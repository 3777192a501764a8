//! The two generated validators agree, violation for violation (path, kind and message, in
//! order): `Validate` over the typed value and `validate_json` over the same value as JSON, on
//! every example of the spec and on mutated payloads of each operation (numbers the signature
//! cannot cover among them, in declared fields and in other parameters, which the typed value
//! keeps in `extra`), with no facts and with every fact. A payload that deserializes into its type is compared through the JSON the typed
//! value serializes to (what the typed value holds); where that JSON is the payload itself, the
//! typed verdict is also the payload's.

mod support;

use std::collections::BTreeMap;

use ecommpay_api::{FACTS, Fact, Facts, OPERATIONS, OperationEntry, ViolationKind};
use ecommpay_tests::mutate::{Rng, mutate_json};
use serde_json::Value;

use support::{cases, load_spec};

const MUTATIONS_PER_OPERATION: usize = 1_000;

#[derive(Default)]
struct Counts {
    payloads: usize,
    typed: usize,
    typed_is_the_payload: usize,
    /// Typed values holding a number the signature cannot cover (in `extra`, another parameter).
    typed_unsignable: usize,
}

/// Compares the two validators on one payload, with `facts`.
fn compare(entry: &OperationEntry, payload: &Value, facts: &Facts, counts: &mut Counts) {
    counts.payloads += 1;
    let as_json = entry.validate_json(payload, facts);
    let Some(typed_violations) = entry.typed_violations else {
        return;
    };
    let Ok(typed) = typed_violations(payload, facts) else {
        // Not a value of the type (a bad format, or an integer beyond `i64`): only the JSON
        // validator sees it.
        return;
    };
    let held = (entry.roundtrip)(payload).expect("a deserialized value serializes");
    let of_held = entry.validate_json(&held, facts);
    counts.typed += 1;
    counts.typed_unsignable += usize::from(
        typed
            .iter()
            .any(|v| v.kind == ViolationKind::UnsignableNumber),
    );
    assert_eq!(
        typed,
        of_held,
        "{}: Validate and validate_json of the typed value disagree\npayload {payload}\nheld    {held}",
        entry.id()
    );
    if &held == payload {
        counts.typed_is_the_payload += 1;
        assert_eq!(typed, as_json, "{}: on {payload}", entry.id());
    }
}

#[test]
fn typed_and_json_validators_agree_on_examples_and_mutations() {
    let all_facts = Fact::ALL
        .iter()
        .fold(Facts::none(), |facts, fact| facts.with(*fact));
    assert_eq!(Fact::ALL.len(), FACTS.len(), "one variant per fact");
    let fact_sets = [Facts::none(), all_facts];
    let mut bases: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for case in cases(&load_spec()) {
        bases
            .entry(case.operation.clone())
            .or_default()
            .push(case.json);
    }
    let (mut examples, mut mutations) = (Counts::default(), Counts::default());
    let mut rng = Rng::new(0xa9ee);
    for entry in OPERATIONS {
        let Some(payloads) = bases.get(entry.id()) else {
            continue;
        };
        for payload in payloads {
            for facts in &fact_sets {
                compare(entry, payload, facts, &mut examples);
            }
        }
        for _ in 0..MUTATIONS_PER_OPERATION {
            let mut payload = rng.pick(payloads).clone();
            for _ in 0..=rng.below(2) {
                mutate_json(&mut rng, &mut payload);
            }
            let facts = rng.pick(&fact_sets);
            compare(entry, &payload, facts, &mut mutations);
        }
    }
    eprintln!(
        "examples: {} comparisons, {} typed ({} where the typed value is the payload); \
         mutations: {} comparisons, {} typed ({} where the typed value is the payload, {} \
         holding a number the signature cannot cover)",
        examples.payloads,
        examples.typed,
        examples.typed_is_the_payload,
        mutations.payloads,
        mutations.typed,
        mutations.typed_is_the_payload,
        mutations.typed_unsignable
    );
    assert!(
        mutations.typed_unsignable > 10,
        "only {} typed values with an unsignable number",
        mutations.typed_unsignable
    );
    assert!(
        examples.typed > 50,
        "only {} typed examples",
        examples.typed
    );
    assert!(
        mutations.typed > 1_000,
        "only {} typed mutations",
        mutations.typed
    );
}
