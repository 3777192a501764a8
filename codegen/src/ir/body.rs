//! Operation bodies: the shape of the payload (fields with their types, formats and
//! requirements, as this operation uses them) and the rules across fields.

use indexmap::IndexMap;

use crate::model::{
    FieldSpec, FieldType, Format, Located, Predicate, Requirement, RuleKind, RuleSpec, Scalar,
};
use crate::resolve::{SpecIndex, segments};

use super::{Doc, IrError};

/// The fields of one object in a payload.
#[derive(Clone, Debug, PartialEq)]
pub struct ShapeIr {
    /// The fields the spec declares; other keys are allowed everywhere (the documents allow
    /// any other parameter of the platform's specification).
    pub fields: Vec<ShapeField>,
}

/// What a field holds on the wire.
#[derive(Clone, Debug, PartialEq)]
pub enum ShapeKind {
    /// Text.
    String,
    /// A whole number.
    Integer,
    /// `true` or `false`.
    Boolean,
    /// Any JSON value (the documents do not say).
    Any,
    /// An object with the fields the spec declares.
    Object(ShapeIr),
    /// An object whose keys the documents do not list (`redirect_data.body`).
    FreeObject,
    /// An array whose items are this field's shape (named as the array).
    Array(Box<ShapeField>),
    /// A string holding JSON whose content has this shape (`payment_methods_options`).
    JsonObject(ShapeIr),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ShapeField {
    pub name: String,
    pub kind: ShapeKind,
    /// Wire types accepted besides the kind.
    pub also: Vec<FieldType>,
    pub required: bool,
    pub forbidden: bool,
    pub format: Option<Format>,
    pub enum_values: Vec<Scalar>,
    pub known_values: Vec<Scalar>,
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    pub min_length: Option<u32>,
    pub max_length: Option<u32>,
    pub signature: bool,
    pub doc: Doc,
    /// The spec object this field's object is (`customer`), where it is one: its identity in
    /// the type space, whatever the operation does to it.
    pub object: Option<String>,
}

impl ShapeIr {
    /// The declared field named `name`.
    pub fn field(&self, name: &str) -> Option<&ShapeField> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The declared field named `name`, to change.
    pub(crate) fn field_mut(&mut self, name: &str) -> Option<&mut ShapeField> {
        self.fields.iter_mut().find(|f| f.name == name)
    }

    /// The field at a dot-separated path (no arrays).
    pub fn at_path(&self, path: &str) -> Option<&ShapeField> {
        let mut shape = self;
        let mut found = None;
        for key in path.split('.') {
            let field = shape.field(key)?;
            found = Some(field);
            if let ShapeKind::Object(inner) | ShapeKind::JsonObject(inner) = &field.kind {
                shape = inner;
            }
        }
        found
    }

