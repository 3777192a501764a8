//! The type space: one type per spec object and role, named after the object, which every
//! emitter reads (the Rust types and the exported schemas' definitions alike).
//!
//! A spec object (`customer`, `general`, `sum`) is one type wherever an operation uses it. Its
//! fields are the object's definition in `common.yaml`, with the types written there, plus every
//! field an operation adds to it; all are optional, because what an operation requires,
//! forbids or narrows (a format, a shorter list of values) is that operation's rule, checked by
//! its validator and stated by its schema, not a second type. So an object's type never
//! depends on which operations use it, or in which order: adding an operation, a payment method
//! or an optional field to one operation's object renames, retypes and moves nothing that
//! exists (`spec/README.md`, "Evolution").
//!
//! Two roles, two types: in requests (`shared::Customer`, schema `Customer`) the definition's
//! formats are types and its values a closed enum; in callbacks (`callback::CallbackCustomer`,
//! schema `CallbackCustomer`) integers may also arrive as strings and values stay open, as the
//! platform prints them.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::FieldType;
use crate::resolve::SpecIndex;

use super::body::ShapeBuilder;
use super::naming::pascal;
use super::{Doc, IrError, MethodIr, ShapeField, ShapeIr, ShapeKind};
use crate::model::Interface;

/// Where a spec object's type is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// In request bodies and Payment Page parameters.
    Request,
    /// In callbacks.
    Callback,
}

impl Role {
    /// The role of an operation's objects: callbacks', or requests' for the other interfaces.
    pub fn of(interface: Interface) -> Role {
        match interface {
            Interface::Callback => Role::Callback,
            Interface::Gate | Interface::PaymentPage => Role::Request,
        }
    }
}

/// The type of one spec object in one role.
#[derive(Clone, Debug)]
pub struct ObjectType {
    /// The spec's name (`customer`).
    pub object: String,
    /// The Rust type's and the schema definition's name (`Customer`, `CallbackCustomer`).
    pub name: String,
    pub doc: Doc,
    /// Every field the definition has and any operation adds; none required.
    pub shape: ShapeIr,
    /// The payment methods whose operations use it (requests).
    pub methods: BTreeSet<String>,
}

/// Every spec object's type, per role, in the order `common.yaml` defines the objects.
#[derive(Clone, Debug, Default)]
pub struct TypeSpace {
    pub requests: Vec<ObjectType>,
    pub callbacks: Vec<ObjectType>,
}

impl TypeSpace {
    /// The types of a role.
    pub fn of(&self, role: Role) -> &[ObjectType] {
        match role {
            Role::Request => &self.requests,
            Role::Callback => &self.callbacks,
        }
    }

    /// The type of `object` in `role`.
    pub fn get(&self, role: Role, object: &str) -> Option<&ObjectType> {
        self.of(role).iter().find(|t| t.object == object)
    }
}

/// The name of a spec object's type in a role: `Customer`; `CallbackCustomer` in callbacks
/// (`CallbackPayment` for `callback_payment`, which already says so).
pub fn type_name(role: Role, object: &str) -> String {
    let name = pascal(object);
    match role {
        Role::Callback if !name.starts_with("Callback") => format!("Callback{name}"),
        _ => name,
    }
}

/// Builds the type space from the operations of every method and the callback's shape.
pub(crate) fn build(
    index: &SpecIndex<'_>,
    methods: &[MethodIr],
    callback: &ShapeIr,
) -> Result<TypeSpace, IrError> {
    let mut request_uses: Vec<(String, &ShapeIr, &str)> = Vec::new();
    for method in methods {
        for op in &method.operations {
            if op.interface == Interface::Callback {
                continue;
            }
            uses(&op.typed, &method.id, &mut request_uses);
        }
    }
    let mut callback_uses = Vec::new();
    uses(callback, "", &mut callback_uses);
    Ok(TypeSpace {
        requests: types(index, Role::Request, &request_uses)?,
        callbacks: types(index, Role::Callback, &callback_uses)?,
    })
}

/// Every object of a spec object in `shape`, at any depth, with the method that uses it.
fn uses<'s>(shape: &'s ShapeIr, method: &'s str, out: &mut Vec<(String, &'s ShapeIr, &'s str)>) {
    for field in &shape.fields {
        field_uses(field, method, out);
    }
}

fn field_uses<'s>(
    field: &'s ShapeField,
    method: &'s str,
    out: &mut Vec<(String, &'s ShapeIr, &'s str)>,
) {
    match &field.kind {
        ShapeKind::Object(inner) => {
            if let Some(object) = &field.object {
                out.push((object.clone(), inner, method));
            }
            uses(inner, method, out);
        }
        ShapeKind::JsonObject(inner) => uses(inner, method, out),
        ShapeKind::Array(item) => field_uses(item, method, out),
        _ => {}
    }
}

