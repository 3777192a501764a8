//! Expansion: the `Canonical` impl, with the fields in their final order when it can be settled
//! here, and a sort at run time otherwise.

use std::cmp::Ordering;

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::ast::{Body, Container, Field, Shape};
use crate::natural::{Suffix, compare};

const SIGNATURE_KEY: &str = "signature";
const FRAME_MODE_KEY: &str = "frame_mode";

pub(crate) fn derive(input: &syn::DeriveInput) -> syn::Result<TokenStream> {
    let container = Container::from_input(input)?;
    let krate = match container.attrs.krate.get() {
        Some(path) => quote!(#path),
        None => quote!(::ecommpay_api),
    };
    let body = match &container.body {
        Body::Object(fields) => object_body(fields, &krate),
        Body::Transparent(field) => {
            let member = &field.member;
            let call = write_call(&krate, field, quote!(&self.#member));
            quote!(#call)
        }
        Body::Unit => quote!(__out.leaf_null();),
        Body::Enum { variants, untagged } => {
            let arms = variants.iter().map(|variant| {
                let ident = variant.ident;
                let name = escape(&variant.name);
                let original = &variant.name;
                match (variant.field, untagged) {
                    (None, false) => quote!(Self::#ident => __out.leaf_str(#original),),
                    (None, true) => quote!(Self::#ident => __out.leaf_null(),),
                    (Some(ty), true) => {
                        let call = quote_spanned!(ty.span()=> <#ty as #krate::signature::Canonical>::write_canonical(__value, __out)?;);
                        quote!(Self::#ident(__value) => { #call })
                    }
                    (Some(ty), false) => {
                        let call = quote_spanned!(ty.span()=> <#ty as #krate::signature::Canonical>::write_canonical(__value, __out)?;);
                        quote!(Self::#ident(__value) => {
                            let __mark = __out.enter_key(#name);
                            #call
                            __out.leave(__mark);
                        })
                    }
                }
            });
            quote! {
                match self {
                    #(#arms)*
                }
            }
        }
    };

    let ident = &input.ident;
    let mut generics = input.generics.clone();
    let type_params: Vec<_> = generics
        .type_params()
        .map(|param| param.ident.clone())
        .collect();
    {
        let where_clause = generics.make_where_clause();
        for param in type_params {
            where_clause
                .predicates
                .push(syn::parse_quote!(#param: #krate::signature::Canonical));
        }
    }
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    Ok(quote! {
        #[automatically_derived]
        impl #impl_generics #krate::signature::Canonical for #ident #ty_generics #where_clause {
            fn write_canonical(
                &self,
                __out: &mut #krate::signature::CanonicalWriter,
            ) -> ::core::result::Result<(), #krate::signature::CanonicalError> {
                #body
                ::core::result::Result::Ok(())
            }
        }
    })
}

fn write_call(krate: &TokenStream, field: &Field<'_>, value: TokenStream) -> TokenStream {
    let ty = field.ty;
    // Spanned at the field's type, so a type without `Canonical` is reported there.
    quote_spanned!(ty.span()=> <#ty as #krate::signature::Canonical>::write_canonical(#value, __out)?;)
}

fn object_body(fields: &[Field<'_>], krate: &TokenStream) -> TokenStream {
    let written: Vec<&Field<'_>> = fields
        .iter()
        .filter(|f| f.attrs.skip.get().is_none() && f.name != FRAME_MODE_KEY)
        .collect();
    let (flattened, keyed): (Vec<&Field<'_>>, Vec<&Field<'_>>) = written
        .iter()
        .partition(|f| f.attrs.flatten.get().is_some());
    // Flattened fields after every keyed one (as generated types put `extra`) keep their
    // place relative to each keyed field when the keyed ones are written in their static order,
    // so a run-time sort of that writing order ties as one of the declaration order would.
    let trailing = written
        .iter()
        .skip(keyed.len())
        .all(|f| f.attrs.flatten.get().is_some());
    let Some(order) = static_order(&keyed).filter(|_| trailing) else {
        return sorted_writes(&written, krate);
    };
    let mut fields: Vec<&Field<'_>> = order.into_iter().map(|i| keyed[i]).collect();
    fields.extend(&flattened);
    let writes = field_writes(&fields, krate, true);
    if flattened.is_empty() {
        return quote! {
            __out.check_depth()?;
            #(#writes)*
        };
    }
    // A flattened field's keys are only known at run time: the fields are sorted then, unless
    // every flattened field writes nothing (an empty `extra`, the usual case); then the static
    // order holds and the entries stream.
    let members = flattened.iter().map(|f| &f.member);
    quote! {
        __out.check_depth()?;
        let __region = if #(#krate::signature::Canonical::writes_nothing(&self.#members))&&* {
            None
        } else {
            Some(__out.begin_unordered())
        };
        #(#writes)*
        if let Some(__region) = __region {
            __out.end_unordered(__region);
        }
    }
}

/// The fields in declaration order (as `serde_json::to_value` lists them, so that entries the
/// natural order finds equal keep their relative order), sorted at run time.
fn sorted_writes(fields: &[&Field<'_>], krate: &TokenStream) -> TokenStream {
    let writes = field_writes(fields, krate, false);
    quote! {
        __out.check_depth()?;
        let __region = __out.begin_unordered();
        #(#writes)*
        __out.end_unordered(__region);
    }
}

fn field_writes<'a>(
    fields: &'a [&'a Field<'a>],
    krate: &'a TokenStream,
    skip_empty_flattened: bool,
) -> impl Iterator<Item = TokenStream> + 'a {
    fields.iter().map(move |field| {
        let member = &field.member;
        let key = escape(&field.name);
        let call = write_call(krate, field, quote!(&self.#member));
        let mut conditions = Vec::new();
        if let Some(predicate) = field.attrs.skip_serializing_if.get() {
            conditions.push(quote!(!#predicate(&self.#member)));
        }
        if field.name == SIGNATURE_KEY {
            // Left out at the top level and in `general`, as the writer's removal says.
            conditions.push(quote!(!__out.removes_signature_here()));
        }
        let write = if field.attrs.flatten.get().is_some() {
            // Its entries enter their own keys, at this level; the sort below orders them
            // among the other fields'. Where the order is static, one that writes nothing (an
            // empty `extra`) is not asked to: it would only open and close an empty region at a
            // depth already checked.
            if skip_empty_flattened {
                quote! {
                    if !#krate::signature::Canonical::writes_nothing(&self.#member) {
                        #call
                    }
                }
            } else {
                quote!(#call)
            }
        } else {
            quote! {
                let __mark = __out.enter_key(#key);
                #call
                __out.leave(__mark);
            }
        };
        if conditions.is_empty() {
            quote!({ #write })
        } else {
            quote!(if #(#conditions)&&* { #write })
        }
    })
}

fn escape(key: &str) -> String {
    key.replace(':', "::")
}

fn suffixes(shape: Shape) -> &'static [Suffix] {
    match shape {
        Shape::Leaf => &[Suffix::End],
        Shape::Container => &[Suffix::Colon],
        Shape::Either => &[Suffix::End, Suffix::Colon],
    }
}

/// How every entry of field `a` compares with every entry of field `b`, whatever the values and
/// whether the struct sits at the root (where PHP skips leading zeros) or below a prefix; `None`
/// when that depends on the values or the fields' entries compare equal.
fn relation(a: &Field<'_>, b: &Field<'_>) -> Option<Ordering> {
    let (a_key, b_key) = (escape(&a.name), escape(&b.name));
    let mut found = None;
    for &a_suffix in suffixes(a.shape) {
        for &b_suffix in suffixes(b.shape) {
            for leading in [true, false] {
                let ordering = compare(
                    a_key.as_bytes(),
                    a_suffix,
                    b_key.as_bytes(),
                    b_suffix,
                    leading,
                )
                .ok()?;
                if ordering == Ordering::Equal || found.is_some_and(|f| f != ordering) {
                    return None;
                }
                found = Some(ordering);
            }
        }
    }
    found
}

/// The fields in the natural order of their full paths, when that order does not depend on the
/// values. A top-level key `""` joins its children without a separator, so it never has one.
fn static_order(fields: &[&Field<'_>]) -> Option<Vec<usize>> {
    if fields.iter().any(|f| f.name.is_empty()) {
        return None;
    }
    let n = fields.len();
    let mut relations = vec![vec![Some(Ordering::Equal); n]; n];
    for i in 0..n {
        for j in (i + 1)..n {
            let r = relation(fields[i], fields[j]);
            relations[i][j] = r;
            relations[j][i] = r.map(Ordering::reverse);
        }
    }
    if relations.iter().flatten().any(Option::is_none) {
        return None;
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| {
        relations[i]
            .iter()
            .filter(|r| **r == Some(Ordering::Greater))
            .count()
    });
    // A consistent total order has exactly one field beating 0, 1, 2… others; check it.
    let consistent = order.iter().enumerate().all(|(pos, &i)| {
        order[pos + 1..]
            .iter()
            .all(|&j| relations[i][j] == Some(Ordering::Less))
    });
    consistent.then_some(order)
}

#[cfg(test)]
mod tests {
    use super::derive;

    fn expansion(input: syn::DeriveInput) -> String {
        derive(&input).unwrap().to_string()
    }

    fn keys_in_order(expanded: &str) -> Vec<String> {
        expanded
            .split("enter_key (\"")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn field_order_is_settled_at_expansion_time() {
        let expanded = expansion(syn::parse_quote! {
            struct Card {
                year: u16,
                pan: String,
                card_holder: String,
                card: Vec<u8>,
                item10: bool,
                item2: bool,
                #[serde(rename = "a:b")]
                colon: String,
                frame_mode: String,
                signature: Option<String>,
            }
        });
        assert!(!expanded.contains("begin_unordered"), "{expanded}");
        assert_eq!(
            keys_in_order(&expanded),
            [
                "a::b",
                "card",
                "card_holder",
                "item2",
                "item10",
                "pan",
                "signature",
                "year"
            ]
        );
    }

    #[test]
    fn value_dependent_order_is_sorted_at_run_time() {
        // `a` may be `null` (sorts before `a0`) or an object (`a:…` sorts after `a0`).
        let expanded = expansion(syn::parse_quote! {
            struct Tricky {
                a: Option<Inner>,
                a0: bool,
            }
        });
        assert!(expanded.contains("begin_unordered"), "{expanded}");
        assert_eq!(
            keys_in_order(&expanded),
            ["a", "a0"],
            "declaration order before the sort"
        );

        // With `skip_serializing_if` the field is an object or absent: static again.
        let expanded = expansion(syn::parse_quote! {
            struct Tricky {
                #[serde(skip_serializing_if = "Option::is_none")]
                a: Option<Inner>,
                a0: bool,
            }
        });
        assert!(
            expanded.contains("begin_unordered"),
            "an unknown type may still be a leaf: {expanded}"
        );

        let expanded = expansion(syn::parse_quote! {
            struct Tricky {
                #[serde(skip_serializing_if = "Option::is_none")]
                a: Option<Vec<u8>>,
                a0: bool,
            }
        });
        assert!(!expanded.contains("begin_unordered"), "{expanded}");
        assert_eq!(keys_in_order(&expanded), ["a0", "a"]);
    }

    #[test]
    fn a_flattened_field_that_writes_nothing_lets_the_others_stream() {
        let expanded = expansion(syn::parse_quote! {
            struct S {
                b: u8,
                a: u8,
                #[serde(flatten)]
                extra: Map,
            }
        });
        assert!(
            expanded.contains("writes_nothing (& self . extra)"),
            "{expanded}"
        );
        // One writing: the keyed fields in their static order, the flattened one last; the
        // run-time sort only when it has entries.
        assert_eq!(expanded.matches("begin_unordered").count(), 1, "{expanded}");
        assert_eq!(keys_in_order(&expanded), ["a", "b"]);

        // A flattened field before a keyed one: declaration order, always sorted.
        let expanded = expansion(syn::parse_quote! {
            struct T {
                b: u8,
                #[serde(flatten)]
                extra: Map,
                a: u8,
            }
        });
        assert!(!expanded.contains("writes_nothing"), "{expanded}");
        assert_eq!(keys_in_order(&expanded), ["b", "a"]);
    }

    #[test]
    fn leading_zeros_and_whitespace_defer_to_run_time() {
        for input in [
            syn::parse_quote! { struct S { #[serde(rename = "01")] a: u8, #[serde(rename = "1")] b: u8 } },
            syn::parse_quote! { struct S { #[serde(rename = "x 1")] a: u8, #[serde(rename = "x1")] b: u8 } },
            syn::parse_quote! { struct S { #[serde(rename = "")] a: u8, b: u8 } },
        ] {
            assert!(expansion(input).contains("begin_unordered"));
        }
    }
}
