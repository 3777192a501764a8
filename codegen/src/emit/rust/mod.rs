//! Emits the generated Rust: one file per module plus `mod.rs`, built with `quote` and formatted
//! with `prettyplease`. One module per kind of item.

mod builders;
mod enums;
mod impls;
mod registry;
mod structs;
mod tables;
mod validators;

use builders::builder_tokens;
use enums::enum_tokens;
use impls::{operation_impls, signed_message_impl};
pub use registry::method_feature;
use registry::mod_file;
use structs::struct_tokens;
use tables::{ShapeTable, operation_schema};
use validators::{ValidatorFns, validate_impl};

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::naming::screaming;
use crate::ir::types::SHARED_MODULE;
use crate::ir::types::{EnumDef, Item, RustModule, RustType, StructDef};
use crate::ir::{Ir, OperationIr};
use crate::model::Interface;

/// What the builders need to know of the other generated types, wherever they are defined.
pub(super) struct TypeIndex {
    /// Struct names: setters of such fields take the struct's builder too.
    structs: BTreeSet<String>,
    /// Closed enums with one value, by name, with that value's variant: a required field of such a
    /// type is set by `builder()` (`mode` of the payout parameter set).
    single_valued: BTreeMap<String, String>,
    /// Every item by (module, name): the validators follow a request's fields into its parts.
    items: BTreeMap<(String, String), Item>,
}

impl TypeIndex {
    fn new(modules: &[RustModule]) -> Self {
        let mut index = TypeIndex {
            structs: BTreeSet::new(),
            single_valued: BTreeMap::new(),
            items: BTreeMap::new(),
        };
        for module in modules {
            for item in &module.items {
                index
                    .items
                    .insert((module.name.clone(), item.name().to_owned()), item.clone());
            }
        }
        for item in modules.iter().flat_map(|m| &m.items) {
            match item {
                Item::Struct(s) => {
                    index.structs.insert(s.name.clone());
                }
                Item::Enum(e) if !e.open && e.variants.len() == 1 => {
                    index
                        .single_valued
                        .insert(e.name.clone(), e.variants[0].ident.clone());
                }
                Item::Enum(_) => {}
            }
        }
        index
    }

    pub(super) fn is_struct(&self, name: &str) -> bool {
        self.structs.contains(name)
    }

    /// The item `name` as module `module` sees it: its own, or the shared module's.
    fn item(&self, module: &str, name: &str) -> Option<&Item> {
        self.items
            .get(&(module.to_owned(), name.to_owned()))
            .or_else(|| self.items.get(&(SHARED_MODULE.to_owned(), name.to_owned())))
    }

    pub(super) fn struct_def(&self, module: &str, name: &str) -> Option<&StructDef> {
        match self.item(module, name)? {
            Item::Struct(s) => Some(s),
            Item::Enum(_) => None,
        }
    }

    pub(super) fn enum_def(&self, module: &str, name: &str) -> Option<&EnumDef> {
        match self.item(module, name)? {
            Item::Enum(e) => Some(e),
            Item::Struct(_) => None,
        }
    }

    /// The only value of a closed enum with one value.
    pub(super) fn only_value(&self, name: &str) -> Option<&str> {
        self.single_valued.get(name).map(String::as_str)
    }
}

/// One generated file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    /// The file's name in the output directory (`mod.rs`, `paypal.rs`).
    pub name: String,
    /// The formatted Rust source.
    pub contents: String,
}

/// Every generated file: `mod.rs` first, then one per module, in a stable order.
pub fn emit(ir: &Ir) -> Result<Vec<GeneratedFile>, String> {
    let modules = crate::ir::types::lower(ir);
    let mut files = vec![GeneratedFile {
        name: "mod.rs".into(),
        contents: format_tokens(mod_file(ir, &modules))?,
    }];
    let types = TypeIndex::new(&modules);
    let shared = SharedUse::new(ir, &modules);
    for module in &modules {
        let operations: Vec<&OperationIr> = ir
            .methods
            .iter()
            .find(|m| m.id == module.name)
            .map(|m| m.operations.iter().collect())
            .unwrap_or_default();
        files.push(GeneratedFile {
            name: format!("{}.rs", module.name),
            contents: format_tokens(module_file(module, &operations, &types, &shared)?)?,
        });
    }
    Ok(files)
}

