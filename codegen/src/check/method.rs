//! Method rules: currency codes, restrictions and limits that make sense.

use crate::diagnostics::Diagnostics;
use crate::load::LoadedSpec;

use crate::resolve::SpecIndex;

pub(super) fn check_all(index: &SpecIndex<'_>, spec: &LoadedSpec, out: &mut Diagnostics) {
    for file in &spec.files {
        let Some(method) = &file.content.method else {
            continue;
        };
        let name = file.display_name.as_str();
        let mut error =
            |at, message: String| out.error(name, at, format!("method `{}`: {message}", method.id));
        if !is_identifier(&method.id) {
            error(
                method.at,
                format!(
                    "id `{}` must be a lower-case identifier (it names a Rust module)",
                    method.id
                ),
            );
        }
        if let Some(currencies) = &method.currencies {
            if currencies.any != currencies.list.is_empty() {
                error(
                    method.at,
                    "currencies: give either `any: true` or a `list`".into(),
                );
            }
            for code in &currencies.list {
                if !is_currency(code) {
                    error(
                        method.at,
                        format!("`{code}` is not an ISO 4217 alpha-3 code"),
                    );
                }
            }
            for target in &currencies.applies_to {
                if !index.operations.contains_key(target.as_str()) {
                    error(
                        method.at,
                        format!("currencies apply to unknown operation `{target}`"),
                    );
                }
            }
            for restriction in &currencies.restrictions {
                if !is_currency(&restriction.currency) {
                    error(
                        restriction.at,
                        format!("`{}` is not an ISO 4217 alpha-3 code", restriction.currency),
                    );
                }
                if let Some(country) = &restriction.only_country
                    && (country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()))
                {
                    error(
                        restriction.at,
                        format!("`{country}` is not an ISO 3166-1 alpha-2 code"),
                    );
                }
                if !restriction.no_minor_units && restriction.only_country.is_none() {
                    error(
                        restriction.at,
                        format!(
                            "restriction on `{}` restricts nothing",
                            restriction.currency
                        ),
                    );
                }
            }
        }
        for limit in &method.limits {
            if let (Some(min), Some(max)) = (limit.min, limit.max)
                && min > max
            {
                error(
                    limit.at,
                    format!("limit minimum {min} exceeds its maximum {max}"),
                );
            }
            if let Some(currency) = &limit.currency
                && !is_currency(currency)
            {
                error(
                    limit.at,
                    format!("`{currency}` is not an ISO 4217 alpha-3 code"),
                );
            }
        }
        for timing in &method.timings {
            if timing.base.is_none() && timing.limit.is_none() {
                error(
                    timing.at,
                    format!(
                        "timing for `{}` has neither `base` nor `limit`",
                        timing.applies_to
                    ),
                );
            }
        }
    }
}

fn is_currency(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

fn is_identifier(id: &str) -> bool {
    id.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}
