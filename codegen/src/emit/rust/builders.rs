//! Builders of request structs. Setters infer what they are given (`.amount(1000)`,
//! `.currency("BRL")`, `.customer(Customer::builder().id("c1"))`); a value that does not convert
//! is kept, and `build()` reports it together with every required field left unset, each with
//! its path.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{TypeIndex, outer_type_tokens};
use crate::ir::types::{RustType, StructDef, StructField};

/// How a setter converts what it is given.
enum Conversion {
    /// `impl Into<T>`: cannot fail.
    Into,
    /// Any integer type, checked to fit.
    Integer,
    /// `TryInto<T>` with a displayable error: format newtypes and enums from text.
    Try,
    /// `TryInto<T>` with a `BuildError`: an object from its value or its builder.
    Nested,
}

fn conversion(ty: &RustType, types: &TypeIndex) -> Conversion {
    match ty {
        RustType::I64 | RustType::U64 => Conversion::Integer,
        RustType::Format(_) => Conversion::Try,
        RustType::Named(name) if types.is_struct(name) => Conversion::Nested,
        RustType::Named(_) => Conversion::Try,
        RustType::String
        | RustType::Bool
        | RustType::Value
        | RustType::Map
        | RustType::IntOrString
        | RustType::Vec(_)
        | RustType::ObjectOrString(_) => Conversion::Into,
    }
}