/// The shared items each payment method's types use, directly or through other shared items:
/// a method module re-exports them, and each is compiled only with the features of its users.
pub(super) struct SharedUse {
    by_method: BTreeMap<String, BTreeSet<String>>,
    gates: BTreeMap<String, TokenStream>,
}

impl SharedUse {
    fn new(ir: &Ir, modules: &[RustModule]) -> Self {
        let Some(shared) = modules.iter().find(|m| m.name == SHARED_MODULE) else {
            return SharedUse {
                by_method: BTreeMap::new(),
                gates: BTreeMap::new(),
            };
        };
        let refers = |item: &Item| -> Vec<String> {
            let mut names = Vec::new();
            if let Item::Struct(s) = item {
                for field in &s.fields {
                    named(&field.ty, &mut names);
                }
            }
            names.retain(|name| shared.items.iter().any(|i| i.name() == name));
            names
        };
        let mut users: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
        let mut by_method: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for method in &ir.methods {
            let Some(module) = modules.iter().find(|m| m.name == method.id) else {
                continue;
            };
            let mut pending: Vec<String> = module.items.iter().flat_map(&refers).collect();
            while let Some(name) = pending.pop() {
                by_method
                    .entry(method.id.clone())
                    .or_default()
                    .insert(name.clone());
                if users.entry(name.clone()).or_default().insert(&method.id)
                    && let Some(item) = shared.items.iter().find(|i| i.name() == name)
                {
                    pending.extend(refers(item));
                }
            }
        }
        let gates = users
            .into_iter()
            .filter(|(_, methods)| methods.len() < ir.methods.len())
            .map(|(name, methods)| {
                let features: Vec<String> = methods.iter().map(|m| method_feature(m)).collect();
                let gate = quote! {
                    #[cfg(any(#(feature = #features),*))]
                    #[cfg_attr(docsrs, doc(cfg(any(#(feature = #features),*))))]
                };
                (name, gate)
            })
            .collect();
        SharedUse { by_method, gates }
    }

