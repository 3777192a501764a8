//! The resolved spec, which the checks and the IR builder both read: lookup tables over all spec
//! files, and resolution of field paths within an operation.

#[cfg(feature = "checks")]
use std::collections::HashMap;

use indexmap::IndexMap;

use crate::load::{LoadedFile, LoadedSpec};
use crate::model::{Example, FactSpec, FieldSpec, Located, ObjectSpec, Operation};
// The field path resolver is the checks'.
#[cfg(feature = "checks")]
use crate::model::{FieldType, Variant};

/// Everything named in the spec, with the file it was written in.
pub(crate) struct SpecIndex<'a> {
    pub objects: IndexMap<&'a str, (&'a Located<ObjectSpec>, &'a LoadedFile)>,
    pub facts: IndexMap<&'a str, (&'a Located<FactSpec>, &'a LoadedFile)>,
    pub operations: IndexMap<&'a str, (&'a Located<Operation>, &'a LoadedFile)>,
    pub examples: IndexMap<&'a str, (&'a Located<Example>, &'a LoadedFile)>,
}

impl<'a> SpecIndex<'a> {
    /// Builds the index; the first definition of a name wins (duplicates are reported by the
    /// structure check).
    pub(crate) fn new(spec: &'a LoadedSpec) -> Self {
        let mut index = SpecIndex {
            objects: IndexMap::new(),
            facts: IndexMap::new(),
            operations: IndexMap::new(),
            examples: IndexMap::new(),
        };
        for file in &spec.files {
            for (name, object) in &file.content.objects {
                index.objects.entry(name.as_str()).or_insert((object, file));
            }
            for fact in &file.content.facts {
                index.facts.entry(fact.id.as_str()).or_insert((fact, file));
            }
            for operation in &file.content.operations {
                index
                    .operations
                    .entry(operation.id.as_str())
                    .or_insert((operation, file));
            }
            for example in &file.content.examples {
                index
                    .examples
                    .entry(example.id.as_str())
                    .or_insert((example, file));
            }
        }
        index
    }

    pub(crate) fn object_fields(
        &self,
        name: &str,
    ) -> Option<&'a IndexMap<String, Located<FieldSpec>>> {
        self.objects.get(name).map(|(object, _)| &object.fields)
    }
}

/// One step of a field path: a key, and whether it steps into the elements of an array (`x[]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Segment<'p> {
    pub key: &'p str,
    pub into_items: bool,
}

pub(crate) fn segments(path: &str) -> Vec<Segment<'_>> {
    path.split('.')
        .map(|part| match part.strip_suffix("[]") {
            Some(key) => Segment {
                key,
                into_items: true,
            },
            None => Segment {
                key: part,
                into_items: false,
            },
        })
        .collect()
}

/// What a path names within an operation's body.
#[cfg(feature = "checks")]
#[derive(Clone, Copy, Debug)]
pub(crate) enum Resolved<'a> {
    /// A declared field.
    Field(&'a FieldSpec),
    /// A Gate body's top-level object (`general`, `customer`...).
    SharedObject,
    /// Somewhere inside a free-form object (`type: any`, or an object without declared fields).
    FreeForm,
}

/// Where fields can be looked up next.
#[cfg(feature = "checks")]
#[derive(Clone, Copy)]
enum Container<'a> {
    Body,
    Fields(&'a IndexMap<String, Located<FieldSpec>>),
    /// A scalar: nothing below it.
    Leaf,
    FreeForm,
}

/// Resolves field paths in one operation (and optionally one of its variants): the body's shared
/// objects plus fields the operation's params add.
#[cfg(feature = "checks")]
pub(crate) struct BodyResolver<'a> {
    index: &'a SpecIndex<'a>,
    operation: &'a Operation,
    added: HashMap<String, &'a FieldSpec>,
}

#[cfg(feature = "checks")]
impl<'a> BodyResolver<'a> {
    pub(crate) fn new(
        index: &'a SpecIndex<'a>,
        operation: &'a Operation,
        variant: Option<&'a Variant>,
    ) -> Self {
        let params = operation
            .params
            .iter()
            .chain(variant.into_iter().flat_map(|v| v.params.iter()));
        let added = params
            .filter(|param| param.ty.is_some())
            .filter_map(|param| Some((normalize_path(param.path.as_ref()?), &param.value)))
            .collect();
        BodyResolver {
            index,
            operation,
            added,
        }
    }

    /// Resolves `path`; `Err` carries the longest prefix that names nothing.
    pub(crate) fn resolve(&self, path: &str) -> Result<Resolved<'a>, String> {
        let mut container = Container::Body;
        let mut walked = String::new();
        let mut resolved = Resolved::FreeForm;
        for segment in segments(path) {
            if !walked.is_empty() {
                walked.push('.');
            }
            walked.push_str(segment.key);
            let field = if let Some(field) = self.added.get(walked.as_str()) {
                *field
            } else {
                match container {
                    Container::FreeForm => return Ok(Resolved::FreeForm),
                    Container::Leaf => return Err(walked),
                    Container::Fields(fields) => match fields.get(segment.key) {
                        Some(field) => &field.value,
                        None => return Err(walked),
                    },
                    Container::Body => match self.body_lookup(segment.key) {
                        Some(BodyEntry::Field(field)) => field,
                        Some(BodyEntry::Object(fields)) if !segment.into_items => {
                            container = Container::Fields(fields);
                            resolved = Resolved::SharedObject;
                            continue;
                        }
                        Some(BodyEntry::Object(_)) | None => return Err(walked),
                    },
                }
            };
            let mut element = field;
            if segment.into_items {
                walked.push_str("[]");
                match (field.ty, &field.items) {
                    (Some(FieldType::Array), Some(items)) => element = items,
                    (Some(FieldType::Array), None) => return Ok(Resolved::FreeForm),
                    _ => return Err(walked),
                }
            }
            container = self.container_of(element);
            resolved = Resolved::Field(element);
        }
        Ok(resolved)
    }

    /// The operation's top-level keys: a root object's fields, or Gate objects by name.
    fn body_lookup(&self, key: &str) -> Option<BodyEntry<'a>> {
        match &self.operation.root {
            Some(root) => self
                .index
                .object_fields(root)?
                .get(key)
                .map(|field| BodyEntry::Field(&field.value)),
            None if self.operation.objects.iter().any(|o| o == key) => {
                self.index.object_fields(key).map(BodyEntry::Object)
            }
            None => None,
        }
    }

    fn container_of(&self, field: &'a FieldSpec) -> Container<'a> {
        if let Some(fields) = &field.fields {
            return Container::Fields(fields);
        }
        if let Some(object) = &field.object {
            return self
                .index
                .object_fields(object)
                .map_or(Container::FreeForm, Container::Fields);
        }
        match field.ty {
            Some(FieldType::Object) | Some(FieldType::Any) | None => Container::FreeForm,
            // Params may describe the JSON a `json_string` holds.
            Some(FieldType::String) if field.format == Some(crate::model::Format::JsonString) => {
                Container::FreeForm
            }
            _ => Container::Leaf,
        }
    }
}

#[cfg(feature = "checks")]
enum BodyEntry<'a> {
    Field(&'a FieldSpec),
    Object(&'a IndexMap<String, Located<FieldSpec>>),
}

/// Writes array indices as `[]`: `a.b[3].c` and `a.b.3.c` are not used; paths in the spec are
/// `a.b[].c`.
pub fn normalize_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '[' {
            out.push('[');
            for d in chars.by_ref() {
                if d == ']' {
                    break;
                }
            }
            out.push(']');
        } else {
            out.push(c);
        }
    }
    out
}
