//! Structs: the typed bodies of requests, Payment Page parameter sets and callbacks.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::types::{StructDef, StructRole};

use super::{TypeIndex, builder_tokens, docs, type_tokens};

/// A struct, and for a request struct its builder (which needs to know the other types), to go
/// in the module's `builder` submodule.
pub(super) fn struct_tokens(
    s: &StructDef,
    types: &TypeIndex,
) -> (TokenStream, Option<TokenStream>) {
    let name = format_ident!("{}", s.name);
    let doc = docs(&s.doc);
    let request = matches!(s.role, StructRole::Request | StructRole::RequestPart);
    let fields = s.fields.iter().map(|f| {
        let ident = format_ident!("{}", f.rust_name);
        let json = &f.json_name;
        let ty = type_tokens(&f.ty);
        let doc = docs(&f.doc);
        let rename = (f.rust_name != f.json_name).then(|| quote!(#[serde(rename = #json)]));
        if f.optional {
            quote! {
                #doc
                #rename
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub #ident: Option<#ty>,
            }
        } else {
            quote! {
                #doc
                #rename
                pub #ident: #ty,
            }
        }
    });
    // A signature stays out of `Debug` output: the derive gives way to one that redacts it.
    let has_signature = s.fields.iter().any(|f| f.signature);
    let debug_derive = (!has_signature).then(|| quote!(Debug,));
    let (derives, extra) = if request {
        (
            quote!(#[derive(Clone, #debug_derive PartialEq, ::serde::Serialize, ::serde::Deserialize, ::ecommpay_api::signature::Canonical)]),
            quote! {
                /// Other parameters of the platform's specification, which the documents allow in
                /// any request: sent, signed and read back in their place, as they are.
                #[serde(flatten)]
                pub extra: ::serde_json::Map<String, ::serde_json::Value>,
            },
        )
    } else {
        (
            quote!(#[derive(Clone, #debug_derive Default, PartialEq, ::serde::Serialize, ::serde::Deserialize)]),
            quote! {
                /// Fields the documents do not show, kept as received.
                #[serde(flatten)]
                pub extra: ::serde_json::Map<String, ::serde_json::Value>,
            },
        )
    };
    let builder = request.then(|| builder_tokens(s, types));
    let (builder_impls, builder) = match builder {
        Some(b) => (Some(b.in_module), Some(b.in_builder)),
        None => (None, None),
    };
    let debug = has_signature.then(|| {
        redacting_debug(&name, s, |ident, f| {
            if f.optional {
                quote!(&self.#ident.as_ref().map(|_| ::ecommpay_api::__private::Redacted))
            } else {
                quote!(&::ecommpay_api::__private::Redacted)
            }
        })
    });
    let in_module = quote! {
        #doc
        #derives
        // Fields may be added as the documents grow: build with the builder (requests) or
        // deserialize (callbacks).
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            #extra
        }
        #debug
        #builder_impls
    };
    (in_module, builder)
}

/// `Debug` for a struct or its builder that holds a signature: every field as derived, each
/// signature field as `redacted` shows it, then `extra`.
pub(super) fn redacting_debug(
    name: &proc_macro2::Ident,
    s: &StructDef,
    redacted: impl Fn(&proc_macro2::Ident, &crate::ir::types::StructField) -> TokenStream,
) -> TokenStream {
    let label = name.to_string();
    let shown = s.fields.iter().map(|f| {
        let ident = format_ident!("{}", f.rust_name);
        let field = &f.rust_name;
        let value = if f.signature {
            redacted(&ident, f)
        } else {
            quote!(&self.#ident)
        };
        quote!(.field(#field, #value))
    });
    quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#label)
                    #(#shown)*
                    .field("extra", &self.extra)
                    .finish()
            }
        }
    }
}
