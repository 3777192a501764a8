//! What the generated enums share: the error of a closed enum read from text, and the opaque
//! value an open enum keeps when the documents do not list it.

use std::fmt;

use crate::excerpt::Excerpt;

/// Text that is none of a closed enum's values: which enum, what was given (messages quote a
/// short prefix of it) and what was expected.
#[derive(Clone, PartialEq, Eq)]
pub struct UnknownValue {
    type_name: &'static str,
    value: String,
    expected: &'static [&'static str],
}

impl UnknownValue {
    /// For generated code: `value` read as the enum `type_name`, which takes `expected`. Keeps a
    /// short prefix of `value` only, so that a huge input makes a small error.
    #[doc(hidden)]
    pub fn new(type_name: &'static str, value: &str, expected: &'static [&'static str]) -> Self {
        const KEPT_CHARS: usize = 64;
        let kept = value
            .char_indices()
            .nth(KEPT_CHARS)
            .map_or(value, |(cut, _)| &value[..cut]);
        UnknownValue {
            type_name,
            value: kept.to_owned(),
            expected,
        }
    }

    /// The enum's name (`RecurringType`).
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// The start of the text that was given (at most 64 characters).
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The values the enum takes, as sent on the wire.
    pub fn expected(&self) -> &'static [&'static str] {
        self.expected
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown {} {}: expected one of {}",
            self.type_name,
            Excerpt(&self.value),
            self.expected.join(", ")
        )
    }
}

impl fmt::Debug for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for UnknownValue {}

/// A value of an open enum (a callback's status, type...) that this version's documents do not
/// list, kept as received. It cannot be made outside the generated code, so a match arm
/// `Unknown(_)` keeps meaning "a value this version does not name": when a later version names
/// it, the value comes as its own variant, and code that matched the text in `Unknown` is told
/// by the compiler's exhaustiveness checks rather than silently skipped.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct UnknownVariant(String);

/// For generated code only (`__private`): an `UnknownVariant` made anywhere else would let a
/// user's value stand for one a later version names.
pub(crate) fn unknown_variant(value: String) -> UnknownVariant {
    UnknownVariant(value)
}

impl UnknownVariant {
    /// The value as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for UnknownVariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for UnknownVariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::UnknownValue;

    #[test]
    fn an_unknown_value_says_what_was_expected_and_keeps_a_short_prefix() {
        let long = "x".repeat(10_000);
        let error = UnknownValue::new("RecurringType", &long, &["R", "C", "U"]);
        assert_eq!(error.value().len(), 64);
        let message = error.to_string();
        assert!(
            message.starts_with("unknown RecurringType \"xxx"),
            "{message}"
        );
        assert!(message.ends_with(": expected one of R, C, U"), "{message}");
        assert!(message.len() < 120, "{message}");
        let short = UnknownValue::new("RecurringType", "Z", &["R", "C", "U"]);
        assert_eq!(
            short.to_string(),
            "unknown RecurringType \"Z\": expected one of R, C, U"
        );
    }
}
