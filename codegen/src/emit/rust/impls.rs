//! The traits every request implements: `Operation`, `GateRequest` or `PaymentPageParams`,
//! `SignedMessage` (`Validate` is the validators').

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{OperationIr, ShapeKind};
use crate::model::Interface;

use super::schema_ident;

pub(super) fn operation_impls(op: &OperationIr) -> TokenStream {
    let ty = format_ident!("{}", op.type_name);
    let schema = schema_ident(op);
    let id = &op.id;
    let interface_impl = match op.interface {
        Interface::Gate => {
            let method = op.http_method.unwrap_or("POST");
            let path = op.path.clone().unwrap_or_default();
            quote! {
                impl ::ecommpay_api::operation::GateRequest for #ty {
                    const HTTP_METHOD: &'static str = #method;
                    const PATH: &'static str = #path;
                }
            }
        }
        Interface::PaymentPage => {
            let mode = op.mode.map_or("purchase", |m| m.platform_value());
            quote! {
                impl ::ecommpay_api::operation::PaymentPageParams for #ty {
                    const MODE: &'static str = #mode;
                }
            }
        }
        Interface::Callback => quote!(),
    };
    let signed = signed_message_impl(op);
    quote! {
        #signed

        impl ::ecommpay_api::operation::Operation for #ty {
            const ID: &'static str = #id;
            fn schema() -> &'static ::ecommpay_api::validate::shape::OperationSchema {
                &#schema
            }
        }

        #interface_impl
    }
}

/// `SignedMessage` for requests that carry a signature field where their kind carries it.
pub(super) fn signed_message_impl(op: &OperationIr) -> TokenStream {
    let ty = format_ident!("{}", op.type_name);
    let top = op
        .typed
        .field("signature")
        .filter(|f| f.signature || f.name == "signature");
    let general = op.typed.field("general");
    let in_general = general.and_then(|g| match &g.kind {
        ShapeKind::Object(shape) => shape.field("signature"),
        _ => None,
    });
    let (kind, store) = match (op.interface, top, general, in_general) {
        (Interface::PaymentPage, Some(_), _, _) => (
            quote!(::ecommpay_api::signature::MessageKind::PaymentPage),
            quote!(self.signature = Some(signature);),
        ),
        (Interface::Gate, _, Some(general), Some(_)) if general.required => (
            quote!(::ecommpay_api::signature::MessageKind::GateRequest),
            quote!(self.general.signature = Some(signature);),
        ),
        (Interface::Gate, _, Some(_), Some(_)) => (
            quote!(::ecommpay_api::signature::MessageKind::GateRequest),
            quote! {
                if let Some(general) = &mut self.general {
                    general.signature = Some(signature);
                }
            },
        ),
        _ => return quote!(),
    };
    quote! {
        impl ::ecommpay_api::operation::SignedMessage for #ty {
            const KIND: ::ecommpay_api::signature::MessageKind = #kind;
            fn set_signature(&mut self, signature: String) {
                #store
            }
        }
    }
}