    /// Union of two shapes of the same payload (variants): a field is required or forbidden
    /// only where both say so.
    pub fn union(&self, other: &ShapeIr) -> ShapeIr {
        let mut fields: Vec<ShapeField> = Vec::new();
        for field in &self.fields {
            match other.field(&field.name) {
                Some(theirs) => {
                    let mut merged = field.clone();
                    merged.required = field.required && theirs.required;
                    merged.forbidden = field.forbidden && theirs.forbidden;
                    match (&field.kind, &theirs.kind) {
                        (ShapeKind::Object(a), ShapeKind::Object(b)) => {
                            merged.kind = ShapeKind::Object(a.union(b))
                        }
                        (ShapeKind::JsonObject(a), ShapeKind::JsonObject(b)) => {
                            merged.kind = ShapeKind::JsonObject(a.union(b))
                        }
                        _ => {}
                    }
                    fields.push(merged);
                }
                None => fields.push(ShapeField {
                    required: false,
                    forbidden: false,
                    ..field.clone()
                }),
            }
        }
        for field in &other.fields {
            if self.field(&field.name).is_none() {
                fields.push(ShapeField {
                    required: false,
                    forbidden: false,
                    ..field.clone()
                });
            }
        }
        ShapeIr { fields }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum PredicateIr {
    Fact(String),
    Equals {
        field: String,
        pointer: Option<String>,
        value: Scalar,
    },
    In {
        field: String,
        pointer: Option<String>,
        values: Vec<Scalar>,
    },
    Present {
        field: String,
        present: bool,
    },
    All(Vec<PredicateIr>),
    Any(Vec<PredicateIr>),
    Not(Box<PredicateIr>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum RuleIr {
    OneOf {
        group: String,
        fields: Vec<String>,
    },
    RequiredIf {
        field: String,
        when: PredicateIr,
    },
    Requires {
        field: String,
        requires: Vec<String>,
    },
    MustDifferFrom {
        field: String,
        other: String,
    },
    AllowedValuesIf {
        field: String,
        when: PredicateIr,
        values: Vec<Scalar>,
    },
    Forbidden {
        field: String,
        when: Option<PredicateIr>,
    },
    CurrencyIn {
        field: String,
        currencies: Vec<String>,
    },
    WholeUnits {
        amount: String,
        currency: String,
        currencies: Vec<String>,
    },
    CurrencyCountry {
        currency: String,
        currency_value: String,
        country: String,
        country_value: String,
    },
    AmountLimit {
        amount: String,
        currency: String,
        currency_value: Option<String>,
        min: Option<i64>,
        max: Option<i64>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct BodyIr {
    pub shape: ShapeIr,
    pub rules: Vec<RuleIr>,
}

/// Builds shapes from shared objects, guarding against objects that contain themselves.
pub(crate) struct ShapeBuilder<'a> {
    pub index: &'a SpecIndex<'a>,
    /// Integers also accepted as strings of digits: in callbacks (the platform prints them both
    /// ways) and in Payment Page parameters (they travel as URL text).
    pub lenient_integers: bool,
}

impl ShapeBuilder<'_> {
    pub(crate) fn object(
        &self,
        fields: &IndexMap<String, Located<FieldSpec>>,
        stack: &mut Vec<String>,
    ) -> Result<ShapeIr, IrError> {
        let mut out = Vec::with_capacity(fields.len());
        for (name, spec) in fields {
            out.push(self.field(name, spec, stack)?);
        }
        Ok(ShapeIr { fields: out })
    }

    pub(crate) fn field(
        &self,
        name: &str,
        spec: &FieldSpec,
        stack: &mut Vec<String>,
    ) -> Result<ShapeField, IrError> {
        let kind = self.kind(name, spec, stack)?;
        let mut also = spec.accepts.clone();
        if self.lenient_integers && kind == ShapeKind::Integer && !also.contains(&FieldType::String)
        {
            // Callbacks print integers (project_id, amounts, ids) as numbers in one message and
            // as strings in another; Payment Page parameters end up as URL text (the card payout
            // example prints "project_id": "91348"). The signature cannot tell them apart.
            also.push(FieldType::String);
        }
        Ok(ShapeField {
            name: name.to_owned(),
            kind,
            also,
            required: spec.requirement == Some(Requirement::Required),
            forbidden: spec.requirement == Some(Requirement::Forbidden),
            format: spec.format,
            enum_values: spec.enum_values.clone().unwrap_or_default(),
            known_values: spec.known_values.clone().unwrap_or_default(),
            minimum: spec.minimum,
            maximum: spec.maximum,
            min_length: spec.min_length,
            max_length: spec.max_length,
            signature: spec.signature,
            doc: Doc::of(spec),
            object: kind_object(spec).filter(|_| spec.fields.is_none()),
        })
    }

    fn kind(
        &self,
        name: &str,
        spec: &FieldSpec,
        stack: &mut Vec<String>,
    ) -> Result<ShapeKind, IrError> {
        Ok(match spec.ty.unwrap_or(FieldType::Any) {
            FieldType::String => ShapeKind::String,
            FieldType::Integer => ShapeKind::Integer,
            FieldType::Boolean => ShapeKind::Boolean,
            FieldType::Any => ShapeKind::Any,
            FieldType::Array => match &spec.items {
                Some(items) => ShapeKind::Array(Box::new(self.field("[]", items, stack)?)),
                None => ShapeKind::Array(Box::new(any_field("[]"))),
            },
            FieldType::Object => {
                if let Some(fields) = &spec.fields {
                    ShapeKind::Object(self.object(fields, stack)?)
                } else if let Some(object) = &spec.object {
                    self.shared(object, stack)?
                } else {
                    let _ = name;
                    ShapeKind::FreeObject
                }
            }
        })
    }

    pub(crate) fn shared(
        &self,
        object: &str,
        stack: &mut Vec<String>,
    ) -> Result<ShapeKind, IrError> {
        if stack.iter().any(|s| s == object) {
            return Err(IrError::new(format!(
                "shared object `{object}` contains itself ({} -> {object})",
                stack.join(" -> ")
            )));
        }
        let fields = self
            .index
            .object_fields(object)
            .ok_or_else(|| IrError::new(format!("unknown shared object `{object}`")))?;
        stack.push(object.to_owned());
        let shape = self.object(fields, stack);
        stack.pop();
        Ok(ShapeKind::Object(shape?))
    }
}

fn any_field(name: &str) -> ShapeField {
    ShapeField {
        name: name.to_owned(),
        kind: ShapeKind::Any,
        also: Vec::new(),
        required: false,
        forbidden: false,
        format: None,
        enum_values: Vec::new(),
        known_values: Vec::new(),
        minimum: None,
        maximum: None,
        min_length: None,
        max_length: None,
        signature: false,
        doc: Doc::default(),
        object: None,
    }
}

/// The spec object a field of type object refers to.
fn kind_object(spec: &FieldSpec) -> Option<String> {
    match spec.ty {
        Some(FieldType::Object) => spec.object.clone(),
        _ => None,
    }
}

/// Applies one param of an operation to its shape: requirement, operation-specific type
/// details and wording; fields the shared objects lack are added.
pub(crate) fn apply_param(
    builder: &ShapeBuilder<'_>,
    shape: &mut ShapeIr,
    param: &FieldSpec,
) -> Result<(), IrError> {
    let Some(path) = &param.path else {
        return Err(IrError::new("an operation param has no `path`"));
    };
    let segs = segments(path);
    let requirement = param.requirement_or_default();
    let mut current = shape;
    for (i, segment) in segs.iter().enumerate() {
        let last = i + 1 == segs.len() && !segment.into_items;
        if current.field(segment.key).is_none() {
            if param.ty.is_none() || !last {
                return Err(IrError::new(format!(
                    "param `{path}`: `{}` is not declared",
                    segment.key
                )));
            }
            current
                .fields
                .push(builder.field(segment.key, param, &mut Vec::new())?);
        }
        if last && requirement == Requirement::Omitted {
            // The operation does not take it: it leaves the shape (and the type).
            current.fields.retain(|f| f.name != segment.key);
            return Ok(());
        }
        let field = current.field_mut(segment.key).ok_or_else(|| {
            IrError::new(format!("param `{path}`: `{}` is not declared", segment.key))
        })?;
        if last {
            overlay(builder, field, param)?;
            field.required = requirement == Requirement::Required;
            field.forbidden = requirement == Requirement::Forbidden;
            return Ok(());
        }
        if requirement == Requirement::Required && !segment.into_items {
            // A required member makes its object required.
            field.required = true;
        }
        let mut target = field;
        if segment.into_items {
            target = match &mut target.kind {
                ShapeKind::Array(items) => items,
                _ => {
                    return Err(IrError::new(format!(
                        "param `{path}`: `{}` is not an array",
                        segment.key
                    )));
                }
            };
            if i + 1 == segs.len() {
                overlay(builder, target, param)?;
                return Ok(());
            }
        }
        if matches!(target.kind, ShapeKind::FreeObject | ShapeKind::Any) {
            // Declaring a member of a free-form object gives it a shape; other keys stay allowed.
            target.kind = ShapeKind::Object(ShapeIr { fields: Vec::new() });
        }
        if target.kind == ShapeKind::String && target.format == Some(Format::JsonString) {
            // Declaring a member of a JSON string describes the JSON it holds.
            target.kind = ShapeKind::JsonObject(ShapeIr { fields: Vec::new() });
        }
        current = match &mut target.kind {
            ShapeKind::Object(inner) | ShapeKind::JsonObject(inner) => inner,
            _ => {
                return Err(IrError::new(format!(
                    "param `{path}`: `{}` is not an object",
                    segment.key
                )));
            }
        };
    }
    Ok(())
}

/// Type details a param states override the shared definition.
fn overlay(
    builder: &ShapeBuilder<'_>,
    field: &mut ShapeField,
    param: &FieldSpec,
) -> Result<(), IrError> {
    if param.ty.is_some() {
        let fresh = builder.field(&field.name, param, &mut Vec::new())?;
        let still_object = matches!(
            (&field.kind, &fresh.kind),
            (ShapeKind::Object(_), ShapeKind::Object(_))
        );
        field.object = fresh
            .object
            .or(field.object.take().filter(|_| still_object));
        field.kind = fresh.kind;
        field.also = fresh.also;
    }
    if !param.accepts.is_empty() {
        field.also = param.accepts.clone();
    }
    if param.format.is_some() {
        field.format = param.format;
    }
    if let Some(values) = &param.enum_values {
        field.enum_values = values.clone();
    }
    let ty = match field.kind {
        ShapeKind::String | ShapeKind::JsonObject(_) => Some(FieldType::String),
        ShapeKind::Integer => Some(FieldType::Integer),
        ShapeKind::Boolean => Some(FieldType::Boolean),
        _ => None,
    };
    if let Some(ty) = ty {
        for value in field
            .enum_values
            .iter()
            .chain(param.known_values.iter().flatten())
        {
            if let Some(problem) = ty.mismatch(value) {
                return Err(IrError::new(format!("param `{}`: {problem}", field.name)));
            }
        }
    }
    if let Some(values) = &param.known_values {
        field.known_values = values.clone();
    }
    field.minimum = param.minimum.or(field.minimum);
    field.maximum = param.maximum.or(field.maximum);
    field.min_length = param.min_length.or(field.min_length);
    field.max_length = param.max_length.or(field.max_length);
    field.doc = field.doc.overlaid(&Doc::of(param));
    Ok(())
}

pub(crate) fn rule(spec: &RuleSpec) -> Result<RuleIr, IrError> {
    let field = || {
        spec.field
            .clone()
            .ok_or_else(|| IrError::new(format!("rule `{}` needs `field`", spec.kind.as_str())))
    };
    let when = || {
        spec.when
            .as_ref()
            .map(predicate)
            .transpose()?
            .ok_or_else(|| IrError::new(format!("rule `{}` needs `when`", spec.kind.as_str())))
    };
    Ok(match spec.kind {
        RuleKind::OneOf => RuleIr::OneOf {
            group: spec.group.clone().unwrap_or_default(),
            fields: spec.fields.clone(),
        },
        RuleKind::RequiredIf => RuleIr::RequiredIf {
            field: field()?,
            when: when()?,
        },
        RuleKind::Requires => RuleIr::Requires {
            field: field()?,
            requires: spec.requires.clone(),
        },
        RuleKind::MustDifferFrom => RuleIr::MustDifferFrom {
            field: field()?,
            other: spec
                .other
                .clone()
                .ok_or_else(|| IrError::new("rule `must_differ_from` needs `other`"))?,
        },
        RuleKind::AllowedValuesIf => RuleIr::AllowedValuesIf {
            field: field()?,
            when: when()?,
            values: spec.values.clone(),
        },
        RuleKind::Forbidden => RuleIr::Forbidden {
            field: field()?,
            when: spec.when.as_ref().map(predicate).transpose()?,
        },
    })
}

pub(crate) fn predicate(p: &Predicate) -> Result<PredicateIr, IrError> {
    if let Some(fact) = &p.fact {
        return Ok(PredicateIr::Fact(fact.clone()));
    }
    if let Some(all) = &p.all {
        return Ok(PredicateIr::All(
            all.iter().map(predicate).collect::<Result<_, _>>()?,
        ));
    }
    if let Some(any) = &p.any {
        return Ok(PredicateIr::Any(
            any.iter().map(predicate).collect::<Result<_, _>>()?,
        ));
    }
    if let Some(not) = &p.not {
        return Ok(PredicateIr::Not(Box::new(predicate(not)?)));
    }
    let field = p
        .field
        .clone()
        .ok_or_else(|| IrError::new("a predicate needs `fact`, `field`, `all`, `any` or `not`"))?;
    let pointer = p.json_pointer.clone();
    if let Some(value) = &p.equals {
        return Ok(PredicateIr::Equals {
            field,
            pointer,
            value: value.clone(),
        });
    }
    if let Some(values) = &p.in_values {
        return Ok(PredicateIr::In {
            field,
            pointer,
            values: values.clone(),
        });
    }
    if let Some(present) = p.present {
        return Ok(PredicateIr::Present { field, present });
    }
    Err(IrError::new(format!(
        "the predicate on `{field}` needs `equals`, `in` or `present`"
    )))
}
