//! What generated builders share: a slot per field that remembers a bad value instead of
//! panicking or failing at once, and the error `build()` returns, listing every required field
//! left unset and every bad value, each with its path.

use std::convert::Infallible;
use std::fmt;

/// Why `build()` failed: every problem of the value and of its parts, each with its path.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("cannot build {type_name}: {}", Problems(.problems))]
pub struct BuildError {
    /// The type being built (`SaleRequest`).
    pub type_name: &'static str,
    /// In field order; a nested builder's problems come with the path of its field.
    pub problems: Vec<BuildProblem>,
}

impl BuildError {
    /// The paths of the required fields left unset (`customer.ip_address`).
    pub fn missing(&self) -> Vec<&str> {
        self.problems
            .iter()
            .filter(|p| p.kind == BuildProblemKind::Missing)
            .map(|p| p.path.as_str())
            .collect()
    }
}

/// A typed value converts to itself without failing.
impl From<Infallible> for BuildError {
    fn from(never: Infallible) -> Self {
        match never {}
    }
}

/// One problem found by `build()`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildProblem {
    /// The field's path from the value being built, with `.` between keys (`customer.country`).
    pub path: String,
    /// What is wrong with it.
    pub kind: BuildProblemKind,
}

/// What is wrong with a field.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildProblemKind {
    /// A required field was never set.
    Missing,
    /// The value given to the setter is not valid for the field (a format, an integer range, an
    /// enum); the message quotes at most a short prefix of it.
    Invalid(String),
}

impl fmt::Display for BuildProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            BuildProblemKind::Missing => write!(f, "{}: missing", self.path),
            BuildProblemKind::Invalid(message) => write!(f, "{}: {message}", self.path),
        }
    }
}

struct Problems<'a>(&'a [BuildProblem]);

impl fmt::Display for Problems<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

/// A signature in `Debug` output: `<redacted>`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A builder's slot for one field.
#[derive(Clone, Debug, Default)]
pub enum Slot<T> {
    /// The setter was not called.
    #[default]
    Unset,
    /// The setter's value, valid for the field.
    Set(T),
    /// The setter got a value that is not valid for the field.
    Invalid(Invalid),
}

/// Why a setter's value was refused, kept until `build()` reports it.
#[derive(Clone, Debug)]
pub enum Invalid {
    /// A scalar value: the conversion's message.
    Value(String),
    /// A nested builder that could not build: its problems.
    Nested(Vec<BuildProblem>),
}

impl<T> Slot<T> {
    /// What a `Debug` of a builder shows for a signature: whether it is set, never its text.
    pub fn redacted(&self) -> Slot<Redacted> {
        match self {
            Slot::Unset => Slot::Unset,
            Slot::Set(_) => Slot::Set(Redacted),
            Slot::Invalid(_) => Slot::Invalid(Invalid::Value(String::new())),
        }
    }

    /// A value that cannot fail to convert.
    pub fn from_value(value: impl Into<T>) -> Self {
        Slot::Set(value.into())
    }

    /// A scalar (a format newtype, an integer, an enum) from anything that converts to it: `"BR"`
    /// to a country code, `1000` to `u64`. A failure is kept for `build()`.
    pub fn from_try<V>(value: V) -> Self
    where
        V: TryInto<T>,
        V::Error: fmt::Display,
    {
        match value.try_into() {
            Ok(value) => Slot::Set(value),
            Err(e) => Slot::Invalid(Invalid::Value(e.to_string())),
        }
    }

    /// An integer from any integer type (`1000` to `u64`); one that does not fit is kept for
    /// `build()`.
    pub fn from_integer<V>(value: V) -> Self
    where
        V: TryInto<T> + Copy + fmt::Display,
    {
        match value.try_into() {
            Ok(converted) => Slot::Set(converted),
            Err(_) => Slot::Invalid(Invalid::Value(format!(
                "{value} does not fit {}",
                std::any::type_name::<T>()
            ))),
        }
    }

    /// An object from its value or its builder; a builder's problems are kept for `build()`.
    pub fn from_nested<V>(value: V) -> Self
    where
        V: TryInto<T>,
        V::Error: Into<BuildError>,
    {
        match value.try_into() {
            Ok(value) => Slot::Set(value),
            Err(e) => Slot::Invalid(Invalid::Nested(e.into().problems)),
        }
    }
}

