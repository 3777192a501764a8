//! The public surface a user's code and schemas meet, compared item by item: generated Rust
//! (type paths, struct fields and their types, enum variants, methods such as builder setters)
//! and the exported schemas' `$defs` names. A removal, rename, move or retyping is breaking
//! whatever the spec's semantics say: code written against the old crate stops compiling.

use std::collections::{BTreeMap, BTreeSet};

use quote::ToTokens;

use super::{Changes, Direction, Severity};
use crate::emit::rust::GeneratedFile;

/// One public item of the generated crate.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Item {
    Struct {
        /// Public field name -> its type.
        fields: BTreeMap<String, String>,
        non_exhaustive: bool,
    },
    Enum {
        variants: BTreeSet<String>,
        non_exhaustive: bool,
    },
    /// A public inherent method (a builder's setter, `builder()`, `build()`): its signature.
    Method(String),
}

/// Items by path (`paypal::AuthRequest`, `paypal::AuthRequestBuilder::customer`).
#[derive(Debug, Default)]
pub(super) struct RustSurface(BTreeMap<String, Item>);

impl RustSurface {
    pub(super) fn of(files: &[GeneratedFile]) -> Result<Self, String> {
        let mut surface = RustSurface::default();
        for file in files {
            let module = file.name.trim_end_matches(".rs");
            if module == "mod" {
                continue;
            }
            let parsed = syn::parse_file(&file.contents)
                .map_err(|e| format!("generated {} does not parse: {e}", file.name))?;
            surface.module(module, &parsed.items);
        }
        Ok(surface)
    }

    fn module(&mut self, module: &str, items: &[syn::Item]) {
        for item in items {
            match item {
                syn::Item::Struct(s) if is_pub(&s.vis) => {
                    let fields = s
                        .fields
                        .iter()
                        .filter(|f| is_pub(&f.vis))
                        .filter_map(|f| Some((f.ident.as_ref()?.to_string(), tokens(&f.ty))))
                        .collect();
                    self.0.insert(
                        format!("{module}::{}", s.ident),
                        Item::Struct {
                            fields,
                            non_exhaustive: non_exhaustive(&s.attrs),
                        },
                    );
                }
                syn::Item::Enum(e) if is_pub(&e.vis) => {
                    let variants = e.variants.iter().map(|v| v.ident.to_string()).collect();
                    self.0.insert(
                        format!("{module}::{}", e.ident),
                        Item::Enum {
                            variants,
                            non_exhaustive: non_exhaustive(&e.attrs),
                        },
                    );
                }
                syn::Item::Impl(block) if block.trait_.is_none() => {
                    let syn::Type::Path(ty) = &*block.self_ty else {
                        continue;
                    };
                    let Some(ty) = ty.path.segments.last() else {
                        continue;
                    };
                    for member in &block.items {
                        if let syn::ImplItem::Fn(f) = member
                            && is_pub(&f.vis)
                        {
                            self.0.insert(
                                format!("{module}::{}::{}", ty.ident, f.sig.ident),
                                Item::Method(tokens(&f.sig)),
                            );
                        }
                    }
                }
                syn::Item::Mod(m) if is_pub(&m.vis) => {
                    if let Some((_, items)) = &m.content {
                        self.module(&format!("{module}::{}", m.ident), items);
                    }
                }
                _ => {}
            }
        }
    }
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

fn non_exhaustive(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("non_exhaustive"))
}

/// Tokens as one line, so that two spellings of one type compare equal however they wrap;
/// spaced as Rust is written (`Option<String>`, not `Option < String >`), and with the paths as a
/// user of the generated module reads them (`Email`, not `::ecommpay_api::formats::Email`;
/// `Customer`, not the `super::Customer` of a builder).
fn tokens(item: &impl ToTokens) -> String {
    let mut text = item.to_token_stream().to_string();
    for (from, to) in [
        (":: ecommpay_api :: formats :: ", ""),
        (":: ecommpay_api :: wire :: ", ""),
        (":: ecommpay_api :: ", "ecommpay_api :: "),
        (":: std :: ", "std :: "),
        (":: serde_json :: ", "serde_json :: "),
        ("super :: ", ""),
        (" :: ", "::"),
        (" < ", "<"),
        ("< ", "<"),
        (" <", "<"),
        (" >", ">"),
        (" ,", ","),
        ("& ", "&"),
        (" (", "("),
        ("( ", "("),
        (" )", ")"),
        (" : ", ": "),
    ] {
        text = text.replace(from, to);
    }
    text
}

