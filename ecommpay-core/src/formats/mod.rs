//! Value formats the documents name: their names in the spec, the patterns the JSON Schemas and
//! the validators share, and (with the `runtime` feature) newtypes that validate in `FromStr`,
//! `TryFrom` and `Deserialize`.

use std::sync::LazyLock;

#[cfg(feature = "runtime")]
mod matching;
#[cfg(feature = "runtime")]
mod newtypes;
#[cfg(feature = "runtime")]
pub use newtypes::*;

/// Value formats the documents name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub enum Format {
    /// ISO 4217 alpha-3 currency code.
    Currency,
    /// ISO 3166-1 alpha-2 country code.
    Country,
    /// ISO 3166-2 subdivision code without the country prefix and hyphen (`ON` for `CA-ON`).
    Subdivision,
    /// ISO 639-1 language code.
    Language,
    /// An email address: one `@`, no spaces, a dot after the `@`.
    Email,
    /// IPv4 or IPv6 address.
    Ip,
    /// An `http` or `https` URL without spaces.
    Url,
    /// Phone number with the country code, digits only: no `+`, punctuation or spaces (AstroPay,
    /// `000_c3cc95ac790d9e4f.txt:488`); at most 15 digits, as E.164 allows.
    Phone,
    /// Indian Permanent Account Number: 5 letters, 4 digits, 1 letter or digit.
    Pan,
    /// Brazilian CPF: 11 digits.
    Cpf,
    /// Date as `dd-mm-yyyy`.
    DateDmy,
    /// Time as `hh:mm:ss`.
    TimeHms,
    /// ISO 8601 date-time.
    Datetime,
    /// `Y` or `N`.
    YnFlag,
    /// `0` or `1`.
    Indicator,
    /// Four `0`/`1` indicators in one string (`0101`).
    FourIndicators,
    /// Amount in minor units of the currency.
    AmountMinor,
    /// A string that holds JSON.
    JsonString,
}

/// An IPv6 address as RFC 4291 writes it and the standard library parses it: eight groups, or
/// fewer around one `::`, optionally ending in an IPv4 address in place of the last two. Each
/// count of groups before the `::` is one alternative, so that the total stays bounded.
fn ipv6_pattern() -> String {
    const H: &str = "[0-9A-Fa-f]{1,4}";
    // `count` groups, each followed by `:`; as few repetition braces as the count allows.
    let groups_then_colon = |count: usize| match count {
        0 => String::new(),
        1 => format!("{H}:"),
        n => format!("({H}:){{{n}}}"),
    };
    let mut alternatives = vec![
        format!("{}{H}", groups_then_colon(7)),
        format!("{}{IPV4}", groups_then_colon(6)),
    ];
    // `before` groups, `::`, then at most `7 - before` more groups, or an IPv4 tail after at
    // most `5 - before` groups.
    for before in 0..=7usize {
        let head = match before {
            0 => String::new(),
            n => format!("{}{H}", groups_then_colon(n - 1)),
        };
        let tail = match 7 - before {
            0 => String::new(),
            1 => format!("({H})?"),
            n => format!("({H}(:{H}){{0,{}}})?", n - 1),
        };
        alternatives.push(format!("{head}::{tail}"));
        match 5usize.checked_sub(before) {
            Some(0) => alternatives.push(format!("{head}::{IPV4}")),
            Some(room) => alternatives.push(format!("{head}::({H}:){{0,{room}}}{IPV4}")),
            None => {}
        }
    }
    alternatives.join("|")
}

const IPV4: &str = r"((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])[.]){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";

impl Format {
    /// Every format, in declaration order.
    pub const ALL: [Format; 18] = [
        Format::Currency,
        Format::Country,
        Format::Subdivision,
        Format::Language,
        Format::Email,
        Format::Ip,
        Format::Url,
        Format::Phone,
        Format::Pan,
        Format::Cpf,
        Format::DateDmy,
        Format::TimeHms,
        Format::Datetime,
        Format::YnFlag,
        Format::Indicator,
        Format::FourIndicators,
        Format::AmountMinor,
        Format::JsonString,
    ];

