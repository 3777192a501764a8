//! Attribute parsing: the `serde` attributes that shape the JSON, `#[signature]` and
//! `#[canonical(crate = "...")]`. Attributes that do not change what is serialized are accepted
//! and ignored; those that change it in ways the derive cannot follow are errors.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Attribute, LitStr, Token};

use crate::case::RenameRule;

/// Collects every error instead of stopping at the first.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(existing) => existing.combine(error),
            None => self.0 = Some(error),
        }
    }

    pub(crate) fn error(&mut self, span: Span, message: impl std::fmt::Display) {
        self.push(syn::Error::new(span, message));
    }

    pub(crate) fn finish(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }
}

/// A value given once, remembering where.
pub(crate) struct Once<T> {
    name: &'static str,
    value: Option<(Span, T)>,
}

impl<T> Once<T> {
    fn new(name: &'static str) -> Self {
        Self { name, value: None }
    }

    fn set(&mut self, errors: &mut Errors, span: Span, value: T) {
        if self.value.is_some() {
            errors.error(span, format_args!("duplicate `{}` attribute", self.name));
        } else {
            self.value = Some((span, value));
        }
    }

    pub(crate) fn get(&self) -> Option<&T> {
        self.value.as_ref().map(|(_, v)| v)
    }

    pub(crate) fn span(&self) -> Option<Span> {
        self.value.as_ref().map(|(s, _)| *s)
    }
}

pub(crate) struct ContainerAttrs {
    pub rename_all: Once<RenameRule>,
    pub transparent: Once<()>,
    pub untagged: Once<()>,
    pub krate: Once<syn::Path>,
}

pub(crate) struct FieldAttrs {
    pub rename: Once<String>,
    pub skip: Once<()>,
    pub skip_serializing_if: Once<syn::ExprPath>,
    pub signature: Once<()>,
    /// `#[serde(flatten)]`: the field's own entries sit at this level.
    pub flatten: Once<()>,
}

pub(crate) struct VariantAttrs {
    pub rename: Once<String>,
}

/// serde attributes that make the JSON something this derive cannot compute from the type.
const UNSUPPORTED_CONTAINER: &[&str] = &["tag", "content", "into", "remote", "expecting"];
const UNSUPPORTED_FIELD: &[&str] = &["serialize_with", "with", "getter"];
const UNSUPPORTED_VARIANT: &[&str] = &[
    "skip",
    "skip_serializing",
    "serialize_with",
    "with",
    "untagged",
];

fn unsupported(meta: &ParseNestedMeta<'_>, name: &str) -> syn::Error {
    let hint = match name {
        "serialize_with" | "with" => {
            "; it changes the serialized form: implement `Canonical` for the field's type by hand"
        }
        "tag" | "content" => "; only externally tagged and untagged enums are supported",
        "into" | "remote" => "; implement `Canonical` by hand",
        _ => "",
    };
    meta.error(format_args!(
        "`#[serde({name})]` is not supported by `#[derive(Canonical)]`{hint}"
    ))
}

/// Consumes whatever follows an ignored attribute: `= value`, `(...)` or nothing.
fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        let _: syn::Expr = meta.value()?.parse()?;
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        let _: proc_macro2::TokenStream = content.parse()?;
    }
    Ok(())
}

fn path_name(meta: &ParseNestedMeta<'_>) -> String {
    meta.path
        .get_ident()
        .map(ToString::to_string)
        .unwrap_or_default()
}

/// `name = "x"` or `name(serialize = "x", deserialize = "y")`: the serialized side, if given.
fn serialize_str(meta: &ParseNestedMeta<'_>) -> syn::Result<Option<LitStr>> {
    if meta.input.peek(Token![=]) {
        return Ok(Some(meta.value()?.parse()?));
    }
    let mut serialize = None;
    meta.parse_nested_meta(|inner| {
        if inner.path.is_ident("serialize") {
            serialize = Some(inner.value()?.parse()?);
        } else {
            skip_value(&inner)?;
        }
        Ok(())
    })?;
    Ok(serialize)
}

fn for_each_serde(
    attrs: &[Attribute],
    errors: &mut Errors,
    mut f: impl FnMut(&ParseNestedMeta<'_>, &str, &mut Errors) -> syn::Result<()>,
) {
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let mut local = Errors::default();
        let result = attr.parse_nested_meta(|meta| {
            let name = path_name(&meta);
            f(&meta, &name, &mut local)
        });
        if let Err(error) = result {
            errors.push(error);
        }
        if let Err(error) = local.finish() {
            errors.push(error);
        }
    }
}

