//! Validators: per operation, its `Validate` impl as code over the typed value (presence by
//! `Option::is_none`, the checks its types do not already guarantee, the rules across fields),
//! and the rules across fields over raw JSON that the shape tables' walk calls. Both write the
//! rules from the same IR through the same functions of `::ecommpay_api::__private::check`, so
//! that the two agree.

use std::collections::HashMap;

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use crate::ir::naming::snake;
use crate::ir::types::{RustType, StructDef};
use crate::ir::{BodyIr, OperationIr, PredicateIr, RuleIr, ShapeField, ShapeIr, ShapeKind};
use crate::model::{Format, Scalar};

use super::TypeIndex;
use super::schema_ident;
use super::tables::{ShapeTable, opt_i64, opt_str, scalar_tokens};

/// The generated functions of one module, each written once however many bodies share it.
#[derive(Default)]
pub(super) struct ValidatorFns {
    pub(super) items: Vec<TokenStream>,
    seen: HashMap<String, Ident>,
}

impl ValidatorFns {
    /// The name of a function with `body`, emitting it under `name` the first time.
    fn function(
        &mut self,
        name: Ident,
        body: TokenStream,
        make: impl Fn(&Ident) -> TokenStream,
    ) -> Ident {
        let key = body.to_string();
        if let Some(existing) = self.seen.get(&key) {
            return existing.clone();
        }
        self.items.push(make(&name));
        self.seen.insert(key, name.clone());
        name
    }
}

