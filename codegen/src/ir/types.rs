//! The Rust types to emit, lowered from body shapes: one struct per object, enums for string
//! value lists, newtypes for formats.

use std::collections::BTreeSet;

use crate::model::{FieldType, Format, Interface, Scalar};

use super::naming::{field_name, pascal};
use super::objects::{ObjectType, Role, TypeSpace};
use super::{Ir, ShapeField, ShapeIr, ShapeKind};

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum RustType {
    String,
    I64,
    U64,
    Bool,
    /// Any JSON value.
    Value,
    /// A JSON object with keys the documents do not list.
    Map,
    /// A format newtype of the runtime (`CurrencyCode`).
    Format(Format),
    /// An integer the platform prints as a number or as a string; both kept as received.
    IntOrString,
    /// A generated struct or enum.
    Named(String),
    Vec(Box<RustType>),
    /// An object also accepted encoded in a string.
    ObjectOrString(Box<RustType>),
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct StructField {
    pub json_name: String,
    pub rust_name: String,
    pub ty: RustType,
    pub optional: bool,
    pub signature: bool,
    pub doc: Vec<String>,
}

/// What a struct is for, which decides what is derived and implemented.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StructRole {
    /// The payload of a request operation (validates itself, signs).
    Request,
    /// An object inside a request.
    RequestPart,
    /// The callback envelope: unknown fields kept.
    Callback,
    CallbackPart,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct StructDef {
    pub name: String,
    pub doc: Vec<String>,
    pub fields: Vec<StructField>,
    pub role: StructRole,
    /// Members of its objects that its operation requires (`customer.id`): an object's type has
    /// every field optional, so the request's `build()` checks these.
    pub required_inside: Vec<RequiredMember>,
}

/// A member an operation requires inside one of its objects.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct RequiredMember {
    /// The Rust field names from the request down to the member.
    pub rust_path: Vec<String>,
    /// Its path in the body (`customer.identify.doc_number`).
    pub json_path: String,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct EnumVariant {
    pub json: String,
    pub ident: String,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct EnumDef {
    pub name: String,
    pub doc: Vec<String>,
    pub variants: Vec<EnumVariant>,
    /// Unknown values are kept in `Unknown(String)`.
    pub open: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Item {
    Struct(StructDef),
    Enum(EnumDef),
}

impl Item {
    pub(crate) fn name(&self) -> &str {
        match self {
            Item::Struct(s) => &s.name,
            Item::Enum(e) => &e.name,
        }
    }
}

/// One generated module: a payment method, or the shared callback.
#[derive(Clone, Debug)]
pub(crate) struct RustModule {
    pub name: String,
    pub doc: Vec<String>,
    pub items: Vec<Item>,
}

/// The module that holds the request types of the spec's objects, whatever uses them.
pub(crate) const SHARED_MODULE: &str = "shared";

/// Lowers the IR to modules: `callback` first (the envelope and the callback types of the spec's
/// objects), then `shared` (their request types), then one per method (each operation's request
/// or parameters, and what only that operation has).
pub(crate) fn lower(ir: &Ir) -> Vec<RustModule> {
    let mut modules = Vec::new();
    let mut callback = Lowering::new(Role::Callback, &ir.types);
    callback.object(
        "Callback",
        &ir.callback,
        vec![
            "A callback (notification) from the platform, covering every field the documents show.".into(),
            String::new(),
            "Unknown fields are kept in `extra`; status and type fields keep unknown values. Verify the signature over the raw body before trusting it: `Callback::verify`.".into(),
        ],
        StructRole::Callback,
    );
    for object in &ir.types.callbacks {
        callback.object_type(object, StructRole::CallbackPart);
    }
    modules.push(RustModule {
        name: "callback".into(),
        doc: vec!["The callback envelope shared by every payment method, and the callback types of the objects it holds.".into()],
        items: callback.items,
    });
    let mut shared = Lowering::new(Role::Request, &ir.types);
    for object in &ir.types.requests {
        shared.object_type(object, StructRole::RequestPart);
    }
    if !shared.items.is_empty() {
        modules.push(RustModule {
            name: SHARED_MODULE.into(),
            doc: vec![
                "The request types of the spec's objects: one type per object, named after it, whichever operations use it.".into(),
                String::new(),
                "Every field is optional here: what an operation requires or narrows is its rule, which `build()` of its request and `Validate` check. Every method module uses these types.".into(),
            ],
            items: shared.items,
        });
    }
    for method in &ir.methods {
        let mut lowering = Lowering::new(Role::Request, &ir.types);
        for op in &method.operations {
            if op.interface == Interface::Callback {
                continue;
            }
            let mut doc = vec![format!("{} (`{}`).", op.title.trim_end_matches('.'), op.id)];
            doc.push(String::new());
            match (op.http_method, &op.path) {
                (Some(m), Some(p)) => doc.push(format!("Gate: `{m} {p}`.")),
                _ => doc.push(format!(
                    "Payment Page parameters, mode `{}`.",
                    op.mode.map_or("purchase", |m| m.as_str())
                )),
            }
            if !op.variants.is_empty() {
                let ids: Vec<String> = op.variants.iter().map(|v| format!("`{}`", v.id)).collect();
                doc.push(String::new());
                doc.push(format!(
                    "Variants: {}; exactly one must hold (checked by `Validate`).",
                    ids.join(", ")
                ));
            }
            let extra = op.doc.rustdoc_lines();
            if !extra.is_empty() {
                doc.push(String::new());
                doc.extend(extra);
            }
            let name = lowering.object(&op.type_name, &op.typed, doc, StructRole::Request);
            if let Some(Item::Struct(def)) = lowering.items.iter_mut().find(|i| i.name() == name) {
                def.required_inside = required_inside(&op.typed);
            }
        }
        // The method's name, then what it is; the document's title and file are the
        // transcription's bookkeeping (and the title may be Russian).
        let mut doc = vec![format!("{}.", method.name.trim_end_matches('.'))];
        if let Some(d) = &method.description {
            doc.push(String::new());
            doc.push(d.trim().to_owned());
        }
        modules.push(RustModule {
            name: method.id.clone(),
            doc,
            items: lowering.items,
        });
    }
    modules
}

struct Lowering<'t> {
    role: Role,
    types: &'t TypeSpace,
    items: Vec<Item>,
    /// Names taken: the object types' (in every module, so that a method module's own type
    /// never shadows one) and those given so far.
    names: BTreeSet<String>,
}

impl<'t> Lowering<'t> {
    fn new(role: Role, types: &'t TypeSpace) -> Self {
        Lowering {
            role,
            types,
            items: Vec::new(),
            names: types.of(role).iter().map(|t| t.name.clone()).collect(),
        }
    }

    fn callback(&self) -> bool {
        self.role == Role::Callback
    }

    /// A name not used yet in this module.
    fn fresh(&mut self, wanted: String) -> String {
        let mut name = wanted.clone();
        let mut n = 2;
        while !self.names.insert(name.clone()) {
            name = format!("{wanted}{n}");
            n += 1;
        }
        name
    }

    /// The type of a spec object, under its own name.
    fn object_type(&mut self, object: &ObjectType, role: StructRole) {
        let mut doc = object.doc.rustdoc_lines();
        if doc.is_empty() {
            doc.push(format!("The `{}` object.", object.object));
        }
        self.lower_struct(object.name.clone(), &object.shape, doc, role);
    }

    /// A struct under a fresh name from `wanted`.
    fn object(
        &mut self,
        wanted: &str,
        shape: &ShapeIr,
        doc: Vec<String>,
        role: StructRole,
    ) -> String {
        let name = self.fresh(wanted.to_owned());
        self.lower_struct(name, shape, doc, role)
    }

    fn lower_struct(
        &mut self,
        name: String,
        shape: &ShapeIr,
        doc: Vec<String>,
        role: StructRole,
    ) -> String {
        let position = self.items.len();
        // Reserve the place so that the parent precedes its parts in the output.
        self.items.push(Item::Struct(StructDef {
            name: name.clone(),
            doc: Vec::new(),
            fields: Vec::new(),
            role,
            required_inside: Vec::new(),
        }));
        let part_role = if self.callback() {
            StructRole::CallbackPart
        } else {
            StructRole::RequestPart
        };
        let mut fields = Vec::new();
        for field in &shape.fields {
            if field.forbidden && !self.callback() {
                continue;
            }
            let ty = self.field_type(&name, field, part_role);
            fields.push(StructField {
                json_name: field.name.clone(),
                rust_name: field_name(&field.name),
                ty,
                optional: self.callback() || !field.required || field.signature,
                signature: field.signature,
                doc: field_doc(field),
            });
        }
        dedupe_rust_names(&mut fields);
        self.items[position] = Item::Struct(StructDef {
            name: name.clone(),
            doc,
            fields,
            role,
            required_inside: Vec::new(),
        });
        name
    }

    fn field_type(&mut self, parent: &str, field: &ShapeField, part_role: StructRole) -> RustType {
        let lenient_int =
            field.also.contains(&FieldType::String) || field.also.contains(&FieldType::Integer);
        match &field.kind {
            ShapeKind::Object(_) if let Some(object) = self.object_type_name(field) => {
                let named = RustType::Named(object);
                if field.also.contains(&FieldType::String) {
                    RustType::ObjectOrString(Box::new(named))
                } else {
                    named
                }
            }
            ShapeKind::Object(shape) => {
                let doc = {
                    let mut d = field_doc(field);
                    if d.is_empty() {
                        d.push(format!("The `{}` object.", field.name));
                    }
                    d
                };
                let name = format!("{parent}{}", pascal(&field.name));
                let named = RustType::Named(self.object(&name, shape, doc, part_role));
                if field.also.contains(&FieldType::String) {
                    RustType::ObjectOrString(Box::new(named))
                } else {
                    named
                }
            }
            ShapeKind::FreeObject => RustType::Map,
            ShapeKind::JsonObject(_) if self.callback() => RustType::String,
            ShapeKind::JsonObject(_) => RustType::Format(Format::JsonString),
            ShapeKind::Any => RustType::Value,
            ShapeKind::Array(item) => {
                let element =
                    self.field_type(&format!("{parent}{}", pascal(&field.name)), item, part_role);
                RustType::Vec(Box::new(element))
            }
            ShapeKind::Boolean if field.also.is_empty() => RustType::Bool,
            ShapeKind::Boolean => RustType::Value,
            ShapeKind::Integer if lenient_int => RustType::IntOrString,
            ShapeKind::Integer if field.format == Some(Format::AmountMinor) => RustType::U64,
            ShapeKind::Integer
                if !field.enum_values.is_empty() || field.format == Some(Format::Indicator) =>
            {
                RustType::I64
            }
            ShapeKind::Integer => RustType::I64,
            ShapeKind::String if lenient_int => RustType::IntOrString,
            ShapeKind::String => self.string_type(parent, field),
        }
    }

    /// The name of the type of the spec object `field` holds, if it holds one.
    fn object_type_name(&self, field: &ShapeField) -> Option<String> {
        let object = field.object.as_deref()?;
        self.types.get(self.role, object).map(|t| t.name.clone())
    }

    fn string_type(&mut self, parent: &str, field: &ShapeField) -> RustType {
        let strings = |values: &[Scalar]| -> Option<Vec<String>> {
            values
                .iter()
                .map(|v| match v {
                    Scalar::String(s) => Some(s.clone()),
                    _ => None,
                })
                .collect()
        };
        // Callbacks keep values as the platform sends them: enums are open, formats unchecked
        // at deserialization (validators still report them).
        let (values, open) = if self.callback() {
            let mut all = field.known_values.clone();
            all.extend(field.enum_values.iter().cloned());
            (all, true)
        } else if !field.enum_values.is_empty() {
            (field.enum_values.clone(), false)
        } else {
            (field.known_values.clone(), true)
        };
        if let Some(list) = strings(&values).filter(|l| !l.is_empty()) {
            let mut doc = field_doc(field);
            if doc.is_empty() {
                doc.push(format!("Values of `{}`.", field.name));
            }
            let name = self.fresh(format!("{parent}{}", pascal(&field.name)));
            let mut variants: Vec<EnumVariant> = Vec::new();
            for json in list {
                if variants.iter().any(|v| v.json == json) {
                    continue;
                }
                let mut ident = pascal(&json);
                while variants.iter().any(|v| v.ident == ident) || ident == "Unknown" {
                    ident.push('_');
                }
                variants.push(EnumVariant { json, ident });
            }
            self.items.push(Item::Enum(EnumDef {
                name: name.clone(),
                doc,
                variants,
                open,
            }));
            return RustType::Named(name);
        }
        match field.format {
            Some(Format::AmountMinor) => RustType::IntOrString,
            Some(format) if !self.callback() => RustType::Format(format),
            _ => RustType::String,
        }
    }
}

/// The members an operation requires inside the objects of its body, at any depth of objects
/// (not inside arrays or JSON text), the signature aside (`sign()` sets it).
fn required_inside(shape: &ShapeIr) -> Vec<RequiredMember> {
    fn walk(shape: &ShapeIr, rust: &[String], json: &str, out: &mut Vec<RequiredMember>) {
        for field in &shape.fields {
            let rust_path: Vec<String> = rust
                .iter()
                .cloned()
                .chain([field_name(&field.name)])
                .collect();
            let json_path = format!("{json}.{}", field.name);
            if field.required && !field.signature {
                out.push(RequiredMember {
                    rust_path: rust_path.clone(),
                    json_path: json_path.clone(),
                });
            }
            if let (ShapeKind::Object(inner), true) = (&field.kind, field.also.is_empty()) {
                walk(inner, &rust_path, &json_path, out);
            }
        }
    }
    let mut out = Vec::new();
    for field in &shape.fields {
        if let (ShapeKind::Object(inner), true) = (&field.kind, field.also.is_empty()) {
            walk(inner, &[field_name(&field.name)], &field.name, &mut out);
        }
    }
    out
}

fn field_doc(field: &ShapeField) -> Vec<String> {
    let mut lines = field.doc.rustdoc_lines();
    let mut facts = Vec::new();
    if let Some(format) = field.format {
        facts.push(format!("format `{}`", format.name()));
    }
    if field.minimum.is_some() || field.maximum.is_some() {
        facts.push(format!(
            "range {}..={}",
            field.minimum.map_or(String::new(), |m| m.to_string()),
            field.maximum.map_or(String::new(), |m| m.to_string())
        ));
    }
    if field.required {
        facts.push("required".into());
    }
    if !facts.is_empty() {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push(format!("Rules: {}.", facts.join(", ")));
    }
    lines
}

/// `type` and `type_` cannot both exist; suffix later duplicates.
fn dedupe_rust_names(fields: &mut [StructField]) {
    let mut seen = BTreeSet::new();
    for field in fields {
        let mut name = field.rust_name.clone();
        while !seen.insert(name.clone()) {
            name.push('_');
        }
        field.rust_name = name;
    }
}