    /// A method module's re-export of the shared types its types use, so that each method
    /// module names every type its requests hold (`paypal::Customer` is `shared::Customer`).
    fn reexport(&self, module: &str) -> TokenStream {
        let Some(names) = self.by_method.get(module) else {
            return quote!();
        };
        let names = names.iter().map(|n| format_ident!("{}", n));
        quote! {
            #[doc(no_inline)]
            pub use super::shared::{#(#names),*};
        }
    }

    /// A method module's `builder` re-export of the builders of the shared types it re-exports
    /// (`paypal::builder::CustomerBuilder` is `shared::builder::CustomerBuilder`).
    fn reexport_builders(&self, module: &str, types: &TypeIndex) -> TokenStream {
        let Some(names) = self.by_method.get(module) else {
            return quote!();
        };
        let builders: Vec<_> = names
            .iter()
            .filter(|name| types.is_struct(name))
            .map(|name| format_ident!("{}Builder", name))
            .collect();
        if builders.is_empty() {
            return quote!();
        }
        quote! {
            #[doc(no_inline)]
            pub use super::super::shared::builder::{#(#builders),*};
        }
    }
}

/// The names of the generated types `ty` is made of.
fn named(ty: &RustType, out: &mut Vec<String>) {
    match ty {
        RustType::Named(name) => out.push(name.clone()),
        RustType::Vec(inner) | RustType::ObjectOrString(inner) => named(inner, out),
        _ => {}
    }
}

/// Every item of `tokens` behind `gate`.
fn gated(tokens: TokenStream, gate: &TokenStream) -> Result<TokenStream, String> {
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("generated code does not parse: {e}"))?;
    let items = file.items.iter().map(|item| quote!(#gate #item));
    Ok(quote!(#(#items)*))
}

pub(super) fn format_tokens(tokens: TokenStream) -> Result<String, String> {
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("generated code does not parse: {e}"))?;
    let body = prettyplease::unparse(&file);
    Ok(format!(
        "// @generated by ecommpay-codegen from spec/*.yaml. Do not edit.\n\n{body}"
    ))
}

pub(super) fn docs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|l| {
        let text = if l.is_empty() {
            String::new()
        } else {
            format!(" {}", escape_doc(l))
        };
        quote!(#[doc = #text])
    });
    quote!(#(#lines)*)
}

/// Keeps rustdoc from reading spec text as links or HTML.
pub(super) fn escape_doc(line: &str) -> String {
    line.replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('[', "\\[")
        .replace(']', "\\]")
}

pub(super) fn schema_ident(op: &OperationIr) -> proc_macro2::Ident {
    let local = op
        .id
        .strip_prefix(&format!("{}.", op.method))
        .unwrap_or(&op.id);
    format_ident!("{}", screaming(local))
}

pub(super) fn module_file(
    module: &RustModule,
    operations: &[&OperationIr],
    types: &TypeIndex,
    shared: &SharedUse,
) -> Result<TokenStream, String> {
    let mut items = Vec::new();
    let mut builders = Vec::new();
    for item in &module.items {
        let (tokens, builder) = match item {
            Item::Struct(s) => struct_tokens(s, types),
            Item::Enum(e) => (enum_tokens(e), None),
        };
        let gate = shared
            .gates
            .get(item.name())
            .filter(|_| module.name == SHARED_MODULE);
        items.push(match gate {
            Some(gate) => gated(tokens, gate)?,
            None => tokens,
        });
        if let Some(builder) = builder {
            builders.push(match gate {
                Some(gate) => gated(builder, gate)?,
                None => builder,
            });
        }
    }
    let mut table = ShapeTable::default();
    let mut fns = ValidatorFns::default();
    let mut schemas = Vec::new();
    let mut impls = Vec::new();
    for op in operations {
        schemas.push(operation_schema(op, &mut table, &mut fns)?);
        if op.interface != Interface::Callback {
            impls.push(operation_impls(op));
            impls.push(
                validate_impl(op, &module.name, types, &mut table, &mut fns)
                    .map_err(|e| format!("{}: {e}", op.id))?,
            );
        }
    }
    let validator_fns = fns.items;
    let statics = table.statics;
    let fields = table.fields.statics;
    let shared_use = shared.reexport(&module.name);
    let shared_builders = shared.reexport_builders(&module.name, types);
    let builder_module = (!builders.is_empty() || !shared_builders.is_empty()).then(|| {
        quote! {
            /// The builders of this module's request types: `SaleRequest::builder()` starts one.
            pub mod builder {
                #shared_builders
                #(#builders)*
            }
        }
    });
    Ok(quote! {
        #shared_use

        #(#items)*
        #builder_module
        #(#impls)*
        #(#validator_fns)*
        #(#schemas)*
        #(#statics)*
        #(#fields)*
    })
}

pub(super) fn type_tokens(ty: &RustType) -> TokenStream {
    type_tokens_in(ty, &quote!())
}

/// A type as code in a child module sees it (`builder`): generated types through `super::`.
pub(super) fn outer_type_tokens(ty: &RustType) -> TokenStream {
    type_tokens_in(ty, &quote!(super::))
}

fn type_tokens_in(ty: &RustType, generated: &TokenStream) -> TokenStream {
    match ty {
        RustType::String => quote!(String),
        RustType::I64 => quote!(i64),
        RustType::U64 => quote!(u64),
        RustType::Bool => quote!(bool),
        RustType::Value => quote!(::serde_json::Value),
        RustType::Map => quote!(::serde_json::Map<String, ::serde_json::Value>),
        RustType::IntOrString => quote!(::ecommpay_api::wire::IntOrString),
        RustType::Format(format) => {
            let ident = format_ident!("{}", format.rust_type());
            quote!(::ecommpay_api::formats::#ident)
        }
        RustType::Named(name) => {
            let ident = format_ident!("{}", name);
            quote!(#generated #ident)
        }
        RustType::Vec(inner) => {
            let inner = type_tokens_in(inner, generated);
            quote!(Vec<#inner>)
        }
        RustType::ObjectOrString(inner) => {
            let inner = type_tokens_in(inner, generated);
            quote!(::ecommpay_api::wire::ObjectOrString<#inner>)
        }
    }
}