/// A builder's other parameters: names its type does not declare, in the order they were added.
#[derive(Clone, Debug, Default)]
pub struct Others {
    map: serde_json::Map<String, serde_json::Value>,
    /// Names the type declares, given as other parameters: reported by `build()`.
    declared: Vec<String>,
}

impl Others {
    /// Adds `name`, unless the type declares it (`declared`): that is kept for `build()` to
    /// report. A name added twice keeps the last value.
    pub fn insert(&mut self, declared: &[&str], name: String, value: serde_json::Value) {
        if declared.contains(&name.as_str()) {
            self.declared.push(name);
        } else {
            self.map.insert(name, value);
        }
    }
}

/// Collects the problems of one `build()`.
#[derive(Debug)]
pub struct Check {
    type_name: &'static str,
    problems: Vec<BuildProblem>,
}

impl Check {
    /// Collects the problems of building a `type_name` (named in the error).
    pub fn new(type_name: &'static str) -> Self {
        Check {
            type_name,
            problems: Vec::new(),
        }
    }

    /// The value of a required field; an unset or invalid one is a problem.
    pub fn required<T>(&mut self, field: &str, slot: Slot<T>) -> Option<T> {
        match slot {
            Slot::Unset => {
                self.problems.push(BuildProblem {
                    path: field.to_owned(),
                    kind: BuildProblemKind::Missing,
                });
                None
            }
            slot => self.optional(field, slot),
        }
    }

    /// The value of an optional field; an invalid one is a problem.
    pub fn optional<T>(&mut self, field: &str, slot: Slot<T>) -> Option<T> {
        match slot {
            Slot::Unset => None,
            Slot::Set(value) => Some(value),
            Slot::Invalid(Invalid::Value(message)) => {
                self.problems.push(BuildProblem {
                    path: field.to_owned(),
                    kind: BuildProblemKind::Invalid(message),
                });
                None
            }
            Slot::Invalid(Invalid::Nested(problems)) => {
                self.problems
                    .extend(problems.into_iter().map(|problem| BuildProblem {
                        path: format!("{field}.{}", problem.path),
                        kind: problem.kind,
                    }));
                None
            }
        }
    }

    /// A member the operation requires inside one of its objects (`customer.id`), which the
    /// object's type leaves optional: absent, it is a problem at its path.
    pub fn require_member(&mut self, path: &str, present: bool) {
        if !present {
            self.problems.push(BuildProblem {
                path: path.to_owned(),
                kind: BuildProblemKind::Missing,
            });
        }
    }

    /// The other parameters; a declared name among them is a problem.
    pub fn others(&mut self, others: Others) -> serde_json::Map<String, serde_json::Value> {
        for name in others.declared {
            self.problems.push(BuildProblem {
                kind: BuildProblemKind::Invalid(format!(
                    "is a parameter of this type: set it with `.{}(..)`, not `.other(..)`",
                    name
                )),
                path: name,
            });
        }
        others.map
    }

    /// Whether no problem was found.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }

    /// The error listing every problem found.
    pub fn into_error(self) -> BuildError {
        BuildError {
            type_name: self.type_name,
            problems: self.problems,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_is_listed_with_its_path() {
        let nested = BuildError {
            type_name: "Customer",
            problems: vec![BuildProblem {
                path: "country".into(),
                kind: BuildProblemKind::Invalid("expected a country".into()),
            }],
        };
        let mut check = Check::new("SaleRequest");
        assert_eq!(check.required::<u64>("general", Slot::Unset), None);
        assert_eq!(
            check.required("amount", Slot::<u64>::from_integer(-1i32)),
            None
        );
        assert_eq!(
            check.optional::<u8>("customer", Slot::Invalid(Invalid::Nested(nested.problems))),
            None
        );
        assert_eq!(check.optional::<u64>("unset", Slot::Unset), None);
        assert_eq!(
            check.required("ok", Slot::<u64>::from_integer(5i32)),
            Some(5)
        );
        assert!(!check.is_clean());
        let error = check.into_error();
        assert_eq!(error.missing(), ["general"]);
        assert_eq!(
            error.to_string(),
            "cannot build SaleRequest: general: missing; \
             amount: -1 does not fit u64; \
             customer.country: expected a country"
        );
    }
}
