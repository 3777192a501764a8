//! Static shape and rule tables, which the runtime's validation engine applies.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{BodyIr, OperationIr, ShapeField, ShapeIr, ShapeKind};
use crate::model::{FieldType, Format, Interface, Scalar};

use super::schema_ident;
use super::validators::{ValidatorFns, json_rules};

pub(super) fn opt_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}

pub(super) fn opt_i64(value: Option<i64>) -> TokenStream {
    match value {
        Some(v) => {
            let lit = Literal::i64_suffixed(v);
            quote!(Some(#lit))
        }
        None => quote!(None),
    }
}

pub(super) fn opt_u32(value: Option<u32>) -> TokenStream {
    match value {
        Some(v) => {
            let lit = Literal::u32_suffixed(v);
            quote!(Some(#lit))
        }
        None => quote!(None),
    }
}

pub(super) fn operation_schema(
    op: &OperationIr,
    table: &mut ShapeTable,
    fns: &mut ValidatorFns,
) -> Result<TokenStream, String> {
    let ident = schema_ident(op);
    let id = &op.id;
    let title = &op.title;
    let method = &op.method;
    let interface = match op.interface {
        Interface::Gate => quote!(::ecommpay_api::validate::shape::Interface::Gate),
        Interface::PaymentPage => quote!(::ecommpay_api::validate::shape::Interface::PaymentPage),
        Interface::Callback => quote!(::ecommpay_api::validate::shape::Interface::Callback),
    };
    let action = format_ident!("{}", crate::ir::naming::pascal(op.action.as_str()));
    let http_method = opt_str(op.http_method);
    let path = opt_str(op.path.as_deref());
    let mode = opt_str(op.mode.map(|m| m.platform_value()));
    let local = ident.to_string().to_lowercase();
    let body = body_tokens(&op.body, &local, table, fns)?;
    let mut variants = Vec::new();
    for v in &op.variants {
        let id = &v.id;
        let title = &v.title;
        let name = format!("{local}_{}", crate::ir::naming::snake(&v.id));
        let body = body_tokens(&v.body, &name, table, fns)?;
        variants.push(quote!(::ecommpay_api::validate::shape::VariantSchema { id: #id, title: #title, body: #body }));
    }
    let doc = format!(" Shape and rules of `{id}`.");
    Ok(quote! {
        #[doc = #doc]
        pub static #ident: ::ecommpay_api::validate::shape::OperationSchema = ::ecommpay_api::validate::shape::OperationSchema {
            id: #id,
            title: #title,
            interface: #interface,
            action: ::ecommpay_api::Action::#action,
            method: #method,
            http_method: #http_method,
            path: #path,
            mode: #mode,
            known_facts: super::FACTS,
            body: #body,
            variants: &[#(#variants),*],
        };
    })
}

/// A body: its shape from the table, its rules over JSON from the validators.
fn body_tokens(
    body: &BodyIr,
    name: &str,
    table: &mut ShapeTable,
    fns: &mut ValidatorFns,
) -> Result<TokenStream, String> {
    let shape = table.shape(&body.shape, name);
    let rules = json_rules(body, name, fns)?;
    Ok(quote!(::ecommpay_api::validate::shape::Body { shape: #shape, rules: #rules }))
}

/// Object shapes of one module, each emitted once as a static and referenced by name: variants
/// and operations share most of their objects. A static is named after the body and JSON path
/// where it is first used (`SHAPE_GATE_SALE_CUSTOMER`), never by a counter, so that a new shape
/// adds its own lines to the generated code and renames none.
#[derive(Default)]
pub(super) struct ShapeTable {
    pub(super) statics: Vec<TokenStream>,
    pub(super) fields: FieldTable,
    seen: ::std::collections::HashMap<String, proc_macro2::Ident>,
    names: ::std::collections::HashSet<String>,
}

/// Single fields the validators check with the core's checks, each emitted once as a static.
#[derive(Default)]
pub(super) struct FieldTable {
    pub(super) statics: Vec<TokenStream>,
    seen: ::std::collections::HashMap<String, proc_macro2::Ident>,
    names: ::std::collections::HashSet<String>,
}

/// `PREFIX_WHERE` from a place's name (`gate_sale_customer.identify` -> `SHAPE_GATE_SALE_CUSTOMER_IDENTIFY`);
/// a second table first used at the same place (another kind of value there) gets `_2`.
fn static_ident(
    prefix: &str,
    place: &str,
    names: &mut ::std::collections::HashSet<String>,
) -> proc_macro2::Ident {
    let mut base = String::from(prefix);
    for part in place.split(|c: char| !c.is_ascii_alphanumeric()) {
        if !part.is_empty() {
            base.push('_');
            base.push_str(&part.to_ascii_uppercase());
        }
    }
    let mut name = base.clone();
    let mut n = 1;
    while !names.insert(name.clone()) {
        n += 1;
        name = format!("{base}_{n}");
    }
    format_ident!("{}", name)
}

impl ShapeTable {
    /// A `&'static FieldShape` expression for `field`, first used at `place`.
    pub(super) fn field_static(&mut self, field: &ShapeField, place: &str) -> TokenStream {
        let value = self.field(field, place);
        let key = value.to_string();
        if let Some(ident) = self.fields.seen.get(&key) {
            return quote!(&#ident);
        }
        let ident = static_ident("FIELD", place, &mut self.fields.names);
        self.fields
            .statics
            .push(quote!(static #ident: ::ecommpay_api::validate::shape::FieldShape = #value;));
        self.fields.seen.insert(key, ident.clone());
        quote!(&#ident)
    }

    /// A `&'static ObjectShape` expression for `shape`, first used at `place`.
    pub(super) fn shape(&mut self, shape: &ShapeIr, place: &str) -> TokenStream {
        let fields: Vec<TokenStream> = shape
            .fields
            .iter()
            .map(|f| self.field(f, &format!("{place}_{}", f.name)))
            .collect();
        let value =
            quote!(::ecommpay_api::validate::shape::ObjectShape { fields: &[#(#fields),*] });
        let key = value.to_string();
        if let Some(ident) = self.seen.get(&key) {
            return quote!(&#ident);
        }
        let ident = static_ident("SHAPE", place, &mut self.names);
        self.statics
            .push(quote!(static #ident: ::ecommpay_api::validate::shape::ObjectShape = #value;));
        self.seen.insert(key, ident.clone());
        quote!(&#ident)
    }

    fn field(&mut self, field: &ShapeField, place: &str) -> TokenStream {
        let name = &field.name;
        let kind = match &field.kind {
            ShapeKind::String => quote!(::ecommpay_api::validate::shape::Kind::String),
            ShapeKind::Integer => quote!(::ecommpay_api::validate::shape::Kind::Integer),
            ShapeKind::Boolean => quote!(::ecommpay_api::validate::shape::Kind::Boolean),
            ShapeKind::Any => quote!(::ecommpay_api::validate::shape::Kind::Any),
            ShapeKind::FreeObject => quote!(::ecommpay_api::validate::shape::Kind::Object(
                &::ecommpay_api::validate::shape::ObjectShape { fields: &[] }
            )),
            ShapeKind::Object(shape) => {
                let shape = self.shape(shape, place);
                quote!(::ecommpay_api::validate::shape::Kind::Object(#shape))
            }
            ShapeKind::JsonObject(shape) => {
                let shape = self.shape(shape, place);
                quote!(::ecommpay_api::validate::shape::Kind::Json(#shape))
            }
            ShapeKind::Array(item) => {
                let item = self.field(item, &format!("{place}_item"));
                quote!(::ecommpay_api::validate::shape::Kind::Array(&#item))
            }
        };
        let mut modifiers = Vec::new();
        if field.required {
            modifiers.push(quote!(.required()));
        }
        if field.forbidden {
            modifiers.push(quote!(.forbidden()));
        }
        let also: Vec<TokenStream> = field
            .also
            .iter()
            .filter_map(|t| match t {
                FieldType::String => {
                    Some(quote!(::ecommpay_api::validate::shape::WireType::String))
                }
                FieldType::Integer => {
                    Some(quote!(::ecommpay_api::validate::shape::WireType::Integer))
                }
                FieldType::Boolean => {
                    Some(quote!(::ecommpay_api::validate::shape::WireType::Boolean))
                }
                _ => None,
            })
            .collect();
        if !also.is_empty() {
            modifiers.push(quote!(.also(&[#(#also),*])));
        }
        if let Some(format) = field.format {
            let variant = format_ident!("{}", format_variant(format));
            modifiers.push(quote!(.format(::ecommpay_api::formats::Format::#variant)));
        }
        if !field.enum_values.is_empty() {
            let values = field.enum_values.iter().map(scalar_tokens);
            modifiers.push(quote!(.values(&[#(#values),*])));
        }
        if field.minimum.is_some() || field.maximum.is_some() {
            let (min, max) = (opt_i64(field.minimum), opt_i64(field.maximum));
            modifiers.push(quote!(.range(#min, #max)));
        }
        if field.min_length.is_some() || field.max_length.is_some() {
            let (min, max) = (opt_u32(field.min_length), opt_u32(field.max_length));
            modifiers.push(quote!(.length(#min, #max)));
        }
        quote!(::ecommpay_api::validate::shape::FieldShape::new(#name, #kind) #(#modifiers)*)
    }
}

/// The runtime `Format` variant of a format: the model's enum names its variants the same way.
pub(super) fn format_variant(format: Format) -> String {
    format!("{format:?}")
}

pub(super) fn scalar_tokens(value: &Scalar) -> TokenStream {
    match value {
        Scalar::String(s) => quote!(::ecommpay_api::validate::shape::Scalar::Str(#s)),
        Scalar::Integer(i) => {
            let lit = Literal::i64_suffixed(*i);
            quote!(::ecommpay_api::validate::shape::Scalar::Int(#lit))
        }
        Scalar::Bool(b) => quote!(::ecommpay_api::validate::shape::Scalar::Bool(#b)),
    }
}
