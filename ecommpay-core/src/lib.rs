//! The hand-written runtime core under the generated `ecommpay-api`: each concept of the
//! platform written once.
//!
//! Without default features this is only the vocabulary the generator and the derive macro
//! share at build time: PHP's natural order ([`natural`]), the value formats' names and patterns
//! ([`formats::Format`]) and the interfaces ([`Interface`]). The `runtime` feature (on by default)
//! adds what a merchant's backend runs: the format newtypes, the builders' errors ([`BuildError`]),
//! the canonical form and signatures ([`signature`]), the secret key ([`secret`]), the validation
//! engine ([`validate`]), Payment Page URLs ([`payment_page`]), the wire types ([`wire`]) and the
//! traits every generated operation implements ([`operation`]).
//!
//! Merchants use it through `ecommpay-api`, which re-exports it.

mod action;
pub mod formats;
mod interface;
pub mod natural;

pub use action::Action;
pub use interface::Interface;

#[cfg(feature = "runtime")]
mod builder;
#[cfg(feature = "runtime")]
mod excerpt;
#[cfg(feature = "runtime")]
pub mod operation;
#[cfg(feature = "runtime")]
pub mod payment_page;
#[cfg(feature = "runtime")]
pub mod secret;
#[cfg(feature = "runtime")]
pub mod signature;
#[cfg(feature = "runtime")]
pub mod validate;
#[cfg(feature = "runtime")]
pub mod values;
#[cfg(feature = "runtime")]
pub mod wire;

#[cfg(feature = "runtime")]
pub use builder::{BuildError, BuildProblem, BuildProblemKind};
#[cfg(feature = "runtime")]
pub use secret::SecretKey;

/// What generated code needs and merchants do not name: the builders' slots and checks, the
/// validators' helpers, the registry's functions, quoting of bad values. Not part of the public
/// API: it changes with the generator, which emits `::ecommpay_api::__private::...` paths to it.
#[cfg(feature = "runtime")]
#[doc(hidden)]
pub mod __private {
    pub use crate::builder::{Check, Invalid, Others, Redacted, Slot};
    pub use crate::excerpt::{
        EXCERPT_CHARS, Excerpt, MESSAGE_CHARS, MessageExcerpt, PATH_CHARS, PathExcerpt, shorten,
    };
    pub use crate::operation::entry_fns::{derived_string_to_sign, roundtrip, typed_violations};

    /// A value of an open enum that the documents do not list, as received.
    pub fn unknown_variant(value: String) -> crate::values::UnknownVariant {
        crate::values::unknown_variant(value)
    }

    /// The generated validators' rules and checks.
    pub mod check {
        pub use crate::validate::check::*;
    }
}
