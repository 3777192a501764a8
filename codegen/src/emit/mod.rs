//! Emitters: Rust source for `ecommpay-api` and JSON Schemas for other languages.

pub mod rust;
#[cfg(feature = "schemas")]
pub mod schema;
