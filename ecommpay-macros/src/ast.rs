//! A small AST of what gets serialized: the serialized names, the fields that count and the
//! shape of their values.

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Member, Type};

use crate::attr::{ContainerAttrs, Errors, FieldAttrs, VariantAttrs, reject_misplaced_signature};

pub(crate) struct Container<'a> {
    pub attrs: ContainerAttrs,
    pub body: Body<'a>,
}

pub(crate) enum Body<'a> {
    /// A struct with named fields: a JSON object.
    Object(Vec<Field<'a>>),
    /// A newtype struct, or any struct under `#[serde(transparent)]`: the inner value.
    Transparent(Box<Field<'a>>),
    /// A unit struct: `null`.
    Unit,
    /// An enum of unit and newtype variants.
    Enum {
        variants: Vec<Variant<'a>>,
        untagged: bool,
    },
}

/// What a field's entries' paths look like after its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Always exactly the key (a scalar).
    Leaf,
    /// Always the key, `:` and more (an array or object; empty ones write nothing).
    Container,
    /// Either, depending on the value (JSON values, `Option` of a container without
    /// `skip_serializing_if`, types this derive cannot see into).
    Either,
}

pub(crate) struct Field<'a> {
    pub member: Member,
    /// The key in the JSON object, before escaping.
    pub name: String,
    pub ty: &'a Type,
    pub attrs: FieldAttrs,
    pub shape: Shape,
    pub span: Span,
}

pub(crate) struct Variant<'a> {
    pub ident: &'a syn::Ident,
    pub name: String,
    pub field: Option<&'a Type>,
}

impl<'a> Container<'a> {
    pub(crate) fn from_input(input: &'a DeriveInput) -> syn::Result<Self> {
        let mut errors = Errors::default();
        let attrs = ContainerAttrs::parse(&input.attrs, &mut errors);
        let rename_all = attrs.rename_all.get().copied();
        let body = match &input.data {
            Data::Struct(data) => {
                reject_misplaced_signature(&input.attrs, &mut errors);
                let fields = parse_fields(&data.fields, rename_all, &mut errors);
                if let Some(span) = attrs.untagged.span() {
                    errors.error(span, "`untagged` applies to enums, not structs");
                }
                match (&data.fields, attrs.transparent.get()) {
                    (Fields::Unit, None) => Body::Unit,
                    (Fields::Unit, Some(_)) => {
                        errors.error(
                            input.ident.span(),
                            "`transparent` needs exactly one serialized field",
                        );
                        Body::Unit
                    }
                    (Fields::Unnamed(unnamed), None) if unnamed.unnamed.len() != 1 => {
                        errors.error(
                            unnamed.span(),
                            "tuple structs serialize as JSON arrays of mixed values, which `#[derive(Canonical)]` does not support; use named fields",
                        );
                        Body::Unit
                    }
                    (Fields::Unnamed(_), None) | (_, Some(_)) => {
                        let mut serialized =
                            fields.into_iter().filter(|f| f.attrs.skip.get().is_none());
                        match (serialized.next(), serialized.next()) {
                            (Some(field), None) => {
                                if let Some(span) = field.attrs.signature.span() {
                                    errors.error(
                                        span,
                                        "a transparent struct's only field cannot be its signature",
                                    );
                                }
                                Body::Transparent(Box::new(field))
                            }
                            _ => {
                                errors.error(
                                    input.ident.span(),
                                    "`transparent` needs exactly one serialized field",
                                );
                                Body::Unit
                            }
                        }
                    }
                    (Fields::Named(_), None) => {
                        check_fields(&fields, &mut errors);
                        Body::Object(fields)
                    }
                }
            }
            Data::Enum(data) => {
                reject_misplaced_signature(&input.attrs, &mut errors);
                if let Some(span) = attrs.transparent.span() {
                    errors.error(span, "`transparent` applies to structs, not enums");
                }
                let mut variants = Vec::new();
                for variant in &data.variants {
                    let variant_attrs = VariantAttrs::parse(&variant.attrs, &mut errors);
                    let name = match variant_attrs.rename.get() {
                        Some(name) => name.clone(),
                        None => {
                            let ident = variant.ident.unraw().to_string();
                            rename_all.map_or(ident.clone(), |rule| rule.apply_to_variant(&ident))
                        }
                    };
                    let field = match &variant.fields {
                        Fields::Unit => None,
                        Fields::Unnamed(unnamed) if unnamed.unnamed.len() == 1 => {
                            let field = &unnamed.unnamed[0];
                            reject_misplaced_signature(&field.attrs, &mut errors);
                            check_type(&field.ty, &mut errors);
                            Some(&field.ty)
                        }
                        other => {
                            errors.error(
                                other.span(),
                                "only unit and newtype variants are supported by `#[derive(Canonical)]`",
                            );
                            None
                        }
                    };
                    variants.push(Variant {
                        ident: &variant.ident,
                        name,
                        field,
                    });
                }
                Body::Enum {
                    variants,
                    untagged: attrs.untagged.get().is_some(),
                }
            }
            Data::Union(data) => {
                errors.error(data.union_token.span(), "unions cannot derive `Canonical`");
                Body::Unit
            }
        };
        errors.finish()?;
        Ok(Self { attrs, body })
    }
}

