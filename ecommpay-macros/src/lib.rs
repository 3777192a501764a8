//! Derive macros for ecommpay-api.
//!
//! `#[derive(Canonical)]` implements `ecommpay_api::signature::Canonical`: the entries of the
//! signature's canonical form, written from the type with the order of the fields settled at
//! expansion time. Laid out like serde_derive: `attr` parses attributes, `ast` keeps what is
//! serialized, `expand` writes the impl.

mod ast;
mod attr;
mod case;
mod expand;
mod natural;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Derives `ecommpay_api::signature::Canonical`.
///
/// The canonical form equals the one of `serde_json::to_value(&value)`: the derive follows
/// `#[serde(rename = "...")]`, `#[serde(rename_all = "...")]`, `#[serde(skip)]`,
/// `#[serde(skip_serializing)]`, `#[serde(skip_serializing_if = "...")]` and
/// `#[serde(transparent)]`, newtype structs, unit structs, and enums of unit and newtype variants
/// (externally tagged or `#[serde(untagged)]`).
///
/// The signature is left out: a field serialized as `signature` is skipped where the writer
/// removes signatures (the top level, `general`, as the message kind says), exactly as for the
/// JSON. `#[signature]` marks that field explicitly; it must serialize as `signature`. Fields
/// serialized as `frame_mode` are always left out.
///
/// Fields are written in the natural order of their full paths when it can be decided from the
/// keys alone; otherwise the struct sorts its own entries at run time. Maps and JSON values sort
/// their own entries.
///
/// `#[canonical(crate = "path")]` names the `ecommpay_api` crate when it is not `::ecommpay_api`.
#[proc_macro_derive(Canonical, attributes(serde, signature, canonical))]
pub fn derive_canonical(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