fn setter(field: &StructField, types: &TypeIndex) -> TokenStream {
    let ident = format_ident!("{}", field.rust_name);
    let ty = outer_type_tokens(&field.ty);
    // The field's own documentation, so that a reader of the builder need not go to the struct.
    let mut lines = vec![format!("Sets `{}`.", field.json_name)];
    if !field.doc.is_empty() {
        lines.push(String::new());
        lines.extend(field.doc.iter().cloned());
    }
    let doc = super::docs(&lines);
    let (generics, slot) = match conversion(&field.ty, types) {
        Conversion::Into => (
            quote!(<V: Into<#ty>>),
            quote!(::ecommpay_api::__private::Slot::from_value(value)),
        ),
        Conversion::Integer => (
            quote!(<V: TryInto<#ty> + Copy + ::std::fmt::Display>),
            quote!(::ecommpay_api::__private::Slot::from_integer(value)),
        ),
        Conversion::Try => (
            quote!(<V: TryInto<#ty>>),
            quote!(::ecommpay_api::__private::Slot::from_try(value)),
        ),
        Conversion::Nested => (
            quote!(<V: TryInto<#ty>>),
            quote!(::ecommpay_api::__private::Slot::from_nested(value)),
        ),
    };
    let bound = match conversion(&field.ty, types) {
        Conversion::Try => quote!(where V::Error: ::std::fmt::Display),
        Conversion::Nested => quote!(where V::Error: Into<::ecommpay_api::BuildError>),
        Conversion::Into | Conversion::Integer => quote!(),
    };
    quote! {
        #doc
        pub fn #ident #generics (mut self, value: V) -> Self #bound {
            self.#ident = #slot;
            self
        }
    }
}

/// The builder of a request struct: the struct's `builder()` and `TryFrom` of its builder (in the
/// struct's module), and the builder itself (in that module's `builder` submodule).
pub(super) struct BuilderTokens {
    pub(super) in_module: TokenStream,
    pub(super) in_builder: TokenStream,
}

pub(super) fn builder_tokens(s: &StructDef, types: &TypeIndex) -> BuilderTokens {
    let name = format_ident!("{}", s.name);
    let builder = format_ident!("{}Builder", s.name);
    let type_name = &s.name;
    let slots = s.fields.iter().map(|f| {
        let ident = format_ident!("{}", f.rust_name);
        let ty = outer_type_tokens(&f.ty);
        quote!(#ident: ::ecommpay_api::__private::Slot<#ty>,)
    });
    let declared: Vec<&str> = s.fields.iter().map(|f| f.json_name.as_str()).collect();
    let setters = s.fields.iter().map(|f| setter(f, types));
    // A required field that can take one value only is set from the start.
    let preset = |f: &StructField| match &f.ty {
        RustType::Named(ty) => !f.optional && types.only_value(ty).is_some(),
        _ => false,
    };
    let to_set: Vec<String> = s
        .fields
        .iter()
        .filter(|f| !f.optional && !preset(f))
        .map(|f| format!("`{}`", f.rust_name))
        .collect();
    let builder_doc = if to_set.is_empty() {
        format!(" Builder of [`{type_name}`](super::{type_name}): every field is optional.")
    } else {
        format!(
            " Builder of [`{type_name}`](super::{type_name}). Required: {}; `build()` names each \
             one left unset.",
            to_set.join(", ")
        )
    };
    let presets = s.fields.iter().filter(|f| !f.optional).filter_map(|f| {
        let RustType::Named(ty) = &f.ty else {
            return None;
        };
        let value = format_ident!("{}", types.only_value(ty)?);
        let ident = format_ident!("{}", f.rust_name);
        let ty = format_ident!("{}", ty);
        Some(quote!(builder = builder.#ident(#ty::#value);))
    });
    let takes = s.fields.iter().map(|f| {
        let ident = format_ident!("{}", f.rust_name);
        let json = &f.json_name;
        if f.optional {
            quote!(let #ident = build_check.optional(#json, self.#ident);)
        } else {
            quote!(let #ident = build_check.required(#json, self.#ident);)
        }
    });
    let required: Vec<_> = s
        .fields
        .iter()
        .filter(|f| !f.optional)
        .map(|f| format_ident!("{}", f.rust_name))
        .collect();
    let members = s.required_inside.iter().filter_map(|member| {
        let (last, parents) = member.rust_path.split_last()?;
        let last = format_ident!("{}", last);
        let path = &member.json_path;
        let mut check = quote!(build_check.require_member(#path, member.#last.is_some()););
        // `member` is the innermost parent; each parent is an `Option` (the top one as taken).
        for (depth, parent) in parents.iter().enumerate().rev() {
            let parent = format_ident!("{}", parent);
            let source = if depth == 0 {
                quote!(&#parent)
            } else {
                quote!(&member.#parent)
            };
            check = quote!(if let Some(member) = #source { #check });
        }
        Some(check)
    });
    let assign = s.fields.iter().map(|f| {
        let ident = format_ident!("{}", f.rust_name);
        quote!(#ident,)
    });
    // A signature set on the builder stays out of `Debug` output.
    let (builder_debug_derive, builder_debug) = if s.fields.iter().any(|f| f.signature) {
        let debug = super::structs::redacting_debug(
            &builder,
            s,
            |ident, _| quote!(&self.#ident.redacted()),
        );
        (quote!(), Some(debug))
    } else {
        (quote!(, Debug), None)
    };
    let build_doc = format!(
        " Builds the `{type_name}`, or reports every required field left unset and every value \
         that is not valid, each with its path."
    );
    let in_module = quote! {
        impl #name {
            /// A builder: setters take anything that converts to the field's type, and `build()`
            /// reports every problem at once.
            pub fn builder() -> builder::#builder {
                #[allow(unused_mut)]
                let mut builder = builder::#builder::default();
                #(#presets)*
                builder
            }
        }

        /// Builds the value, so that a setter of a containing builder takes this builder as it is.
        impl TryFrom<builder::#builder> for #name {
            type Error = ::ecommpay_api::BuildError;
            fn try_from(builder: builder::#builder) -> Result<Self, Self::Error> {
                builder.build()
            }
        }
    };
    let in_builder = quote! {
        #[doc = #builder_doc]
        #[derive(Clone, Default #builder_debug_derive)]
        #[must_use = "a builder makes nothing until `.build()` is called"]
        pub struct #builder {
            #(#slots)*
            extra: ::ecommpay_api::__private::Others,
        }

        #builder_debug

        impl #builder {
            #(#setters)*

            /// Adds another parameter of the platform's specification, one the documents do not
            /// name here; it is sent and signed in its place. A name this type declares is
            /// reported by `build()`: use its setter.
            pub fn other(mut self, name: impl Into<String>, value: impl Into<::serde_json::Value>) -> Self {
                self.extra.insert(&[#(#declared),*], name.into(), value.into());
                self
            }

            #[doc = #build_doc]
            pub fn build(self) -> Result<super::#name, ::ecommpay_api::BuildError> {
                let mut build_check = ::ecommpay_api::__private::Check::new(#type_name);
                #(#takes)*
                #(#members)*
                let extra = build_check.others(self.extra);
                match (#(#required,)*) {
                    (#(Some(#required),)*) if build_check.is_clean() => Ok(super::#name { #(#assign)* extra }),
                    _ => Err(build_check.into_error()),
                }
            }
        }
    };
    BuilderTokens {
        in_module,
        in_builder,
    }
}