fn parse_fields<'a>(
    fields: &'a Fields,
    rename_all: Option<crate::case::RenameRule>,
    errors: &mut Errors,
) -> Vec<Field<'a>> {
    fields
        .iter()
        .enumerate()
        .map(|(index, field)| {
            let attrs = FieldAttrs::parse(&field.attrs, errors);
            let (member, name) = match &field.ident {
                Some(ident) => {
                    let raw = ident.unraw().to_string();
                    let name = match attrs.rename.get() {
                        Some(name) => name.clone(),
                        None => rename_all.map_or(raw.clone(), |rule| rule.apply_to_field(&raw)),
                    };
                    (Member::Named(ident.clone()), name)
                }
                None => (Member::Unnamed(index.into()), index.to_string()),
            };
            if attrs.skip.get().is_none() {
                check_type(&field.ty, errors);
            }
            let shape = match shape_of(&field.ty) {
                // `None` without `skip_serializing_if` is `null`, a leaf.
                TypeShape::Optional(inner)
                    if attrs.skip_serializing_if.get().is_none() && inner != Shape::Leaf =>
                {
                    Shape::Either
                }
                TypeShape::Optional(inner) | TypeShape::Plain(inner) => inner,
            };
            let span = field
                .ident
                .as_ref()
                .map_or_else(|| field.ty.span(), |ident| ident.span());
            Field {
                member,
                name,
                ty: &field.ty,
                attrs,
                shape,
                span,
            }
        })
        .collect()
}