fn types(
    index: &SpecIndex<'_>,
    role: Role,
    uses: &[(String, &ShapeIr, &str)],
) -> Result<Vec<ObjectType>, IrError> {
    let builder = ShapeBuilder {
        index,
        lenient_integers: role == Role::Callback,
    };
    let mut by_object: BTreeMap<&str, Vec<(&ShapeIr, &str)>> = BTreeMap::new();
    for (object, shape, method) in uses {
        by_object
            .entry(object.as_str())
            .or_default()
            .push((shape, method));
    }
    let mut out = Vec::new();
    for (name, (spec, _)) in &index.objects {
        let Some(uses) = by_object.get(name) else {
            continue;
        };
        let ShapeKind::Object(mut shape) = builder.shared(name, &mut Vec::new())? else {
            return Err(IrError::new(format!("`{name}` is not an object")));
        };
        for (used, _) in uses {
            absorb(&mut shape, used);
        }
        relax(&mut shape);
        out.push(ObjectType {
            object: (*name).to_owned(),
            name: type_name(role, name),
            doc: Doc {
                description: spec.description.clone(),
                original: spec.original.clone(),
            },
            shape,
            methods: uses
                .iter()
                .map(|(_, m)| (*m).to_owned())
                .filter(|m| !m.is_empty())
                .collect(),
        });
    }
    Ok(out)
}

/// Adds to a type's shape what one use of its object has beyond it: fields an operation added,
/// and wire types it also accepts. A field whose kind a use changed to another becomes any value
/// (one type must hold both).
fn absorb(into: &mut ShapeIr, used: &ShapeIr) {
    for field in &used.fields {
        let Some(mine) = into.field_mut(&field.name) else {
            into.fields.push(field.clone());
            continue;
        };
        absorb_field(mine, field);
    }
}

fn absorb_field(mine: &mut ShapeField, theirs: &ShapeField) {
    if mine.object.is_some() && mine.object == theirs.object {
        // Its own object's type absorbs this use.
        return;
    }
    match (&mut mine.kind, &theirs.kind) {
        (ShapeKind::Object(a), ShapeKind::Object(b))
        | (ShapeKind::JsonObject(a), ShapeKind::JsonObject(b)) => absorb(a, b),
        (ShapeKind::Array(a), ShapeKind::Array(b)) => absorb_field(a, b),
        // A free object, any value, or JSON text already holds whatever a use declares in it.
        (ShapeKind::FreeObject | ShapeKind::Any, _) => {}
        (ShapeKind::String, ShapeKind::JsonObject(_)) => {}
        (a, b) if scalar_type(a).is_some() && scalar_type(b).is_some() => {
            let extra = std::iter::once(scalar_type(b))
                .flatten()
                .chain(theirs.also.iter().copied());
            let own = scalar_type(a);
            for ty in extra {
                if Some(ty) != own && !mine.also.contains(&ty) {
                    mine.also.push(ty);
                }
            }
            widen_rules(mine, theirs);
        }
        _ => {
            mine.kind = ShapeKind::Any;
            mine.object = None;
            mine.format = None;
            mine.enum_values.clear();
            mine.also.clear();
        }
    }
}

/// What the type of a field shared by several uses keeps of their rules: what they all allow.
fn widen_rules(mine: &mut ShapeField, theirs: &ShapeField) {
    if theirs.enum_values.is_empty() {
        mine.enum_values.clear();
    } else if !mine.enum_values.is_empty() {
        for value in &theirs.enum_values {
            if !mine.enum_values.contains(value) {
                mine.enum_values.push(value.clone());
            }
        }
    }
    for value in &theirs.known_values {
        if !mine.known_values.contains(value) {
            mine.known_values.push(value.clone());
        }
    }
    if mine.format != theirs.format {
        mine.format = None;
    }
    if mine.minimum != theirs.minimum {
        mine.minimum = None;
    }
    if mine.maximum != theirs.maximum {
        mine.maximum = None;
    }
    if mine.min_length != theirs.min_length {
        mine.min_length = None;
    }
    if mine.max_length != theirs.max_length {
        mine.max_length = None;
    }
}

fn scalar_type(kind: &ShapeKind) -> Option<FieldType> {
    match kind {
        ShapeKind::String => Some(FieldType::String),
        ShapeKind::Integer => Some(FieldType::Integer),
        ShapeKind::Boolean => Some(FieldType::Boolean),
        _ => None,
    }
}

/// Nothing is required in an object's type: each operation says what it requires.
fn relax(shape: &mut ShapeIr) {
    for field in &mut shape.fields {
        field.required = false;
        field.forbidden = false;
        match &mut field.kind {
            ShapeKind::Object(inner) | ShapeKind::JsonObject(inner) => relax(inner),
            ShapeKind::Array(item) => {
                if let ShapeKind::Object(inner) = &mut item.kind {
                    relax(inner);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_types_say_so_once() {
        assert_eq!(type_name(Role::Request, "customer"), "Customer");
        assert_eq!(type_name(Role::Callback, "customer"), "CallbackCustomer");
        assert_eq!(
            type_name(Role::Callback, "callback_payment"),
            "CallbackPayment"
        );
    }
}
