//! Emitters: Rust source for `ecommpay-api`, the callback examples for `ecommpay-mock`, and JSON
//! Schemas for other languages.

#[cfg(feature = "schemas")]
pub(crate) mod defs;
pub(crate) mod examples;
#[cfg(feature = "schemas")]
pub(crate) mod openapi;
pub(crate) mod rust;
#[cfg(feature = "schemas")]
pub(crate) mod schema;
#[cfg(feature = "schemas")]
pub(crate) mod signable;
