//! `mod.rs` of the generated code: the modules and the registry of every operation. Each
//! payment method's module and operations are behind the crate feature of the same name
//! (`card_payout` behind `card-payout`), so that a crate using one method compiles one.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::Ir;
use crate::ir::types::RustModule;
use crate::model::Interface;

use super::{docs, schema_ident, signed_message_impl};

/// The crate feature that enables a payment method.
pub fn method_feature(method: &str) -> String {
    method.replace('_', "-")
}

fn feature_gate(method: &str) -> TokenStream {
    let feature = method_feature(method);
    quote!(#[cfg(feature = #feature)])
}

pub(super) fn mod_file(ir: &Ir, modules: &[RustModule]) -> TokenStream {
    let mods = modules.iter().map(|m| {
        let name = format_ident!("{}", m.name);
        let doc = docs(&m.doc);
        let file = format!("/generated/{}.rs", m.name);
        // The module also carries its feature's badge in docs built with `--cfg docsrs`.
        let gate = ir
            .methods
            .iter()
            .any(|method| method.id == m.name)
            .then(|| {
                let gate = feature_gate(&m.name);
                let feature = method_feature(&m.name);
                quote!(#gate #[cfg_attr(docsrs, doc(cfg(feature = #feature)))])
            });
        quote! {
            #doc
            #gate
            pub mod #name {
                include!(concat!(env!("OUT_DIR"), #file));
            }
        }
    });
    let entries = ir
        .methods
        .iter()
        .flat_map(|m| m.operations.iter())
        .map(|op| {
            let module = format_ident!("{}", op.method);
            let schema = schema_ident(op);
            let (type_path, type_name) = if op.interface == Interface::Callback {
                (quote!(callback::Callback), "callback::Callback".to_owned())
            } else {
                let ty = format_ident!("{}", op.type_name);
                (
                    quote!(#module::#ty),
                    format!("{}::{}", op.method, op.type_name),
                )
            };
            let derived =
                if op.interface == Interface::Callback || signed_message_impl(op).is_empty() {
                    quote!(None)
                } else {
                    quote!(Some(::ecommpay_api::__private::derived_string_to_sign::<#type_path>))
                };
            let typed = if op.interface == Interface::Callback {
                quote!(None)
            } else {
                quote!(Some(::ecommpay_api::__private::typed_violations::<#type_path>))
            };
            let gate = feature_gate(&op.method);
            quote! {
                #gate
                ::ecommpay_api::operation::OperationEntry {
                    schema: &#module::#schema,
                    type_name: #type_name,
                    roundtrip: ::ecommpay_api::__private::roundtrip::<#type_path>,
                    derived_string_to_sign: #derived,
                    typed_violations: #typed,
                }
            }
        });
    let facts: Vec<&str> = ir.facts.iter().map(|f| f.id.as_str()).collect();
    let variants: Vec<proc_macro2::Ident> = ir
        .facts
        .iter()
        .map(|f| format_ident!("{}", crate::ir::naming::pascal(&f.id)))
        .collect();
    let variant_docs = ir
        .facts
        .iter()
        .map(|f| format!(" {}", f.description.trim()));
    quote! {
        #(#mods)*

        /// The facts a payload cannot show that the spec's rules depend on, by id: the names
        /// [`Facts`](::ecommpay_api::validate::Facts) may hold.
        pub static FACTS: &[&str] = &[#(#facts),*];

        /// A fact a payload cannot show that the spec's rules depend on: what
        /// [`Facts::with`](::ecommpay_api::validate::Facts::with) takes, so that a misspelt fact does not
        /// compile.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Fact {
            #(#[doc = #variant_docs] #variants,)*
        }

        impl Fact {
            /// Every fact, in spec order.
            pub const ALL: &'static [Fact] = &[#(Fact::#variants),*];

            /// The fact's name in the spec (`visa_card_issued_in_canada`).
            pub const fn as_str(self) -> &'static str {
                match self {
                    #(Fact::#variants => #facts,)*
                }
            }
        }

        impl ::ecommpay_api::validate::FactName for Fact {
            fn name(self) -> &'static str {
                self.as_str()
            }
        }

        /// Every operation of the spec, in document order (of the payment methods enabled).
        pub static OPERATIONS: &[::ecommpay_api::operation::OperationEntry] = &[#(#entries),*];
    }
}