    /// The spec's name of the format.
    pub fn name(self) -> &'static str {
        match self {
            Format::Currency => "currency",
            Format::Country => "country",
            Format::Subdivision => "subdivision",
            Format::Language => "language",
            Format::Email => "email",
            Format::Ip => "ip",
            Format::Url => "url",
            Format::Phone => "phone",
            Format::Pan => "pan",
            Format::Cpf => "cpf",
            Format::DateDmy => "date_dmy",
            Format::TimeHms => "time_hms",
            Format::Datetime => "datetime",
            Format::YnFlag => "yn_flag",
            Format::Indicator => "indicator",
            Format::FourIndicators => "four_indicators",
            Format::AmountMinor => "amount_minor",
            Format::JsonString => "json_string",
        }
    }

    /// What a valid value looks like, for messages.
    pub fn expectation(self) -> &'static str {
        match self {
            Format::Currency => "an ISO 4217 alpha-3 currency code (e.g. USD)",
            Format::Country => "an ISO 3166-1 alpha-2 country code (e.g. BR)",
            Format::Subdivision => {
                "an ISO 3166-2 subdivision code without the country prefix (e.g. ON)"
            }
            Format::Language => "an ISO 639-1 language code (e.g. en)",
            Format::Email => "an email address",
            Format::Ip => "an IPv4 or IPv6 address",
            Format::Url => "an http(s) URL",
            Format::Phone => {
                "a phone number of digits with the country code, without + or punctuation (e.g. 79031234567)"
            }
            Format::Pan => "a PAN: 5 letters, 4 digits, 1 letter or digit",
            Format::Cpf => "a CPF: 11 digits",
            Format::DateDmy => "a date as dd-mm-yyyy",
            Format::TimeHms => "a time as hh:mm:ss",
            Format::Datetime => "an ISO 8601 date-time",
            Format::YnFlag => "Y or N",
            Format::Indicator => "0 or 1",
            Format::FourIndicators => "four 0/1 indicators (e.g. 0101)",
            Format::AmountMinor => "a non-negative amount in minor units",
            Format::JsonString => "a string holding JSON",
        }
    }

    /// The regular expression a string value must match (ECMA-262 compatible, `[0-9]` rather
    /// than `\d`), or `None` where no pattern applies.
    pub fn pattern(self) -> Option<&'static str> {
        static IP: LazyLock<String> = LazyLock::new(|| format!("^({IPV4}|{})$", ipv6_pattern()));
        Some(match self {
            Format::Currency => "^[A-Z]{3}$",
            Format::Country => "^[A-Z]{2}$",
            Format::Subdivision => "^[A-Z0-9]{1,3}$",
            Format::Language => "^[A-Za-z]{2}$",
            Format::Email => "^[^@ ]+@[^@ ]+[.][^@ ]+$",
            Format::Ip => IP.as_str(),
            Format::Url => "^https?://[^ ]+$",
            Format::Phone => "^[0-9]{4,15}$",
            Format::Pan => "^[A-Z]{5}[0-9]{4}[A-Z0-9]$",
            Format::Cpf => "^[0-9]{11}$",
            Format::DateDmy => "^(0[1-9]|[12][0-9]|3[01])-(0[1-9]|1[0-2])-[0-9]{4}$",
            Format::TimeHms => "^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$",
            Format::Datetime => {
                "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[T ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]+)?(Z|[+-][0-9]{2}:?[0-9]{2})?$"
            }
            Format::YnFlag => "^[YN]$",
            Format::Indicator => "^[01]$",
            Format::FourIndicators => "^[01]{4}$",
            Format::AmountMinor => "^[0-9]+$",
            Format::JsonString => return None,
        })
    }

    /// The newtype of `ecommpay_core::formats` that holds a value of this format, or the Rust
    /// type that does (`u64` for amounts).
    pub fn rust_type(self) -> &'static str {
        match self {
            Format::Currency => "CurrencyCode",
            Format::Country => "CountryCode",
            Format::Subdivision => "SubdivisionCode",
            Format::Language => "LanguageCode",
            Format::Email => "Email",
            Format::Ip => "IpAddress",
            Format::Url => "Url",
            Format::Phone => "Phone",
            Format::Pan => "Pan",
            Format::Cpf => "Cpf",
            Format::DateDmy => "DateDmy",
            Format::TimeHms => "TimeHms",
            Format::Datetime => "DateTime",
            Format::YnFlag => "YnFlag",
            Format::Indicator => "Indicator",
            Format::FourIndicators => "FourIndicators",
            Format::AmountMinor => "u64",
            Format::JsonString => "JsonString",
        }
    }
}

#[cfg(all(test, feature = "serde"))]
mod tests {
    use super::Format;

    /// The spec spells each format as its `name()`.
    #[test]
    fn spec_names_deserialize_to_their_format() {
        for format in Format::ALL {
            let read: Format =
                serde_json::from_value(serde_json::Value::from(format.name())).expect("a format");
            assert_eq!(read, format);
        }
    }
}
