//! Emitters: Rust source for `ecommpay-api` and JSON Schemas for other languages.

#[cfg(feature = "schemas")]
pub mod defs;
#[cfg(feature = "schemas")]
pub mod openapi;
pub mod rust;
#[cfg(feature = "schemas")]
pub mod schema;
#[cfg(feature = "schemas")]
pub mod signable;