/// The JSON rules function of a body, for its `Body` in the shape table.
pub(super) fn json_rules(
    body: &BodyIr,
    name: &str,
    fns: &mut ValidatorFns,
) -> Result<TokenStream, String> {
    if body.rules.is_empty() {
        return Ok(quote!(::ecommpay_api::__private::check::no_rules));
    }
    let checks = rule_checks(&body.rules, &mut |path, _| Ok(json_lookup(path)))?;
    let facts = if uses_facts(&body.rules) {
        quote!(facts)
    } else {
        quote!(_facts)
    };
    let ident = fns.function(format_ident!("rules_{}", name), checks.clone(), |ident| {
        quote! {
            fn #ident(value: &::serde_json::Value, #facts: &::ecommpay_api::validate::Facts, out: &mut Vec<::ecommpay_api::validate::Violation>) {
                #checks
            }
        }
    });
    Ok(quote!(#ident))
}

/// `Validate` for the typed request of `op`.
pub(super) fn validate_impl(
    op: &OperationIr,
    module: &str,
    types: &TypeIndex,
    table: &mut ShapeTable,
    fns: &mut ValidatorFns,
) -> Result<TokenStream, String> {
    let ty = format_ident!("{}", op.type_name);
    let schema = schema_ident(op);
    let def = types
        .struct_def(module, &op.type_name)
        .ok_or_else(|| format!("{}: no struct {}", op.id, op.type_name))?;
    let local = snake(&schema.to_string().to_lowercase());
    let typed = Typed { module, types };
    let mut call = |body: &BodyIr,
                    name: String,
                    fns: &mut ValidatorFns|
     -> Result<TokenStream, String> {
        let root = format_ident!("value");
        let mut checks = typed.object(&body.shape, def, &root, &Where::root(&name), 0, table)?;
        checks.extend(rule_checks(&body.rules, &mut |path, access| {
            typed.lookup(def, path, access)
        })?);
        if checks.is_empty() {
            return Ok(quote!({}));
        }
        let facts = uses_facts(&body.rules);
        let param = facts.then(|| quote!(facts: &::ecommpay_api::validate::Facts,));
        let arg = facts.then(|| quote!(facts,));
        let ident = fns.function(
                format_ident!("check_{}", name),
                quote!(#ty #checks),
                |ident| {
                    quote! {
                        fn #ident(value: &#ty, #param out: &mut Vec<::ecommpay_api::validate::Violation>) {
                            #checks
                        }
                    }
                },
            );
        Ok(quote!(#ident(self, #arg out)))
    };
    let dispatch = if op.variants.is_empty() {
        let call = call(&op.body, local, fns)?;
        quote!(|_, out| #call)
    } else {
        let mut arms = Vec::new();
        let last = op.variants.len() - 1;
        for (i, variant) in op.variants.iter().enumerate() {
            let call = call(
                &variant.body,
                format!("{local}_{}", snake(&variant.id)),
                fns,
            )?;
            let pattern = if i == last {
                quote!(_)
            } else {
                let lit = Literal::usize_unsuffixed(i);
                quote!(#lit)
            };
            arms.push(quote!(#pattern => #call,));
        }
        quote!(|variant, out| match variant { #(#arms)* })
    };
    Ok(quote! {
        impl ::ecommpay_api::validate::Validate for #ty {
            fn validate_with(&self, facts: &::ecommpay_api::validate::Facts) -> Result<(), ::ecommpay_api::validate::Violations> {
                ::ecommpay_api::__private::check::validate_typed(&#schema, facts, self, #dispatch)
            }
        }
    })
}

/// Whether a rule's condition names a fact.
fn uses_facts(rules: &[RuleIr]) -> bool {
    fn in_predicate(p: &PredicateIr) -> bool {
        match p {
            PredicateIr::Fact(_) => true,
            PredicateIr::All(all) | PredicateIr::Any(all) => all.iter().any(in_predicate),
            PredicateIr::Not(inner) => in_predicate(inner),
            _ => false,
        }
    }
    rules.iter().any(|rule| match rule {
        RuleIr::RequiredIf { when, .. } | RuleIr::AllowedValuesIf { when, .. } => {
            in_predicate(when)
        }
        RuleIr::Forbidden {
            when: Some(when), ..
        } => in_predicate(when),
        _ => false,
    })
}

/// `Option<View>` of the value at a dot-separated path of a JSON payload.
fn json_lookup(path: &str) -> TokenStream {
    let keys = path.split('.');
    quote!(::ecommpay_api::__private::check::at(value, &[#(#keys),*]))
}

/// The condition, as the messages describe it.
fn describe(predicate: &PredicateIr) -> String {
    let pointer = |p: &Option<String>| p.clone().unwrap_or_default();
    match predicate {
        PredicateIr::Fact(fact) => format!("fact `{fact}` holds"),
        PredicateIr::Equals {
            field,
            pointer: p,
            value,
        } => format!("{field}{} is {}", pointer(p), shown(value)),
        PredicateIr::In {
            field,
            pointer: p,
            values,
        } => {
            let list: Vec<String> = values.iter().map(shown).collect();
            format!("{field}{} is one of {}", pointer(p), list.join(", "))
        }
        PredicateIr::Present {
            field,
            present: true,
        } => format!("{field} is present"),
        PredicateIr::Present {
            field,
            present: false,
        } => format!("{field} is absent"),
        PredicateIr::All(all) => all.iter().map(describe).collect::<Vec<_>>().join(" and "),
        PredicateIr::Any(any) => any.iter().map(describe).collect::<Vec<_>>().join(" or "),
        PredicateIr::Not(p) => format!("not ({})", describe(p)),
    }
}

/// A constant as messages show it (strings quoted).
fn shown(value: &Scalar) -> String {
    match value {
        Scalar::String(s) => format!("{s:?}"),
        Scalar::Integer(i) => i.to_string(),
        Scalar::Bool(b) => b.to_string(),
    }
}

/// An expression for the value at a path: `Option<View>` when `Access::View`, any `Option` of
/// it when `Access::Presence`.
type Lookup<'a> = dyn FnMut(&str, Access) -> Result<TokenStream, String> + 'a;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    Presence,
    View,
}

/// A condition as a boolean expression.
fn condition(p: &PredicateIr, lookup: &mut Lookup) -> Result<TokenStream, String> {
    Ok(match p {
        PredicateIr::Fact(fact) => quote!(facts.contains(#fact)),
        PredicateIr::Equals {
            field,
            pointer,
            value,
        } => {
            let at = lookup(field, Access::View)?;
            let pointer = opt_str(pointer.as_deref());
            let value = scalar_tokens(value);
            quote!(::ecommpay_api::__private::check::equals(#at, #pointer, &#value))
        }
        PredicateIr::In {
            field,
            pointer,
            values,
        } => {
            let at = lookup(field, Access::View)?;
            let pointer = opt_str(pointer.as_deref());
            let values = values.iter().map(scalar_tokens);
            quote!(::ecommpay_api::__private::check::is_in(#at, #pointer, &[#(#values),*]))
        }
        PredicateIr::Present { field, present } => {
            let at = lookup(field, Access::Presence)?;
            if *present {
                quote!(#at.is_some())
            } else {
                quote!(#at.is_none())
            }
        }
        PredicateIr::All(all) => {
            let all = all
                .iter()
                .map(|p| condition(p, lookup))
                .collect::<Result<Vec<_>, _>>()?;
            quote!((#(#all)&&*))
        }
        PredicateIr::Any(any) => {
            let any = any
                .iter()
                .map(|p| condition(p, lookup))
                .collect::<Result<Vec<_>, _>>()?;
            quote!((#(#any)||*))
        }
        PredicateIr::Not(inner) => {
            let inner = condition(inner, lookup)?;
            quote!(!(#inner))
        }
    })
}

/// The rules across fields, in order, each calling its check in `::ecommpay_api::__private::check`.
fn rule_checks(rules: &[RuleIr], lookup: &mut Lookup) -> Result<TokenStream, String> {
    let mut out = TokenStream::new();
    for rule in rules {
        out.extend(match rule {
            RuleIr::OneOf { group, fields } => {
                let absent = fields
                    .iter()
                    .map(|f| lookup(f, Access::Presence).map(|at| quote!(#at.is_none())))
                    .collect::<Result<Vec<_>, _>>()?;
                quote! {
                    if #(#absent)&&* {
                        ::ecommpay_api::__private::check::one_of(&[#(#fields),*], #group, out);
                    }
                }
            }
            RuleIr::RequiredIf { field, when } => {
                let at = lookup(field, Access::Presence)?;
                let when_code = condition(when, lookup)?;
                let text = describe(when);
                quote! {
                    if #at.is_none() && #when_code {
                        ::ecommpay_api::__private::check::required_if(#field, #text, out);
                    }
                }
            }
            RuleIr::Requires { field, requires } => {
                let at = lookup(field, Access::Presence)?;
                let mut checks = TokenStream::new();
                for other in requires {
                    let other_at = lookup(other, Access::Presence)?;
                    checks.extend(quote! {
                        if #at.is_some() && #other_at.is_none() {
                            ::ecommpay_api::__private::check::requires(#field, #other, out);
                        }
                    });
                }
                checks
            }
            RuleIr::MustDifferFrom { field, other } => {
                let (at, other_at) = (lookup(field, Access::View)?, lookup(other, Access::View)?);
                quote!(::ecommpay_api::__private::check::must_differ(#field, #at, #other, #other_at, out);)
            }
            RuleIr::AllowedValuesIf {
                field,
                when,
                values,
            } => {
                let at = lookup(field, Access::View)?;
                let when_code = condition(when, lookup)?;
                let text = describe(when);
                let values = values.iter().map(scalar_tokens);
                quote! {
                    if let Some(actual) = #at && #when_code {
                        ::ecommpay_api::__private::check::allowed_values(#field, actual, &[#(#values),*], #text, out);
                    }
                }
            }
            RuleIr::Forbidden { field, when } => {
                let at = lookup(field, Access::Presence)?;
                let (when_code, reason) = match when {
                    Some(w) => {
                        let code = condition(w, lookup)?;
                        (quote!(&& #code), format!(" when {}", describe(w)))
                    }
                    None => (quote!(), String::new()),
                };
                quote! {
                    if #at.is_some() #when_code {
                        ::ecommpay_api::__private::check::forbidden_by_rule(#field, #reason, out);
                    }
                }
            }
            RuleIr::CurrencyIn { field, currencies } => {
                let at = lookup(field, Access::View)?;
                quote!(::ecommpay_api::__private::check::currency_in(#field, #at, &[#(#currencies),*], out);)
            }
            RuleIr::WholeUnits {
                amount,
                currency,
                currencies,
            } => {
                let (a, c) = (lookup(amount, Access::View)?, lookup(currency, Access::View)?);
                quote!(::ecommpay_api::__private::check::whole_units(#amount, #a, #c, &[#(#currencies),*], out);)
            }
            RuleIr::CurrencyCountry {
                currency,
                currency_value,
                country,
                country_value,
            } => {
                let (c, k) = (lookup(currency, Access::View)?, lookup(country, Access::View)?);
                quote!(::ecommpay_api::__private::check::currency_country(#c, #currency_value, #country, #k, #country_value, out);)
            }
            RuleIr::AmountLimit {
                amount,
                currency,
                currency_value,
                min,
                max,
            } => {
                let (a, c) = (lookup(amount, Access::View)?, lookup(currency, Access::View)?);
                let currency_value = opt_str(currency_value.as_deref());
                let (min, max) = (opt_i64(*min), opt_i64(*max));
                quote!(::ecommpay_api::__private::check::amount_limit(#amount, #a, #c, #currency_value, (#min, #max), out);)
            }
        });
    }
    Ok(out)
}

/// Where a value is: a path known at generation time, or one under an array element; with a
/// name for the tables built for it (the body and the JSON path: `gate_sale_customer`), so that
/// a table is named by where it is first used, not by a counter.
#[derive(Clone)]
struct Where {
    path: WherePath,
    name: String,
}

#[derive(Clone)]
enum WherePath {
    At(String),
    Under(TokenStream),
}

impl Where {
    fn root(name: &str) -> Where {
        Where {
            path: WherePath::At(String::new()),
            name: name.to_owned(),
        }
    }

    fn key(&self, key: &str) -> Where {
        let path = match &self.path {
            WherePath::At(path) if path.is_empty() => WherePath::At(key.to_owned()),
            WherePath::At(path) => WherePath::At(format!("{path}.{key}")),
            WherePath::Under(path) => WherePath::Under(quote!(#path.key(#key))),
        };
        Where {
            path,
            name: format!("{}_{key}", self.name),
        }
    }

    fn index(&self, index: &Ident) -> Where {
        let path = self.tokens();
        Where {
            path: WherePath::Under(quote!(#path.index(#index))),
            name: format!("{}_item", self.name),
        }
    }

    /// A `check::Path` expression.
    fn tokens(&self) -> TokenStream {
        match &self.path {
            WherePath::At(path) => quote!(::ecommpay_api::__private::check::Path::At(#path)),
            WherePath::Under(path) => path.clone(),
        }
    }
}

/// The typed validators of one module.
struct Typed<'a> {
    module: &'a str,
    types: &'a TypeIndex,
}

/// A local's name for a field's value, clear of the validator's own parameters.
fn binding(rust_name: &str) -> Ident {
    match rust_name {
        "value" | "facts" | "out" | "check" => format_ident!("{}_", rust_name),
        name => format_ident!("{}", name),
    }
}

impl Typed<'_> {
    /// The checks of an object of `shape` held in `expr` (a `&` of struct `def`).
    fn object(
        &self,
        shape: &ShapeIr,
        def: &StructDef,
        expr: &Ident,
        at: &Where,
        depth: usize,
        table: &mut ShapeTable,
    ) -> Result<TokenStream, String> {
        let mut out = TokenStream::new();
        for field in &shape.fields {
            let here = at.key(&field.name);
            let path = here.tokens();
            let Some(member) = def.fields.iter().find(|f| f.json_name == field.name) else {
                // Not in the struct (forbidden in every variant): among the other parameters.
                let name = &field.name;
                let shape = table.field_static(field, &here.name);
                let forbidden = field
                    .forbidden
                    .then(|| quote!(::ecommpay_api::__private::check::forbidden(&#path, out);));
                let present = quote! {
                    #forbidden
                    ::ecommpay_api::__private::check::value(#shape, other, &#path, out);
                };
                out.extend(if field.required {
                    quote! {
                        match #expr.extra.get(#name) {
                            None => ::ecommpay_api::__private::check::required(&#path, out),
                            Some(other) => { #present }
                        }
                    }
                } else {
                    quote!(if let Some(other) = #expr.extra.get(#name) { #present })
                });
                continue;
            };
            let ident = format_ident!("{}", member.rust_name);
            let local = binding(&member.rust_name);
            let inner = self.value(field, &member.ty, &local, &here, depth, table)?;
            let forbidden = field
                .forbidden
                .then(|| quote!(::ecommpay_api::__private::check::forbidden(&#path, out);));
            let missing = field
                .required
                .then(|| quote!(::ecommpay_api::__private::check::required(&#path, out);));
            out.extend(match (member.optional, inner.is_empty()) {
                (false, true) => quote!(#forbidden),
                (false, false) => quote! {
                    #forbidden
                    let #local = &#expr.#ident;
                    #inner
                },
                (true, true) if forbidden.is_none() => match missing {
                    Some(missing) => quote!(if #expr.#ident.is_none() { #missing }),
                    None => quote!(),
                },
                (true, true) if missing.is_none() => {
                    quote!(if #expr.#ident.is_some() { #forbidden })
                }
                (true, _) => match missing {
                    Some(missing) => quote! {
                        match &#expr.#ident {
                            Some(#local) => { #forbidden #inner }
                            None => { #missing }
                        }
                    },
                    None => quote! {
                        if let Some(#local) = &#expr.#ident {
                            #forbidden
                            #inner
                        }
                    },
                },
            });
        }
        Ok(out)
    }

    /// The checks of a present value of `field`, held as `ty` in `local` (a reference).
    fn value(
        &self,
        field: &ShapeField,
        ty: &RustType,
        local: &Ident,
        at: &Where,
        depth: usize,
        table: &mut ShapeTable,
    ) -> Result<TokenStream, String> {
        let path = at.tokens();
        let unexpected = || {
            format!(
                "`{}` is {:?} in a body but {ty:?} in its type",
                field.name, field.kind
            )
        };
        Ok(match ty {
            RustType::Value => {
                let shape = table.field_static(field, &at.name);
                quote!(::ecommpay_api::__private::check::value(#shape, #local, &#path, out);)
            }
            RustType::Map => match &field.kind {
                ShapeKind::Object(shape) if !shape.fields.is_empty() => {
                    let shape = table.shape(shape, &at.name);
                    quote!(::ecommpay_api::__private::check::object(#shape, #local, &#path, out);)
                }
                ShapeKind::Object(_) | ShapeKind::FreeObject => quote!(),
                _ => return Err(unexpected()),
            },
            RustType::Named(name) if self.types.struct_def(self.module, name).is_some() => {
                let def = self
                    .types
                    .struct_def(self.module, name)
                    .ok_or_else(unexpected)?;
                match &field.kind {
                    ShapeKind::Object(shape) => self.object(shape, def, local, at, depth, table)?,
                    // Another variant's object: this body declares none of its members.
                    ShapeKind::FreeObject | ShapeKind::Any => quote!(),
                    _ => return Err(unexpected()),
                }
            }
            RustType::ObjectOrString(inner) => {
                let object = format_ident!("object");
                let object_checks = match (&**inner, &field.kind) {
                    (RustType::Named(name), ShapeKind::Object(shape)) => {
                        let def = self
                            .types
                            .struct_def(self.module, name)
                            .ok_or_else(unexpected)?;
                        self.object(shape, def, &object, at, depth, table)?
                    }
                    _ => return Err(unexpected()),
                };
                let text_checks = constrained(field).then(|| {
                    let shape = table.field_static(field, &at.name);
                    quote!(::ecommpay_api::__private::check::leaf(#shape, ::ecommpay_api::__private::check::View::Str(text), &#path, out);)
                });
                match (object_checks.is_empty(), text_checks) {
                    (true, None) => quote!(),
                    (false, None) => quote! {
                        if let ::ecommpay_api::wire::ObjectOrString::Object(#object) = #local { #object_checks }
                    },
                    (true, Some(text_checks)) => quote! {
                        if let ::ecommpay_api::wire::ObjectOrString::String(text) = #local { #text_checks }
                    },
                    (false, Some(text_checks)) => quote! {
                        match #local {
                            ::ecommpay_api::wire::ObjectOrString::Object(#object) => { #object_checks }
                            ::ecommpay_api::wire::ObjectOrString::String(text) => { #text_checks }
                        }
                    },
                }
            }
            RustType::Vec(inner) => {
                let ShapeKind::Array(item) = &field.kind else {
                    return Err(unexpected());
                };
                let index = format_ident!("index{}", depth);
                let element = format_ident!("element{}", depth);
                let checks =
                    self.value(item, inner, &element, &at.index(&index), depth + 1, table)?;
                if checks.is_empty() {
                    quote!()
                } else {
                    quote! {
                        for (#index, #element) in #local.iter().enumerate() { #checks }
                    }
                }
            }
            RustType::Format(Format::JsonString)
                if matches!(field.kind, ShapeKind::JsonObject(_)) =>
            {
                let ShapeKind::JsonObject(shape) = &field.kind else {
                    return Err(unexpected());
                };
                let shape = table.shape(shape, &at.name);
                quote!(::ecommpay_api::__private::check::json_text(#shape, #local.as_str(), &#path, out);)
            }
            scalar => {
                if self.guaranteed(field, scalar) {
                    quote!()
                } else {
                    let shape = table.field_static(field, &at.name);
                    let view = view(scalar, quote!(#local), true);
                    quote!(::ecommpay_api::__private::check::leaf(#shape, #view, &#path, out);)
                }
            }
        })
    }

    /// Whether every check of a scalar `field` holds for any value of type `ty`.
    fn guaranteed(&self, field: &ShapeField, ty: &RustType) -> bool {
        let closed_enum = match ty {
            RustType::Named(name) => self.types.enum_def(self.module, name).filter(|e| !e.open),
            _ => None,
        };
        let type_holds = matches!(
            (&field.kind, ty),
            (ShapeKind::Any, _)
                | (
                    ShapeKind::String,
                    RustType::String | RustType::Format(_) | RustType::Named(_)
                )
                | (ShapeKind::Integer, RustType::I64 | RustType::U64)
                | (ShapeKind::Boolean, RustType::Bool)
        ) && field.also.is_empty();
        let format_holds = match (field.format, ty) {
            (None, _) => true,
            (Some(format), RustType::Format(held)) => format == *held,
            (Some(Format::AmountMinor), RustType::U64) => true,
            _ => false,
        };
        let values_hold = field.enum_values.is_empty()
            || closed_enum.is_some_and(|e| {
                e.variants
                    .iter()
                    .all(|v| field.enum_values.contains(&Scalar::String(v.json.clone())))
            });
        type_holds
            && format_holds
            && values_hold
            && field.minimum.is_none()
            && field.maximum.is_none()
            && field.min_length.is_none()
            && field.max_length.is_none()
    }

    /// The value at a dot-separated path of the typed value `value` of `root` (see [`Lookup`]).
    fn lookup(&self, root: &StructDef, path: &str, access: Access) -> Result<TokenStream, String> {
        enum Held<'d> {
            Struct(&'d StructDef),
            Json,
        }
        let mut expr = quote!(value);
        let mut optional = false;
        let mut held = Held::Struct(root);
        let mut last_ty: Option<&RustType> = None;
        let segments: Vec<&str> = path.split('.').collect();
        for (i, segment) in segments.iter().enumerate() {
            let last = i + 1 == segments.len();
            let def = match held {
                Held::Json => {
                    expr = quote!(#expr.and_then(|v| v.get(#segment)));
                    continue;
                }
                Held::Struct(def) => def,
            };
            let Some(member) = def.fields.iter().find(|f| f.json_name == *segment) else {
                expr = if optional {
                    quote!(#expr.and_then(|v| v.extra.get(#segment)))
                } else {
                    quote!(#expr.extra.get(#segment))
                };
                optional = true;
                held = Held::Json;
                continue;
            };
            let ident = format_ident!("{}", member.rust_name);
            expr = match (optional, member.optional) {
                (false, false) => quote!(#expr.#ident),
                (false, true) => quote!(#expr.#ident.as_ref()),
                (true, false) => quote!(#expr.map(|v| &v.#ident)),
                (true, true) => quote!(#expr.and_then(|v| v.#ident.as_ref())),
            };
            optional |= member.optional;
            if last {
                last_ty = Some(&member.ty);
                break;
            }
            held = match &member.ty {
                RustType::Named(name) => Held::Struct(
                    self.types
                        .struct_def(self.module, name)
                        .ok_or_else(|| format!("`{path}`: `{segment}` is not an object"))?,
                ),
                RustType::ObjectOrString(inner) => {
                    let RustType::Named(name) = &**inner else {
                        return Err(format!("`{path}`: `{segment}` is not an object"));
                    };
                    expr = if optional {
                        quote!(#expr.and_then(|v| v.as_object()))
                    } else {
                        quote!(#expr.as_object())
                    };
                    optional = true;
                    Held::Struct(
                        self.types
                            .struct_def(self.module, name)
                            .ok_or_else(|| format!("`{path}`: `{segment}` is not an object"))?,
                    )
                }
                RustType::Value | RustType::Map => {
                    if !optional {
                        expr = quote!(Some(&#expr));
                        optional = true;
                    }
                    Held::Json
                }
                _ => return Err(format!("`{path}`: `{segment}` is not an object")),
            };
        }
        if access == Access::Presence {
            return Ok(if optional { expr } else { quote!(Some(&#expr)) });
        }
        let ty = match last_ty {
            // An object: present, and nothing a rule compares.
            Some(RustType::Named(name)) if self.types.struct_def(self.module, name).is_some() => {
                &RustType::Map
            }
            Some(ty) => ty,
            // Ended inside JSON.
            None => &RustType::Value,
        };
        Ok(
            if optional && matches!(ty, RustType::Map | RustType::Vec(_)) {
                quote!(#expr.map(|_| ::ecommpay_api::__private::check::View::Other))
            } else if optional {
                let view = view(ty, quote!(v), true);
                quote!(#expr.map(|v| #view))
            } else {
                let view = view(ty, expr, false);
                quote!(Some(#view))
            },
        )
    }
}

/// Whether a field has checks beyond its type.
fn constrained(field: &ShapeField) -> bool {
    field.format.is_some()
        || !field.enum_values.is_empty()
        || field.minimum.is_some()
        || field.maximum.is_some()
        || field.min_length.is_some()
        || field.max_length.is_some()
}

/// A `View` of a typed value `expr` of type `ty`: a reference when `by_ref`, a place otherwise.
fn view(ty: &RustType, expr: TokenStream, by_ref: bool) -> TokenStream {
    let reference = if by_ref {
        quote!(#expr)
    } else {
        quote!(&#expr)
    };
    let copied = if by_ref {
        quote!(*#expr)
    } else {
        quote!(#expr)
    };
    match ty {
        RustType::String | RustType::Format(_) => {
            quote!(::ecommpay_api::__private::check::View::Str(#expr.as_str()))
        }
        RustType::Named(_) => quote!(::ecommpay_api::__private::check::View::Str(#expr.as_str())),
        RustType::I64 | RustType::U64 => {
            quote!(::ecommpay_api::__private::check::View::Int(i128::from(#copied)))
        }
        RustType::Bool => quote!(::ecommpay_api::__private::check::View::Bool(#copied)),
        RustType::Value => quote!(::ecommpay_api::__private::check::View::of(#reference)),
        RustType::IntOrString | RustType::ObjectOrString(_) => {
            quote!(::ecommpay_api::__private::check::View::from(#reference))
        }
        RustType::Map | RustType::Vec(_) => quote!(::ecommpay_api::__private::check::View::Other),
    }
}
