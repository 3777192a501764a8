//! Every documented request and callback example: it deserializes into its type and serializes
//! back to the same JSON, and its validation verdict (valid, or exactly the violations its errata
//! record) agrees with the exported JSON Schema's.

mod support;

use std::collections::BTreeMap;

use ecommpay_api::{Facts, ViolationKind};
use ecommpay_codegen::__private::ErratumRule;
use serde_json::{Value, json};

use support::{Case, cases, load_spec, normalize};

/// The violation kinds an erratum's rule accounts for. A field the text does not declare is no
/// violation (the documents allow other parameters); it is listed among the other parameters.
fn explains(rule: ErratumRule, kind: ViolationKind) -> bool {
    use ViolationKind as V;
    match rule {
        ErratumRule::UndeclaredField => false,
        ErratumRule::MissingRequired => {
            matches!(kind, V::Required | V::RequiredIf | V::Requires | V::OneOf)
        }
        ErratumRule::WrongType => kind == V::Type,
        ErratumRule::WrongPlace => kind == V::Required,
        ErratumRule::WrongValue => matches!(
            kind,
            V::Enum
                | V::Format
                | V::AllowedValues
                | V::MustDiffer
                | V::Currency
                | V::WholeUnits
                | V::CurrencyCountry
                | V::AmountLimit
                | V::Range
                | V::Length
                | V::Forbidden
        ),
        ErratumRule::MalformedJson => false,
    }
}

/// Errata whose rule a validator always sees (a wrong value may be beyond what rules express:
/// "the text says 140,00 EUR").
fn must_be_reported(rule: ErratumRule) -> bool {
    matches!(rule, ErratumRule::MissingRequired | ErratumRule::WrongType)
}

fn schema_validators() -> BTreeMap<String, jsonschema::Validator> {
    let checked = ecommpay_codegen::Generator::from_dir(support::spec_dir())
        .check(None)
        .expect("spec checks");
    checked
        .schemas()
        .files
        .into_iter()
        .map(|f| {
            let id = f.file_name.trim_end_matches(".json").to_owned();
            let validator = jsonschema::draft202012::new(&f.schema)
                .unwrap_or_else(|e| panic!("schema {id}: {e}"));
            (id, validator)
        })
        .collect()
}

/// The example's verdict, or what is wrong with it.
fn verdict(
    case: &Case,
    validators: &BTreeMap<String, jsonschema::Validator>,
) -> Result<Value, String> {
    let entry = ecommpay_api::operation(&case.operation)
        .ok_or_else(|| format!("{}: no operation {}", case.id, case.operation))?;
    let violations = entry.validate_json(&case.json, &Facts::none());
    let schema = validators
        .get(&case.operation)
        .ok_or_else(|| format!("{}: no schema", case.id))?;
    let schema_valid = schema.is_valid(&case.json);
    support::record(
        "examples",
        &case.id,
        &case.operation,
        &case.json,
        violations.is_empty(),
    );
    if schema_valid != violations.is_empty() {
        let schema_errors: Vec<String> = schema
            .iter_errors(&case.json)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        return Err(format!(
            "{}: the JSON Schema says valid={schema_valid} ({schema_errors:?}), Validate reports {violations:?}",
            case.id
        ));
    }
    let roundtrip = match (entry.roundtrip)(&case.json) {
        Ok(back) if back == case.json => json!("identical"),
        Ok(back) => json!({"differs": back}),
        Err(e) => json!({"error": e.to_string()}),
    };
    if violations.is_empty() && roundtrip != json!("identical") {
        return Err(format!(
            "{}: a valid example must round-trip: {roundtrip}",
            case.id
        ));
    }
    // Every violation is recorded by an erratum, and every erratum a validator must see is
    // reported.
    for v in &violations {
        let path = normalize(&v.path);
        let covered = case.contradictions().any(|e| {
            explains(e.rule, v.kind)
                && e.path.as_deref().is_some_and(|p| {
                    normalize(p) == path || path.starts_with(&format!("{}.", normalize(p)))
                })
        });
        if !covered {
            return Err(format!(
                "{}: violation {v} is not recorded by an erratum",
                case.id
            ));
        }
    }
    for e in case.contradictions().filter(|e| must_be_reported(e.rule)) {
        let path = normalize(e.path.as_deref().unwrap_or_default());
        let seen = violations.iter().any(|v| {
            explains(e.rule, v.kind)
                && (normalize(&v.path) == path
                    || normalize(&v.path).starts_with(&format!("{path}.")))
        });
        if !seen {
            return Err(format!(
                "{}: erratum {} at {path} is not reported by the validator: {violations:?}",
                case.id,
                e.rule.as_str()
            ));
        }
    }
    // A field the text does not declare is listed among the other parameters.
    let others = entry.other_parameters(&case.json);
    for e in case
        .contradictions()
        .filter(|e| e.rule == ErratumRule::UndeclaredField)
    {
        let path = normalize(e.path.as_deref().unwrap_or_default());
        if !others.iter().any(|o| normalize(&o.path) == path) {
            return Err(format!(
                "{}: erratum undeclared_field at {path} is not among the other parameters: {others:?}",
                case.id
            ));
        }
    }
    Ok(json!({
        "operation": case.operation,
        "variant": case.variant,
        "valid": violations.is_empty(),
        "violations": violations.iter().map(|v| v.to_string()).collect::<Vec<_>>(),
        "other_parameters": others.iter().map(|o| o.to_string()).collect::<Vec<_>>(),
        "errata": case.contradictions().map(|e| format!("{} {}: {}", e.rule.as_str(), e.path.as_deref().unwrap_or("-"), e.reason)).collect::<Vec<_>>(),
        "roundtrip": roundtrip,
    }))
}

#[test]
fn every_example_has_a_verdict_that_matches_its_errata() {
    let spec = load_spec();
    let cases = cases(&spec);
    let validators = schema_validators();
    let mut failures = Vec::new();
    for case in &cases {
        match verdict(case, &validators) {
            Ok(verdict) => insta::assert_json_snapshot!(format!("example__{}", case.id), verdict),
            Err(problem) => failures.push(problem),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} examples fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Every value the documents' callbacks print is one the typed callback knows: no documented
/// example parses to an `Unknown(..)` variant anywhere.
#[test]
fn no_documented_callback_value_is_unknown() {
    let spec = load_spec();
    let mut unknown = Vec::new();
    for case in cases(&spec)
        .iter()
        .filter(|c| c.kind == ecommpay_codegen::__private::ExampleKind::Callback)
    {
        let callback: ecommpay_api::callback::Callback = serde_json::from_value(case.json.clone())
            .unwrap_or_else(|e| panic!("{}: {e}", case.id));
        let debug = format!("{callback:?}");
        let mut rest = debug.as_str();
        while let Some(at) = rest.find("Unknown(") {
            let end = rest[at..].find(')').map_or(rest.len(), |e| at + e + 1);
            unknown.push(format!("{}: {}", case.id, &rest[at..end]));
            rest = &rest[end..];
        }
    }
    assert!(
        unknown.is_empty(),
        "unknown values:\n{}",
        unknown.join("\n")
    );
}