fn check_fields(fields: &[Field<'_>], errors: &mut Errors) {
    let mut signature_seen = false;
    for (i, field) in fields.iter().enumerate() {
        if let Some(span) = field.attrs.signature.span() {
            if signature_seen {
                errors.error(span, "only one field can be `#[signature]`");
            }
            signature_seen = true;
            if field.name != "signature" {
                errors.error(
                    span,
                    format_args!(
                        "a `#[signature]` field must serialize as `signature`, not {:?}: the platform leaves out keys named `signature` only",
                        field.name
                    ),
                );
            }
        }
        // A flattened field has no key of its own; its keys are known at run time only.
        let keyless =
            |f: &Field<'_>| f.attrs.skip.get().is_some() || f.attrs.flatten.get().is_some();
        if keyless(field) {
            continue;
        }
        let clash = fields[..i]
            .iter()
            .any(|f| !keyless(f) && f.name == field.name);
        if clash {
            errors.error(
                field.span,
                format_args!("two fields serialize to the same key {:?}", field.name),
            );
        }
    }
}

/// Rejects field types whose JSON the platform cannot sign exactly or this derive cannot follow.
fn check_type(ty: &Type, errors: &mut Errors) {
    match ty {
        Type::Path(path) => {
            if let Some(qself) = &path.qself {
                check_type(&qself.ty, errors);
            }
            for segment in &path.path.segments {
                if path.qself.is_none() && path.path.segments.len() == 1 && (segment.ident == "f32" || segment.ident == "f64") {
                    errors.error(
                        segment.ident.span(),
                        format_args!(
                            "`{}` cannot be signed exactly: the signature covers integers only (amounts are in minor units); use an integer type",
                            segment.ident
                        ),
                    );
                }
                if let syn::PathArguments::AngleBracketed(args) = &segment.arguments {
                    for arg in &args.args {
                        if let syn::GenericArgument::Type(inner) = arg {
                            check_type(inner, errors);
                        }
                    }
                }
            }
        }
        Type::Tuple(tuple) if tuple.elems.is_empty() => {}
        Type::Tuple(tuple) => errors.error(
            tuple.span(),
            "tuples serialize as JSON arrays of mixed values, which `#[derive(Canonical)]` does not support; use a struct",
        ),
        Type::Reference(reference) => check_type(&reference.elem, errors),
        Type::Array(array) => check_type(&array.elem, errors),
        Type::Slice(slice) => check_type(&slice.elem, errors),
        Type::Paren(paren) => check_type(&paren.elem, errors),
        Type::Group(group) => check_type(&group.elem, errors),
        Type::TraitObject(_) | Type::ImplTrait(_) => errors.error(
            ty.span(),
            "trait objects have no known serialized form; use a concrete type that implements `Canonical`",
        ),
        other => errors.error(other.span(), "unsupported field type for `#[derive(Canonical)]`"),
    }
}

enum TypeShape {
    Plain(Shape),
    Optional(Shape),
}

fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(path) if path.qself.is_none() => path.path.segments.last(),
        _ => None,
    }
}

fn first_type_argument(segment: &syn::PathSegment) -> Option<&Type> {
    match &segment.arguments {
        syn::PathArguments::AngleBracketed(args) => args.args.iter().find_map(|arg| match arg {
            syn::GenericArgument::Type(ty) => Some(ty),
            _ => None,
        }),
        _ => None,
    }
}

/// The shape of a type's JSON, from its spelling; `Either` when it cannot be told.
fn shape_of(ty: &Type) -> TypeShape {
    match ty {
        Type::Reference(reference) => shape_of(&reference.elem),
        Type::Paren(paren) => shape_of(&paren.elem),
        Type::Group(group) => shape_of(&group.elem),
        Type::Array(_) | Type::Slice(_) => TypeShape::Plain(Shape::Container),
        Type::Tuple(tuple) if tuple.elems.is_empty() => TypeShape::Plain(Shape::Leaf),
        _ => {
            let Some(segment) = last_segment(ty) else {
                return TypeShape::Plain(Shape::Either);
            };
            let name = segment.ident.to_string();
            let inner = || first_type_argument(segment).map(shape_of);
            match name.as_str() {
                "bool" | "char" | "str" | "String" | "i8" | "i16" | "i32" | "i64" | "i128"
                | "isize" | "u8" | "u16" | "u32" | "u64" | "u128" | "usize" | "Number" => {
                    TypeShape::Plain(Shape::Leaf)
                }
                n if n.starts_with("NonZero") => TypeShape::Plain(Shape::Leaf),
                "Vec" | "VecDeque" | "BTreeMap" | "HashMap" | "BTreeSet" | "HashSet" | "Map"
                | "IndexMap" => TypeShape::Plain(Shape::Container),
                "Box" | "Rc" | "Arc" | "Cow" => match inner() {
                    Some(TypeShape::Plain(shape)) => TypeShape::Plain(shape),
                    _ => TypeShape::Plain(Shape::Either),
                },
                "Option" => match inner() {
                    Some(TypeShape::Plain(shape)) => TypeShape::Optional(shape),
                    _ => TypeShape::Optional(Shape::Either),
                },
                _ => TypeShape::Plain(Shape::Either),
            }
        }
    }
}
