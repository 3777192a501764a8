//! The format newtypes, and the check of a string against its format.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Format;
use crate::excerpt::Excerpt;

impl Format {
    /// Checks a string value.
    pub fn check_str(self, value: &str) -> Result<(), String> {
        let ok = match self {
            Format::JsonString => serde_json::from_str::<serde_json::Value>(value).is_ok(),
            _ => super::matching::matches_pattern(self, value),
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

/// A string that failed its format.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid {format}: {message}")]
pub struct FormatError {
    /// The format's name (`currency`, `email`).
    pub format: &'static str,
    /// What is wrong with the value; quotes at most a short prefix of it.
    pub message: String,
}

macro_rules! string_format {
    ($(#[$doc:meta])* $name:ident, $format:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// The format every value of this type satisfies.
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

            /// The value as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The value as an owned `String`.
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
    /// Phone number with the country code, digits only (`79031234567`).
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
    use std::sync::LazyLock;

    use super::*;

    /// The patterns the JSON Schemas carry, compiled: what the matchers are held to.
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

    /// Inputs at the edges of every format: empty, whitespace, leading zeros, Unicode digits and
    /// letters, lengths one off.
    #[test]
    fn tricky_inputs_of_every_format() {
        let rejected: &[(Format, &[&str])] = &[
            (
                Format::Currency,
                &["", " USD", "USD ", "US", "USDD", "ＵＳＤ", "U5D"],
            ),
            (Format::Country, &["", "B", "BRA", " BR", "br", "ＢＲ"]),
            (Format::Subdivision, &["", "ABCD", "on", "O N"]),
            (Format::Language, &["", "e", "eng", "e1"]),
            (Format::Email, &["", "a@b", "@b.c", "a b@c.d", "a@b@c.d"]),
            (
                Format::Ip,
                &[
                    "",
                    ":::",
                    "::::",
                    "1.2.3",
                    "1.2.3.4.5",
                    "01.2.3.4",
                    "1.2.3.04",
                    " 1.2.3.4",
                    "1.2.3.4 ",
                    "١.٢.٣.٤",
                    "1:2:3:4:5:6:7:8:9",
                    "1::2::3",
                    "12345::1",
                    "::ffff:1.2.3",
                    "1:2:3:4:5:6:7:1.2.3.4",
                    "fe80::1%eth0",
                    "[::1]",
                ],
            ),
            (
                Format::Url,
                &[
                    "",
                    "example.com",
                    "https://",
                    "https://exa mple.com",
                    "ftp://x.y",
                ],
            ),
            (
                Format::Phone,
                &[
                    "",
                    "123",
                    "+",
                    "+79031234567",
                    "7 903 123-45-67",
                    "١٢٣٤٥",
                    "1234567890123456",
                ],
            ),
            (
                Format::Pan,
                &["", "ABCDE1234", "abcde1234f", "ABCDE1234FG", "ＡBCDE1234F"],
            ),
            (
                Format::Cpf,
                &[
                    "",
                    "1234567890",
                    "123456789012",
                    "123.456.789-01",
                    "١٢٣٤٥٦٧٨٩٠١",
                ],
            ),
            (
                Format::DateDmy,
                &[
                    "",
                    "1-1-2020",
                    "00-01-2020",
                    "32-01-2020",
                    "01-13-2020",
                    "01-01-20",
                ],
            ),
            (
                Format::TimeHms,
                &["", "1:00:00", "24:00:00", "23:60:00", "23:59:60", "23:59"],
            ),
            (
                Format::Datetime,
                &[
                    "",
                    "2023-06-23",
                    "2023-13-01T00:00:00",
                    "2023-06-23T25:00:00",
                ],
            ),
            (Format::YnFlag, &["", "y", "YN", "Yes", " Y"]),
            (Format::Indicator, &["", "2", "01", "１"]),
            (Format::FourIndicators, &["", "010", "01010", "0120"]),
            (Format::AmountMinor, &["", "-1", "1.5", "١٠", " 10"]),
            (Format::JsonString, &["", "{", "{\"a\":}", "nul"]),
        ];
        for (format, values) in rejected {
            for value in *values {
                assert!(
                    format.check_str(value).is_err(),
                    "{} accepts {value:?}",
                    format.name()
                );
            }
        }
        let accepted: &[(Format, &[&str])] = &[
            (
                Format::Ip,
                &[
                    "0.0.0.0",
                    "255.255.255.255",
                    "::",
                    "::1",
                    "1::",
                    "1:2:3:4:5:6:7::",
                    "::2:3:4:5:6:7:8",
                    "1::8",
                    "2001:DB8::1",
                    "0000:0000:0000:0000:0000:0000:0000:0001",
                    "::ffff:192.0.2.1",
                    "64:ff9b::192.0.2.1",
                    "1:2:3:4:5:6:192.0.2.1",
                    "::192.0.2.1",
                ],
            ),
            (Format::Phone, &["1234", "79031234567", "551198765432101"]),
            (Format::AmountMinor, &["0", "007"]),
        ];
        for (format, values) in accepted {
            for value in *values {
                assert!(
                    format.check_str(value).is_ok(),
                    "{} rejects {value:?}",
                    format.name()
                );
            }
        }
    }

    /// The IP pattern the JSON Schemas carry and the standard library's parser, which
    /// validators use, agree: on the tricky cases and on addresses written every way.
    #[test]
    fn the_ip_pattern_agrees_with_the_standard_parser() {
        let pattern = compiled(Format::Ip).expect("the IP pattern compiles");
        let mut inputs: Vec<String> = Vec::new();
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..4000 {
            // Addresses with runs of zero groups, so that `::` lands everywhere.
            let mut groups = [0u16; 8];
            for group in &mut groups {
                if next() % 3 != 0 {
                    *group = (next() % 0x1_0000) as u16;
                }
            }
            let v6 = std::net::Ipv6Addr::from(groups);
            inputs.push(v6.to_string());
            inputs.push(groups.map(|g| format!("{g:x}")).join(":"));
            let v4 = std::net::Ipv4Addr::from((next() % (1 << 32)) as u32);
            inputs.push(v4.to_string());
            let head: Vec<String> = groups[..6].iter().map(|g| format!("{g:x}")).collect();
            inputs.push(format!("{}:{v4}", head.join(":")));
            inputs.push(format!("::ffff:{v4}"));
            // Mutations: a character dropped, doubled or replaced by one of `:.0g`.
            let text = v6.to_string();
            let at = (next() as usize) % text.len().max(1);
            let mut dropped = text.clone();
            dropped.remove(at);
            inputs.push(dropped);
            let mut doubled = text.clone();
            doubled.insert(at, text.as_bytes()[at] as char);
            inputs.push(doubled);
            let mut replaced = text.clone().into_bytes();
            replaced[at] = b":.0g"[(next() % 4) as usize];
            inputs.push(String::from_utf8(replaced).unwrap_or_default());
        }
        let mut disagreements = Vec::new();
        for input in &inputs {
            let by_pattern = pattern.is_match(input);
            let by_parser = input.parse::<std::net::IpAddr>().is_ok();
            if by_pattern != by_parser {
                disagreements.push(format!(
                    "{input:?}: pattern {by_pattern}, parser {by_parser}"
                ));
            }
        }
        assert!(
            disagreements.is_empty(),
            "{} of {} disagree:\n{}",
            disagreements.len(),
            inputs.len(),
            disagreements[..disagreements.len().min(20)].join("\n")
        );
    }

    /// Each hand-written matcher agrees with its pattern: on valid values of its format, on
    /// them with a character dropped, doubled or replaced, and on random strings.
    #[test]
    fn the_matchers_agree_with_the_patterns() {
        let seeds: &[(Format, &[&str])] = &[
            (Format::Currency, &["USD", "BRL"]),
            (Format::Country, &["BR"]),
            (Format::Subdivision, &["ON", "A1", "7", "AB9"]),
            (Format::Language, &["en", "PT", "eN"]),
            (
                Format::Email,
                &["johndoe@example.com", "a@b.c", "é.x@d.e.f"],
            ),
            (Format::Url, &["https://example.com/a?b=c", "http://x"]),
            (Format::Phone, &["1234", "79031234567", "551198765432101"]),
            (Format::Pan, &["ABCDE1234F", "ABCDE12345"]),
            (Format::Cpf, &["12345678901"]),
            (Format::DateDmy, &["31-12-1990", "01-01-2020", "29-02-2024"]),
            (Format::TimeHms, &["23:59:59", "00:00:00", "19:05:30"]),
            (
                Format::Datetime,
                &[
                    "2023-06-23T08:14:20+0000",
                    "2024-04-24T13:50:37+00:00",
                    "2024-04-24 13:50:37.123Z",
                    "2024-12-31T23:59:59",
                    "2024-10-01T20:09:19-03:00",
                ],
            ),
            (Format::YnFlag, &["Y", "N"]),
            (Format::Indicator, &["0", "1"]),
            (Format::FourIndicators, &["0101", "1111"]),
            (Format::AmountMinor, &["0", "007", "1000"]),
        ];
        let alphabet: Vec<char> = "0123456789AZaz-:.T Z+@/hps\n\u{e9}\u{661}"
            .chars()
            .collect();
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as usize
        };
        let mut disagreements = Vec::new();
        for (format, valid) in seeds {
            let pattern = compiled(*format).expect("the pattern compiles");
            let mut inputs: Vec<String> = valid.iter().map(|v| v.to_string()).collect();
            for _ in 0..3000 {
                let seed: Vec<char> = valid[next() % valid.len()].chars().collect();
                let at = next() % seed.len();
                let other = alphabet[next() % alphabet.len()];
                let mut mutated = seed.clone();
                match next() % 4 {
                    0 => drop(mutated.remove(at)),
                    1 => mutated.insert(at, seed[at]),
                    2 => mutated[at] = other,
                    _ => mutated.insert(at, other),
                }
                inputs.push(mutated.into_iter().collect());
                let random: String = (0..next() % 26)
                    .map(|_| alphabet[next() % alphabet.len()])
                    .collect();
                inputs.push(random);
            }
            for input in &inputs {
                let by_pattern = pattern.is_match(input);
                let by_hand = format.check_str(input).is_ok();
                if by_pattern != by_hand {
                    disagreements.push(format!(
                        "{} {input:?}: pattern {by_pattern}, matcher {by_hand}",
                        format.name()
                    ));
                }
            }
        }
        assert!(
            disagreements.is_empty(),
            "{} disagree:\n{}",
            disagreements.len(),
            disagreements[..disagreements.len().min(20)].join("\n")
        );
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