impl ContainerAttrs {
    pub(crate) fn parse(attrs: &[Attribute], errors: &mut Errors) -> Self {
        let mut out = Self {
            rename_all: Once::new("rename_all"),
            transparent: Once::new("transparent"),
            untagged: Once::new("untagged"),
            krate: Once::new("crate"),
        };
        for_each_serde(attrs, errors, |meta, name, errors| {
            let span = meta.path.span();
            match name {
                "rename_all" => {
                    if let Some(lit) = serialize_str(meta)? {
                        match RenameRule::from_str(&lit.value()) {
                            Some(rule) => out.rename_all.set(errors, lit.span(), rule),
                            None => errors.error(
                                lit.span(),
                                format_args!(
                                    "unknown `rename_all` rule {:?}; expected one of {}",
                                    lit.value(),
                                    RenameRule::NAMES
                                ),
                            ),
                        }
                    }
                }
                "transparent" => out.transparent.set(errors, span, ()),
                "untagged" => out.untagged.set(errors, span, ()),
                _ if UNSUPPORTED_CONTAINER.contains(&name) => return Err(unsupported(meta, name)),
                _ => skip_value(meta)?,
            }
            Ok(())
        });
        for attr in attrs.iter().filter(|a| a.path().is_ident("canonical")) {
            let result = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("crate") {
                    let lit: LitStr = meta.value()?.parse()?;
                    let path: syn::Path = lit.parse()?;
                    out.krate.set(errors, lit.span(), path);
                    Ok(())
                } else {
                    Err(meta.error("unknown `canonical` attribute; expected `crate = \"path\"`"))
                }
            });
            if let Err(error) = result {
                errors.push(error);
            }
        }
        if let (Some(transparent), Some(_)) = (out.transparent.span(), out.rename_all.span()) {
            errors.error(
                transparent,
                "conflicting attributes: `transparent` with `rename_all`",
            );
        }
        out
    }
}

impl FieldAttrs {
    pub(crate) fn parse(attrs: &[Attribute], errors: &mut Errors) -> Self {
        let mut out = Self {
            rename: Once::new("rename"),
            skip: Once::new("skip"),
            skip_serializing_if: Once::new("skip_serializing_if"),
            signature: Once::new("signature"),
            flatten: Once::new("flatten"),
        };
        for_each_serde(attrs, errors, |meta, name, errors| {
            let span = meta.path.span();
            match name {
                "rename" => {
                    if let Some(lit) = serialize_str(meta)? {
                        out.rename.set(errors, lit.span(), lit.value());
                    }
                }
                "skip" | "skip_serializing" => out.skip.set(errors, span, ()),
                "flatten" => out.flatten.set(errors, span, ()),
                "skip_serializing_if" => {
                    let lit: LitStr = meta.value()?.parse()?;
                    out.skip_serializing_if
                        .set(errors, lit.span(), lit.parse()?);
                }
                _ if UNSUPPORTED_FIELD.contains(&name) => return Err(unsupported(meta, name)),
                _ => skip_value(meta)?,
            }
            Ok(())
        });
        for attr in attrs.iter().filter(|a| a.path().is_ident("signature")) {
            match &attr.meta {
                syn::Meta::Path(path) => out.signature.set(errors, path.span(), ()),
                other => errors.error(other.span(), "`#[signature]` takes no arguments"),
            }
        }
        if let (Some(signature), Some(_)) = (out.signature.span(), out.skip.span()) {
            errors.error(signature, "conflicting attributes: `#[signature]` on a field that `#[serde(skip)]` leaves out");
        }
        if let (Some(signature), Some(_)) = (out.signature.span(), out.flatten.span()) {
            errors.error(
                signature,
                "conflicting attributes: `#[signature]` on a flattened field, which has no key of its own",
            );
        }
        if let (Some(skip_if), Some(_)) = (out.skip_serializing_if.span(), out.skip.span()) {
            errors.error(
                skip_if,
                "conflicting attributes: `skip_serializing_if` on a field that is always skipped",
            );
        }
        out
    }
}

impl VariantAttrs {
    pub(crate) fn parse(attrs: &[Attribute], errors: &mut Errors) -> Self {
        let mut out = Self {
            rename: Once::new("rename"),
        };
        for_each_serde(attrs, errors, |meta, name, errors| {
            match name {
                "rename" => {
                    if let Some(lit) = serialize_str(meta)? {
                        out.rename.set(errors, lit.span(), lit.value());
                    }
                }
                _ if UNSUPPORTED_VARIANT.contains(&name) => return Err(unsupported(meta, name)),
                _ => skip_value(meta)?,
            }
            Ok(())
        });
        for attr in attrs.iter().filter(|a| a.path().is_ident("signature")) {
            errors.error(
                attr.path().span(),
                "`#[signature]` belongs on a field, not on a variant",
            );
        }
        out
    }
}

/// `#[signature]` is a field attribute; anywhere else it is a mistake worth reporting.
pub(crate) fn reject_misplaced_signature(attrs: &[Attribute], errors: &mut Errors) {
    for attr in attrs.iter().filter(|a| a.path().is_ident("signature")) {
        errors.error(
            attr.path().span(),
            "`#[signature]` belongs on a field, not on a type",
        );
    }
}
