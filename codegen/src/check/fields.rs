//! The shape of field definitions: keys that fit their type, and formats that fit their type.

use crate::diagnostics::Diagnostics;
use indexmap::IndexMap;

use crate::model::{FieldSpec, FieldType, Format, Located, Position, Requirement};

use crate::resolve::SpecIndex;

/// Where a field definition stands, which decides the keys it may carry.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    SharedObject,
    Param,
}

pub(super) fn check_all_objects(index: &SpecIndex<'_>, out: &mut Diagnostics) {
    for (object_name, (object, file)) in &index.objects {
        for (field_name, field) in &object.fields {
            let label = format!("{object_name}.{field_name}");
            check_field(
                index,
                &label,
                field,
                field.at,
                Place::SharedObject,
                &file.display_name,
                out,
            );
        }
    }
}

/// Checks one field definition and, recursively, its inline fields and items.
pub(super) fn check_field(
    index: &SpecIndex<'_>,
    label: &str,
    field: &FieldSpec,
    at: Position,
    place: Place,
    file: &str,
    out: &mut Diagnostics,
) {
    let mut error = |message: String| out.error(file, at, format!("`{label}`: {message}"));
    match place {
        Place::SharedObject => {
            if field.path.is_some() {
                error("`path` belongs to operation params, not to shared objects".into());
            }
            if field.group.is_some() {
                error("`group` belongs to operation params, not to shared objects".into());
            }
            if field.ty.is_none() {
                error("a field of a shared object needs `type`".into());
            }
            if field.description.is_none() {
                error("a field of a shared object needs an English `description`".into());
            }
        }
        Place::Param => {
            if field.path.is_none() {
                error("an operation param needs `path`".into());
            }
            if field.requirement.is_none() {
                error("an operation param needs `requirement`".into());
            }
            if field.group.is_some() && field.requirement != Some(Requirement::OneOf) {
                error("`group` is only for `requirement: one_of`".into());
            }
            if field.requirement == Some(Requirement::OneOf) && field.group.is_none() {
                error("`requirement: one_of` needs the `group` it belongs to".into());
            }
            if field.requirement == Some(Requirement::Omitted) && field.ty.is_some() {
                error(
                    "`requirement: omitted` leaves out a field of the shared object; it cannot add one (`type`)"
                        .into(),
                );
            }
        }
    }
    let ty = field.ty;
    if field.object.is_some() && ty != Some(FieldType::Object) {
        error("`object` needs `type: object`".into());
    }
    if field.fields.is_some() && ty != Some(FieldType::Object) {
        error("`fields` needs `type: object`".into());
    }
    if field.fields.is_some() && field.object.is_some() {
        error("give either `object` (a shared object) or `fields` (inline), not both".into());
    }
    if field.items.is_some() && ty != Some(FieldType::Array) {
        error("`items` needs `type: array`".into());
    }
    if let Some(object) = &field.object
        && !index.objects.contains_key(object.as_str())
    {
        error(format!("unknown shared object `{object}`"));
    }
    if let Some(ty) = ty {
        for value in field
            .enum_values
            .iter()
            .chain(field.known_values.iter())
            .flatten()
        {
            if let Some(problem) = ty.mismatch(value) {
                error(problem);
            }
        }
    }
    if field.excludes.is_some() && (place != Place::Param || field.enum_values.is_none()) {
        error(
            "`excludes` goes beside the `enum` of an operation param that narrows a shared one"
                .into(),
        );
    }
    if field.enum_values.is_some() && field.known_values.is_some() {
        error("give either `enum` (closed) or `known_values` (open), not both".into());
    }
    if let (Some(min), Some(max)) = (field.minimum, field.maximum)
        && min > max
    {
        error(format!("`minimum` {min} is greater than `maximum` {max}"));
    }
    if let (Some(min), Some(max)) = (field.min_length, field.max_length)
        && min > max
    {
        error(format!(
            "`min_length` {min} is greater than `max_length` {max}"
        ));
    }
    if (field.minimum.is_some() || field.maximum.is_some())
        && !matches!(ty, Some(FieldType::Integer) | None)
    {
        error("`minimum`/`maximum` apply to integers".into());
    }
    if let (Some(format), Some(ty)) = (field.format, ty) {
        let fits = match format {
            Format::AmountMinor => ty == FieldType::Integer,
            Format::Indicator => matches!(ty, FieldType::Integer | FieldType::String),
            _ => ty == FieldType::String,
        };
        if !fits {
            error(format!(
                "format `{}` does not apply to `type: {}`",
                format.name(),
                ty.as_str()
            ));
        }
    }
    if field.accepts.contains(&FieldType::Object) || field.accepts.contains(&FieldType::Array) {
        error("`accepts` lists scalar wire types (string, integer, boolean)".into());
    }
    if let Some(fields) = &field.fields {
        check_members(index, label, fields, file, out);
    }
    if let Some(items) = &field.items {
        if items.ty.is_none() {
            out.error(file, at, format!("`{label}[]`: `items` needs `type`"));
        } else if let Some(fields) = &items.fields {
            check_members(index, &format!("{label}[]"), fields, file, out);
        }
    }
}

/// Inline members of an object or of array elements are definitions, wherever the object sits
/// (in a shared object or in an operation's param).
fn check_members(
    index: &SpecIndex<'_>,
    prefix: &str,
    fields: &IndexMap<String, Located<FieldSpec>>,
    file: &str,
    out: &mut Diagnostics,
) {
    for (name, child) in fields {
        let label = format!("{prefix}.{name}");
        check_field(
            index,
            &label,
            child,
            child.at,
            Place::SharedObject,
            file,
            out,
        );
    }
}
