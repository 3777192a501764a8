//! The format newtypes, and the check of a string against its format.

use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Format;
use crate::excerpt::Excerpt;

impl Format {
    /// Checks a string value.
    pub fn check_str(self, value: &str) -> Result<(), String> {
        let ok = match self {
            Format::JsonString => serde_json::from_str::<serde_json::Value>(value).is_ok(),
            _ => match compiled(self) {
                Some(re) => re.is_match(value),
                None => true,
            },
        };
        if ok {
            Ok(())
        } else {
            Err(format!(
                "expected {}, got {}",
                self.expectation(),
                Excerpt(value)
            ))
        }
    }
}

fn compiled(format: Format) -> Option<&'static regex_lite::Regex> {
    static COMPILED: LazyLock<Vec<Option<regex_lite::Regex>>> = LazyLock::new(|| {
        Format::ALL
            .iter()
            .map(|f| f.pattern().and_then(|p| regex_lite::Regex::new(p).ok()))
            .collect()
    });
    let index = Format::ALL.iter().position(|f| *f == format)?;
    COMPILED.get(index)?.as_ref()
}

/// A string that failed its format.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid {format}: {message}")]
pub struct FormatError {
    pub format: &'static str,
    pub message: String,
}

macro_rules! string_format {
    ($(#[$doc:meta])* $name:ident, $format:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            pub const FORMAT: Format = $format;

            /// Validates and wraps a value.
            pub fn new(value: impl Into<String>) -> Result<Self, FormatError> {
                let value = value.into();
                Self::FORMAT.check_str(&value).map_err(|message| FormatError {
                    format: Self::FORMAT.name(),
                    message,
                })?;
                Ok($name(value))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl FromStr for $name {
            type Err = FormatError;
            fn from_str(s: &str) -> Result<Self, FormatError> {
                Self::new(s)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = FormatError;
            fn try_from(s: &str) -> Result<Self, FormatError> {
                Self::new(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = FormatError;
            fn try_from(s: String) -> Result<Self, FormatError> {
                Self::new(s)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = String::deserialize(deserializer)?;
                Self::new(value).map_err(serde::de::Error::custom)
            }
        }

        impl crate::signature::Canonical for $name {
            fn write_canonical(
                &self,
                out: &mut crate::signature::CanonicalWriter,
            ) -> Result<(), crate::signature::CanonicalError> {
                self.0.write_canonical(out)
            }
        }
    };
}

string_format!(
    /// ISO 4217 alpha-3 currency code (`USD`).
    CurrencyCode, Format::Currency
);
string_format!(
    /// ISO 3166-1 alpha-2 country code (`BR`).
    CountryCode, Format::Country
);
string_format!(
    /// ISO 3166-2 subdivision code without the country prefix and hyphen (`ON` for `CA-ON`).
    SubdivisionCode, Format::Subdivision
);
string_format!(
    /// ISO 639-1 language code (`en`).
    LanguageCode, Format::Language
);
string_format!(
    /// Email address.
    Email, Format::Email
);
string_format!(
    /// IPv4 or IPv6 address.
    IpAddress, Format::Ip
);
string_format!(
    /// http(s) URL.
    Url, Format::Url
);
string_format!(
    /// Phone number (digits, optionally a leading `+`).
    Phone, Format::Phone
);
string_format!(
    /// Indian Permanent Account Number: 5 letters, 4 digits, 1 letter or digit.
    Pan, Format::Pan
);
string_format!(
    /// Brazilian CPF: 11 digits.
    Cpf, Format::Cpf
);
string_format!(
    /// Date as `dd-mm-yyyy`.
    DateDmy, Format::DateDmy
);
string_format!(
    /// Time as `hh:mm:ss`.
    TimeHms, Format::TimeHms
);
string_format!(
    /// ISO 8601 date-time as the platform prints it (`2023-06-23T08:14:20+0000`).
    DateTime, Format::Datetime
);
string_format!(
    /// `Y` or `N`.
    YnFlag, Format::YnFlag
);
string_format!(
    /// `0` or `1`, as a string.
    Indicator, Format::Indicator
);
string_format!(
    /// Four `0`/`1` indicators in one string (`0101`).
    FourIndicators, Format::FourIndicators
);
string_format!(
    /// A string holding JSON (`payment_methods_options`).
    JsonString, Format::JsonString
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles() {
        for format in Format::ALL {
            if format.pattern().is_some() {
                assert!(
                    compiled(format).is_some(),
                    "{} does not compile",
                    format.name()
                );
            }
        }
    }

    #[test]
    fn accepts_and_rejects() {
        let cases: &[(Format, &str, bool)] = &[
            (Format::Currency, "USD", true),
            (Format::Currency, "usd", false),
            (Format::Country, "BR", true),
            (Format::Country, "BRA", false),
            (Format::Pan, "ABCDE1234F", true),
            (Format::Pan, "ABCDE12345", true),
            (Format::Pan, "ABCD12345F", false),
            (Format::Cpf, "12345678901", true),
            (Format::Cpf, "1234567890", false),
            (Format::DateDmy, "31-12-1990", true),
            (Format::DateDmy, "1990-12-31", false),
            (Format::TimeHms, "23:59:59", true),
            (Format::TimeHms, "24:00:00", false),
            (Format::Datetime, "2023-06-23T08:14:20+0000", true),
            (Format::Datetime, "2024-04-24T13:50:37+00:00", true),
            (Format::Datetime, "23-06-2023", false),
            (Format::Ip, "198.51.100.47", true),
            (Format::Ip, "2001:db8::1", true),
            (Format::Ip, "256.1.1.1", false),
            (Format::Email, "johndoe@example.com", true),
            (Format::Email, "johndoe", false),
            (Format::YnFlag, "Y", true),
            (Format::YnFlag, "y", false),
            (Format::JsonString, r#"{"submethod_code": "PIX"}"#, true),
            (Format::JsonString, r#"{"submethod_code": "IX\}"#, false),
        ];
        for (format, value, ok) in cases {
            assert_eq!(
                format.check_str(value).is_ok(),
                *ok,
                "{} {value:?}",
                format.name()
            );
        }
    }

    #[test]
    fn newtypes_validate_on_deserialize() {
        let err = serde_json::from_str::<CurrencyCode>("\"usd\"").unwrap_err();
        assert!(err.to_string().contains("ISO 4217"), "{err}");
        let ok: CurrencyCode = serde_json::from_str("\"USD\"").unwrap();
        assert_eq!(ok.as_str(), "USD");
        assert!("BR".parse::<CountryCode>().is_ok());
    }
}
