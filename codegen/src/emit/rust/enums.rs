//! Enums of the values a field takes: closed in requests, open (`Unknown`) in callbacks.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::types::EnumDef;

use super::docs;

pub(super) fn enum_tokens(e: &EnumDef) -> TokenStream {
    let name = format_ident!("{}", e.name);
    let doc = docs(&e.doc);
    let variants = e.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.ident);
        let doc = format!(" `{}`", v.json);
        quote!(#[doc = #doc] #ident,)
    });
    let to_str = e.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.ident);
        let json = &v.json;
        quote!(#name::#ident => #json,)
    });
    let from_str = e.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.ident);
        let json = &v.json;
        quote!(#json => Ok(#name::#ident),)
    });
    let expected = e.variants.iter().map(|v| v.json.as_str());
    let enum_name = &e.name;
    let values = (!e.open).then(|| {
        quote! {
            /// The values it takes, as sent on the wire.
            pub const VALUES: &'static [&'static str] = &[#(#expected),*];
        }
    });
    let (unknown_variant, unknown_str, conversions) = if e.open {
        (
            quote! {
                /// A value the documents do not list, kept as received.
                Unknown(::ecommpay_api::values::UnknownVariant),
            },
            quote!(#name::Unknown(other) => other.as_str(),),
            open_conversions(&name, e),
        )
    } else {
        (
            quote!(),
            quote!(),
            quote! {
                impl ::std::str::FromStr for #name {
                    type Err = ::ecommpay_api::values::UnknownValue;
                    fn from_str(s: &str) -> Result<Self, ::ecommpay_api::values::UnknownValue> {
                        match s {
                            #(#from_str)*
                            other => Err(::ecommpay_api::values::UnknownValue::new(#enum_name, other, #name::VALUES)),
                        }
                    }
                }

                impl TryFrom<&str> for #name {
                    type Error = ::ecommpay_api::values::UnknownValue;
                    fn try_from(s: &str) -> Result<Self, ::ecommpay_api::values::UnknownValue> {
                        s.parse()
                    }
                }

                impl TryFrom<String> for #name {
                    type Error = ::ecommpay_api::values::UnknownValue;
                    fn try_from(s: String) -> Result<Self, ::ecommpay_api::values::UnknownValue> {
                        s.parse()
                    }
                }
            },
        )
    };
    let visit = if e.open {
        quote! {
            fn visit_str<E: ::serde::de::Error>(self, s: &str) -> Result<#name, E> {
                Ok(s.into())
            }
            fn visit_string<E: ::serde::de::Error>(self, s: String) -> Result<#name, E> {
                Ok(s.into())
            }
        }
    } else {
        quote! {
            fn visit_str<E: ::serde::de::Error>(self, s: &str) -> Result<#name, E> {
                s.parse().map_err(E::custom)
            }
        }
    };
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #unknown_variant
        }

        impl #name {
            #values

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    #unknown_str
                }
            }
        }

        #conversions

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<Ser: ::serde::Serializer>(&self, serializer: Ser) -> Result<Ser::Ok, Ser::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<De: ::serde::Deserializer<'de>>(deserializer: De) -> Result<Self, De::Error> {
                struct Text;
                impl ::serde::de::Visitor<'_> for Text {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str("a string")
                    }
                    #visit
                }
                deserializer.deserialize_str(Text)
            }
        }

        impl ::ecommpay_api::signature::Canonical for #name {
            fn write_canonical(&self, out: &mut ::ecommpay_api::signature::CanonicalWriter) -> Result<(), ::ecommpay_api::signature::CanonicalError> {
                self.as_str().write_canonical(out)
            }
        }
    }
}

/// An open enum is made from any text: a value the documents list becomes its variant, any
/// other is kept in `Unknown`.
fn open_conversions(name: &proc_macro2::Ident, e: &EnumDef) -> TokenStream {
    let arms: Vec<TokenStream> = e
        .variants
        .iter()
        .map(|v| {
            let ident = format_ident!("{}", v.ident);
            let json = &v.json;
            quote!(#json => #name::#ident,)
        })
        .collect();
    quote! {
        impl From<&str> for #name {
            fn from(s: &str) -> Self {
                match s {
                    #(#arms)*
                    other => #name::Unknown(::ecommpay_api::__private::unknown_variant(other.to_owned())),
                }
            }
        }

        impl From<String> for #name {
            fn from(s: String) -> Self {
                match s.as_str() {
                    #(#arms)*
                    _ => #name::Unknown(::ecommpay_api::__private::unknown_variant(s)),
                }
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, ::std::convert::Infallible> {
                Ok(s.into())
            }
        }
    }
}
