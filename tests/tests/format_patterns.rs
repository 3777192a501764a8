//! The exported schemas and the Rust validator share one truth per format: the same pattern.

use ecommpay_api::formats::Format as ApiFormat;
use ecommpay_codegen::emit::schema::format_pattern;
use ecommpay_codegen::model::Format as SpecFormat;

/// The spec's name of every generator format; the match is exhaustive, so a new variant has to
/// be added here (and so to the comparison).
fn spec_name(format: SpecFormat) -> &'static str {
    match format {
        SpecFormat::Currency => "currency",
        SpecFormat::Country => "country",
        SpecFormat::Subdivision => "subdivision",
        SpecFormat::Language => "language",
        SpecFormat::Email => "email",
        SpecFormat::Ip => "ip",
        SpecFormat::Url => "url",
        SpecFormat::Phone => "phone",
        SpecFormat::Pan => "pan",
        SpecFormat::Cpf => "cpf",
        SpecFormat::DateDmy => "date_dmy",
        SpecFormat::TimeHms => "time_hms",
        SpecFormat::Datetime => "datetime",
        SpecFormat::YnFlag => "yn_flag",
        SpecFormat::Indicator => "indicator",
        SpecFormat::FourIndicators => "four_indicators",
        SpecFormat::AmountMinor => "amount_minor",
        SpecFormat::JsonString => "json_string",
    }
}

/// The generator's format of an API format, through the spec's name (as the YAML spells it).
fn spec_format(format: ApiFormat) -> SpecFormat {
    let spec: SpecFormat = serde_json::from_value(serde_json::Value::from(format.name()))
        .unwrap_or_else(|e| panic!("the spec has no format {:?}: {e}", format.name()));
    assert_eq!(spec_name(spec), format.name());
    spec
}

#[test]
fn schema_patterns_equal_validator_patterns() {
    let mut compared = 0;
    for format in ApiFormat::ALL {
        let spec = spec_format(format);
        assert_eq!(
            format_pattern(spec).as_deref(),
            format.pattern(),
            "format {}: the schema's pattern and the validator's differ",
            format.name()
        );
        compared += 1;
    }
    assert_eq!(compared, ApiFormat::ALL.len());
}

#[test]
fn every_spec_format_is_known_to_the_api() {
    // Every name the generator knows maps back to one API format.
    let names: Vec<&str> = ApiFormat::ALL.iter().map(|f| f.name()).collect();
    let spec_formats: Vec<SpecFormat> = ApiFormat::ALL.iter().map(|f| spec_format(*f)).collect();
    for spec in &spec_formats {
        assert!(
            names.contains(&spec_name(*spec)),
            "{} unknown to the API",
            spec_name(*spec)
        );
    }
    let mut unique = spec_formats.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        spec_formats.len(),
        "two API formats map to one spec format"
    );
}

#[test]
fn patterns_are_ecma_friendly_and_anchored() {
    for format in ApiFormat::ALL {
        let Some(pattern) = format.pattern() else {
            continue;
        };
        assert!(!pattern.contains("\\d"), "{}: uses \\d", format.name());
        assert!(
            pattern.starts_with('^') && pattern.ends_with('$'),
            "{}: not anchored",
            format.name()
        );
    }
}
