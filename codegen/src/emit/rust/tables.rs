//! Static shape and rule tables, which the runtime's validation engine applies.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{BodyIr, OperationIr, PredicateIr, RuleIr, ShapeField, ShapeIr, ShapeKind};
use crate::model::{FieldType, Format, Interface, Scalar};

use super::schema_ident;

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

pub(super) fn operation_schema(op: &OperationIr, table: &mut ShapeTable) -> TokenStream {
    let ident = schema_ident(op);
    let id = &op.id;
    let title = &op.title;
    let method = &op.method;
    let interface = match op.interface {
        Interface::Gate => quote!(Interface::Gate),
        Interface::PaymentPage => quote!(Interface::PaymentPage),
        Interface::Callback => quote!(Interface::Callback),
    };
    let http_method = opt_str(op.http_method);
    let path = opt_str(op.path.as_deref());
    let mode = opt_str(op.mode.map(|m| m.platform_value()));
    let body = body_tokens(&op.body, table);
    let variants: Vec<TokenStream> = op
        .variants
        .iter()
        .map(|v| {
            let id = &v.id;
            let title = &v.title;
            let body = body_tokens(&v.body, table);
            quote!(VariantSchema { id: #id, title: #title, body: #body })
        })
        .collect();
    let doc = format!(" Shape and rules of `{id}`.");
    quote! {
        #[doc = #doc]
        pub static #ident: OperationSchema = OperationSchema {
            id: #id,
            title: #title,
            interface: #interface,
            method: #method,
            http_method: #http_method,
            path: #path,
            mode: #mode,
            known_facts: super::FACTS,
            body: #body,
            variants: &[#(#variants),*],
        };
    }
}

pub(super) fn body_tokens(body: &BodyIr, table: &mut ShapeTable) -> TokenStream {
    let shape = table.shape(&body.shape);
    let rules = body.rules.iter().map(rule_tokens);
    quote!(Body { shape: #shape, rules: &[#(#rules),*] })
}

/// Object shapes of one module, each emitted once as a static and referenced by name: variants
/// and operations share most of their objects.
#[derive(Default)]
pub(super) struct ShapeTable {
    pub(super) statics: Vec<TokenStream>,
    seen: std::collections::HashMap<String, proc_macro2::Ident>,
}

impl ShapeTable {
    /// A `&'static ObjectShape` expression for `shape`.
    fn shape(&mut self, shape: &ShapeIr) -> TokenStream {
        let fields: Vec<TokenStream> = shape.fields.iter().map(|f| self.field(f)).collect();
        let value = quote!(ObjectShape { fields: &[#(#fields),*] });
        let key = value.to_string();
        if let Some(ident) = self.seen.get(&key) {
            return quote!(&#ident);
        }
        let ident = format_ident!("SHAPE_{}", self.statics.len());
        self.statics
            .push(quote!(static #ident: ObjectShape = #value;));
        self.seen.insert(key, ident.clone());
        quote!(&#ident)
    }

    fn field(&mut self, field: &ShapeField) -> TokenStream {
        let name = &field.name;
        let kind = match &field.kind {
            ShapeKind::String => quote!(Kind::String),
            ShapeKind::Integer => quote!(Kind::Integer),
            ShapeKind::Boolean => quote!(Kind::Boolean),
            ShapeKind::Any => quote!(Kind::Any),
            ShapeKind::FreeObject => quote!(Kind::Object(&ObjectShape { fields: &[] })),
            ShapeKind::Object(shape) => {
                let shape = self.shape(shape);
                quote!(Kind::Object(#shape))
            }
            ShapeKind::JsonObject(shape) => {
                let shape = self.shape(shape);
                quote!(Kind::Json(#shape))
            }
            ShapeKind::Array(item) => {
                let item = self.field(item);
                quote!(Kind::Array(&#item))
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
                FieldType::String => Some(quote!(WireType::String)),
                FieldType::Integer => Some(quote!(WireType::Integer)),
                FieldType::Boolean => Some(quote!(WireType::Boolean)),
                _ => None,
            })
            .collect();
        if !also.is_empty() {
            modifiers.push(quote!(.also(&[#(#also),*])));
        }
        if let Some(format) = field.format {
            let variant = format_ident!("{}", format_variant(format));
            modifiers.push(quote!(.format(Format::#variant)));
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
        quote!(FieldShape::new(#name, #kind) #(#modifiers)*)
    }
}

/// The runtime `Format` variant of a format: the model's enum names its variants the same way.
pub(super) fn format_variant(format: Format) -> String {
    format!("{format:?}")
}

pub(super) fn scalar_tokens(value: &Scalar) -> TokenStream {
    match value {
        Scalar::String(s) => quote!(S::Str(#s)),
        Scalar::Integer(i) => {
            let lit = Literal::i64_suffixed(*i);
            quote!(S::Int(#lit))
        }
        Scalar::Bool(b) => quote!(S::Bool(#b)),
    }
}

pub(super) fn strs(values: &[String]) -> TokenStream {
    quote!(&[#(#values),*])
}

pub(super) fn predicate_tokens(p: &PredicateIr) -> TokenStream {
    match p {
        PredicateIr::Fact(f) => quote!(Predicate::Fact(#f)),
        PredicateIr::Equals {
            field,
            pointer,
            value,
        } => {
            let pointer = opt_str(pointer.as_deref());
            let value = scalar_tokens(value);
            quote!(Predicate::Equals { field: #field, pointer: #pointer, value: #value })
        }
        PredicateIr::In {
            field,
            pointer,
            values,
        } => {
            let pointer = opt_str(pointer.as_deref());
            let values = values.iter().map(scalar_tokens);
            quote!(Predicate::In { field: #field, pointer: #pointer, values: &[#(#values),*] })
        }
        PredicateIr::Present { field, present } => {
            quote!(Predicate::Present { field: #field, present: #present })
        }
        PredicateIr::All(all) => {
            let all = all.iter().map(predicate_tokens);
            quote!(Predicate::All(&[#(#all),*]))
        }
        PredicateIr::Any(any) => {
            let any = any.iter().map(predicate_tokens);
            quote!(Predicate::Any(&[#(#any),*]))
        }
        PredicateIr::Not(inner) => {
            let inner = predicate_tokens(inner);
            quote!(Predicate::Not(&#inner))
        }
    }
}

pub(super) fn rule_tokens(rule: &RuleIr) -> TokenStream {
    match rule {
        RuleIr::OneOf { group, fields } => {
            let fields = strs(fields);
            quote!(Rule::OneOf { group: #group, fields: #fields })
        }
        RuleIr::RequiredIf { field, when } => {
            let when = predicate_tokens(when);
            quote!(Rule::RequiredIf { field: #field, when: &#when })
        }
        RuleIr::Requires { field, requires } => {
            let requires = strs(requires);
            quote!(Rule::Requires { field: #field, requires: #requires })
        }
        RuleIr::MustDifferFrom { field, other } => {
            quote!(Rule::MustDifferFrom { field: #field, other: #other })
        }
        RuleIr::AllowedValuesIf {
            field,
            when,
            values,
        } => {
            let when = predicate_tokens(when);
            let values = values.iter().map(scalar_tokens);
            quote!(Rule::AllowedValuesIf { field: #field, when: &#when, values: &[#(#values),*] })
        }
        RuleIr::Forbidden { field, when } => {
            let when = match when {
                Some(w) => {
                    let w = predicate_tokens(w);
                    quote!(Some(&#w))
                }
                None => quote!(None),
            };
            quote!(Rule::Forbidden { field: #field, when: #when })
        }
        RuleIr::CurrencyIn { field, currencies } => {
            let currencies = strs(currencies);
            quote!(Rule::CurrencyIn { field: #field, currencies: #currencies })
        }
        RuleIr::WholeUnits {
            amount,
            currency,
            currencies,
        } => {
            let currencies = strs(currencies);
            quote!(Rule::WholeUnits { amount: #amount, currency: #currency, currencies: #currencies })
        }
        RuleIr::CurrencyCountry {
            currency,
            currency_value,
            country,
            country_value,
        } => quote! {
            Rule::CurrencyCountry { currency: #currency, currency_value: #currency_value, country: #country, country_value: #country_value }
        },
        RuleIr::AmountLimit {
            amount,
            currency,
            currency_value,
            min,
            max,
        } => {
            let currency_value = opt_str(currency_value.as_deref());
            let min = opt_i64(*min);
            let max = opt_i64(*max);
            quote!(Rule::AmountLimit { amount: #amount, currency: #currency, currency_value: #currency_value, min: #min, max: #max })
        }
    }
}
