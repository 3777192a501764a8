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
    let expected = e
        .variants
        .iter()
        .map(|v| v.json.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let enum_name = &e.name;
    let (unknown_variant, unknown_str, unknown_parse) = if e.open {
        (
            quote! {
                /// A value the documents do not list, kept as received.
                Unknown(String),
            },
            quote!(#name::Unknown(other) => other,),
            quote!(other => Ok(#name::Unknown(other.to_owned())),),
        )
    } else {
        (
            quote!(),
            quote!(),
            quote!(other => Err(format!("unknown {} {}: expected one of {}", #enum_name, crate::excerpt::Excerpt(other), #expected)),),
        )
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
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    #unknown_str
                }
            }
        }

        impl std::str::FromStr for #name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    #(#from_str)*
                    #unknown_parse
                }
            }
        }

        impl TryFrom<&str> for #name {
            type Error = String;
            fn try_from(s: &str) -> Result<Self, String> {
                s.parse()
            }
        }

        impl TryFrom<String> for #name {
            type Error = String;
            fn try_from(s: String) -> Result<Self, String> {
                s.parse()
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<Ser: serde::Serializer>(&self, serializer: Ser) -> Result<Ser::Ok, Ser::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<De: serde::Deserializer<'de>>(deserializer: De) -> Result<Self, De::Error> {
                let value = String::deserialize(deserializer)?;
                value.parse().map_err(serde::de::Error::custom)
            }
        }

        impl crate::signature::Canonical for #name {
            fn write_canonical(&self, out: &mut crate::signature::CanonicalWriter) -> Result<(), crate::signature::CanonicalError> {
                self.as_str().write_canonical(out)
            }
        }
    }
}