/// The item a member belongs to (`paypal::SaleRequestBuilder` of `...::customer`), when the
/// path names a member.
fn owner(path: &str) -> Option<&str> {
    let (owner, _) = path.rsplit_once("::")?;
    owner.contains("::").then_some(owner)
}

/// The last segment of a path (`AuthRequest` of `paypal::AuthRequest`).
fn name_of(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

/// Every change of the Rust surface from `old` to `new`.
pub(super) fn rust(out: &mut Changes, old: &RustSurface, new: &RustSurface) {
    let mut push = |severity, item: &str, member: &str, change: String| {
        out.push(severity, Direction::RustApi, item, member, change);
    };
    for (path, before) in &old.0 {
        let Some(after) = new.0.get(path) else {
            // A removed type's methods go with it: the type's own line says so.
            if owner(path).is_some_and(|o| old.0.contains_key(o) && !new.0.contains_key(o)) {
                continue;
            }
            // Moved: the same name elsewhere (a type that went to `shared`).
            let moved: Vec<&String> = new
                .0
                .keys()
                .filter(|p| name_of(p) == name_of(path) && !old.0.contains_key(*p))
                .collect();
            let change = match moved.as_slice() {
                [to] => format!("moved to `{to}` (the old path is gone)"),
                _ => "removed".to_owned(),
            };
            push(Severity::Breaking, path, "", change);
            continue;
        };
        match (before, after) {
            (
                Item::Struct {
                    fields: old_fields, ..
                },
                Item::Struct {
                    fields: new_fields,
                    non_exhaustive,
                },
            ) => {
                for (field, ty) in old_fields {
                    match new_fields.get(field) {
                        None => push(Severity::Breaking, path, field, "field removed".into()),
                        Some(new_ty) if new_ty != ty => push(
                            Severity::Breaking,
                            path,
                            field,
                            format!("field retyped: `{ty}` -> `{new_ty}`"),
                        ),
                        Some(_) => {}
                    }
                }
                for field in new_fields.keys().filter(|f| !old_fields.contains_key(*f)) {
                    // A struct literal names every field unless the struct is non-exhaustive.
                    let severity = if *non_exhaustive {
                        Severity::Compatible
                    } else {
                        Severity::Breaking
                    };
                    push(severity, path, field, "new field".into());
                }
            }
            (
                Item::Enum {
                    variants: old_v, ..
                },
                Item::Enum {
                    variants: new_v,
                    non_exhaustive,
                },
            ) => {
                for variant in old_v.difference(new_v) {
                    push(Severity::Breaking, path, variant, "variant removed".into());
                }
                for variant in new_v.difference(old_v) {
                    // An exhaustive match breaks on a new variant of an exhaustive enum.
                    let severity = if *non_exhaustive {
                        Severity::Compatible
                    } else {
                        Severity::Breaking
                    };
                    push(severity, path, variant, "new variant".into());
                }
            }
            (Item::Method(a), Item::Method(b)) if a != b => push(
                Severity::Breaking,
                path,
                "",
                format!("signature changed: `{a}` -> `{b}`"),
            ),
            (Item::Method(_), Item::Method(_)) => {}
            _ => push(
                Severity::Breaking,
                path,
                "",
                "changed kind (struct, enum or method)".into(),
            ),
        }
    }
    for path in new.0.keys().filter(|p| !old.0.contains_key(*p)) {
        if owner(path).is_some_and(|o| new.0.contains_key(o) && !old.0.contains_key(o)) {
            continue;
        }
        push(Severity::Compatible, path, "", "new item".into());
    }
}

/// The exported schemas' definition names: `file.json#/$defs/Name`, and each file itself.
#[cfg(feature = "schemas")]
pub(super) fn schema_names(files: &[crate::emit::schema::SchemaFile]) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for file in files {
        names.insert(file.file_name.clone());
        if let Some(defs) = file.schema.get("$defs").and_then(|d| d.as_object()) {
            for name in defs.keys() {
                names.insert(format!("{}#/$defs/{name}", file.file_name));
            }
        }
    }
    names
}

/// A definition name gone is breaking for code generated from the schemas (a model class
/// renamed); a new one is listed.
#[cfg(feature = "schemas")]
pub(super) fn schemas(out: &mut Changes, old: &BTreeSet<String>, new: &BTreeSet<String>) {
    for name in old.difference(new) {
        out.push(
            Severity::Breaking,
            Direction::Schemas,
            name,
            "",
            "definition removed or renamed",
        );
    }
    for name in new.difference(old) {
        out.push(
            Severity::Compatible,
            Direction::Schemas,
            name,
            "",
            "new definition",
        );
    }
}
