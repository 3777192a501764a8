//! Emitters: Rust source for `ecommpay-api`, the callback examples for `ecommpay-mock`, and JSON
//! Schemas for other languages.

#[cfg(feature = "schemas")]
pub mod defs;
pub mod examples;
#[cfg(feature = "schemas")]
pub mod openapi;
pub mod rust;
#[cfg(feature = "schemas")]
pub mod schema;
#[cfg(feature = "schemas")]
pub mod signable;
