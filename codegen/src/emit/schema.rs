//! JSON Schemas (draft 2020-12) for every Gate request, Payment Page operation and callback,
//! carrying the same rules as the Rust validators, plus `index.json`.
//!
//! Formats are patterns (`[0-9]`, never `\d`; no `format` keyword, which validators treat
//! differently). One rule has no JSON Schema form: `must_differ_from` compares two values, so it
//! is stated in a `$comment` and enforced by the Rust validator only.
//!
//! Integers are bounded to what the Rust validator accepts (`i64::MIN` to `u64::MAX`; `i64` for
//! booleans sent as integers), so `1e30` and integers beyond 64 bits are refused by both. What a
//! JSON Schema cannot say: to it a number with a zero fraction is an integer, so `1.0` and `1e3`
//! (within the bounds) are integers, while the Rust validator, which reads numbers as
//! `serde_json` does, refuses them as not integers. The README lists these.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::ir::naming::pascal;
use crate::ir::objects::{Role, TypeSpace};
use crate::ir::{BodyIr, Ir, OperationIr, PredicateIr, RuleIr, ShapeField, ShapeIr, ShapeKind};
use crate::model::{FieldType, Format, Interface, Scalar};

/// One exported schema file.
#[derive(Clone, Debug, PartialEq)]
pub struct SchemaFile {
    /// `OPERATION_ID.json`.
    pub file_name: String,
    /// The operation's JSON Schema (draft 2020-12).
    pub schema: Value,
}

/// The `$schema` of every exported schema.
pub const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// Every schema, in document order, and the index.
pub fn emit(ir: &Ir) -> (Vec<SchemaFile>, Value) {
    let mut files = Vec::new();
    let mut callbacks = Vec::new();
    let mut index = Vec::new();
    let mut used = Vec::new();
    let definitions = Definitions::new(&ir.types);
    for method in &ir.methods {
        for op in &method.operations {
            let file_name = format!("{}.json", op.id);
            index.push(index_entry(op, &file_name));
            let cx = Shapes::new(&ir.types, Role::of(op.interface), Some(&definitions));
            files.push(SchemaFile {
                file_name,
                schema: operation_schema(&cx, op),
            });
            used.push(cx);
            callbacks.push(op.interface == Interface::Callback);
        }
    }
    let reserved: BTreeSet<String> = [Role::Request, Role::Callback]
        .iter()
        .flat_map(|role| ir.types.of(*role).iter().map(|t| t.name.clone()))
        .collect();
    super::defs::share(&mut files, &callbacks, &reserved);
    for (file, cx) in files.iter_mut().zip(&used) {
        cx.insert_definitions(&definitions, &mut file.schema);
    }
    super::signable::define(&mut files);
    let index = json!({
        "description": "Exported JSON Schemas (draft 2020-12) of the ecommpay spec, one per operation.",
        "schemas": index,
    });
    (files, index)
}

fn index_entry(op: &OperationIr, file_name: &str) -> Value {
    let mut entry = Map::new();
    entry.insert("operation".into(), op.id.clone().into());
    entry.insert("interface".into(), op.interface.as_str().into());
    // What it does to payments (`purchase`, `refund`, ... `report`), as the spec declares it.
    entry.insert("action".into(), op.action.as_str().into());
    entry.insert("payment_method".into(), op.method.clone().into());
    match op.interface {
        Interface::Gate => {
            entry.insert(
                "http_method".into(),
                op.http_method.unwrap_or("POST").into(),
            );
            entry.insert("path".into(), op.path.clone().unwrap_or_default().into());
        }
        Interface::PaymentPage => {
            entry.insert(
                "mode".into(),
                op.mode.map_or("purchase", |m| m.platform_value()).into(),
            );
        }
        Interface::Callback => {
            entry.insert("reports_on".into(), op.reports_on.clone().into());
        }
    }
    let direction = if op.interface == Interface::Callback {
        "callback"
    } else {
        "request"
    };
    entry.insert("direction".into(), direction.into());
    entry.insert("title".into(), op.title.clone().into());
    entry.insert("file".into(), file_name.into());
    Value::Object(entry)
}

/// The type space's definitions, each written once per role: its schema, and the definitions
/// it refers to (each file that uses one gets those too).
struct Definitions {
    written: BTreeMap<(Role, String), (Value, BTreeSet<String>)>,
}

impl Definitions {
    fn new(types: &TypeSpace) -> Self {
        let mut written = BTreeMap::new();
        for role in [Role::Request, Role::Callback] {
            for ty in types.of(role) {
                let cx = Shapes::new(types, role, None);
                let mut definition = Map::new();
                definition.insert("title".into(), ty.name.clone().into());
                let description = ty.doc.lines().join("\n");
                if !description.is_empty() {
                    definition.insert("description".into(), description.into());
                }
                merge(&mut definition, object_schema(&cx, &ty.shape));
                written.insert(
                    (role, ty.name.clone()),
                    (Value::Object(definition), cx.used.into_inner()),
                );
            }
        }
        Definitions { written }
    }

    /// The schema a type gives one of its fields, descriptions left out.
    fn property(&self, role: Role, name: &str, field: &str) -> Option<Value> {
        let (definition, _) = self.written.get(&(role, name.to_owned()))?;
        definition["properties"]
            .get(field)
            .map(without_descriptions)
    }
}

/// Schemas of shapes, with the type space's objects as references to their definitions.
struct Shapes<'t> {
    types: &'t TypeSpace,
    role: Role,
    /// The definitions referenced so far.
    used: RefCell<BTreeSet<String>>,
    /// The written definitions, to narrow a use against; `None` while writing them, where an
    /// object inside is a plain reference.
    definitions: Option<&'t Definitions>,
}

impl<'t> Shapes<'t> {
    fn new(types: &'t TypeSpace, role: Role, definitions: Option<&'t Definitions>) -> Self {
        Shapes {
            types,
            role,
            used: RefCell::new(BTreeSet::new()),
            definitions,
        }
    }

    /// The schema of a field holding a spec object: a reference to its type's definition, and
    /// what this use requires or narrows beside it (`allOf`), where it does.
    fn object_reference(&self, shape: &ShapeIr, object: &str) -> Option<Value> {
        let ty = self.types.get(self.role, object)?;
        self.used.borrow_mut().insert(ty.name.clone());
        let reference = json!({"$ref": format!("{}{}", super::defs::DEFS_POINTER, ty.name)});
        let Some(definitions) = self.definitions else {
            return Some(reference);
        };
        Some(match self.narrowing(shape, &ty.name, definitions) {
            None => reference,
            Some(narrowing) => json!({"allOf": [reference, narrowing]}),
        })
    }

    /// What a use of an object requires or narrows beyond its type: its required members, each
    /// property whose schema refines the type's, and the branches of a type's union it excludes.
    ///
    /// Shaped for generic tools as well as validators: a required member is declared (`{}`, as
    /// Ajv's strict mode asks), and an exclusion is a `not` on the object, not a property, so that
    /// generators that merge `allOf` properties keep the type's (they cannot merge a union with
    /// one of its members) and validators give the same verdict.
    fn narrowing(&self, used: &ShapeIr, ty: &str, definitions: &Definitions) -> Option<Value> {
        let mut required = Vec::new();
        let mut properties = Map::new();
        let mut excluded = Vec::new();
        for field in &used.fields {
            let name = field.name.clone();
            if field.required && !field.forbidden {
                required.push(Value::from(name.clone()));
            }
            let mine = if field.forbidden {
                Value::Bool(false)
            } else {
                without_descriptions(&field_schema(self, field))
            };
            let theirs = definitions.property(self.role, ty, &field.name);
            if theirs.as_ref() == Some(&mine) {
                if field.required && !field.forbidden {
                    properties.insert(name, json!({}));
                }
                continue;
            }
            match theirs.as_ref().and_then(|t| excluded_branches(t, &mine)) {
                Some(branches) => {
                    excluded.push(json!({"properties": {&name: branches}, "required": [&name]}));
                    if field.required {
                        properties.insert(name, json!({}));
                    }
                }
                None => {
                    properties.insert(name, mine);
                }
            }
        }
        if required.is_empty() && properties.is_empty() && excluded.is_empty() {
            return None;
        }
        let mut narrowing = Map::new();
        narrowing.insert("type".into(), "object".into());
        if !properties.is_empty() {
            narrowing.insert("properties".into(), Value::Object(properties));
        }
        if !required.is_empty() {
            narrowing.insert("required".into(), required.into());
        }
        match excluded.len() {
            0 => {}
            1 => {
                narrowing.insert("not".into(), excluded.remove(0));
            }
            _ => {
                narrowing.insert("not".into(), json!({"anyOf": excluded}));
            }
        }
        Some(Value::Object(narrowing))
    }

    /// Puts the definitions the file references (and those they reference) in its `$defs`,
    /// beside the shared definitions already there.
    fn insert_definitions(&self, definitions: &Definitions, schema: &mut Value) {
        let mut written: BTreeMap<String, Value> = BTreeMap::new();
        let mut pending: Vec<String> = self.used.borrow().iter().cloned().collect();
        while let Some(name) = pending.pop() {
            if written.contains_key(&name) {
                continue;
            }
            let Some((definition, refers_to)) = definitions.written.get(&(self.role, name.clone()))
            else {
                continue;
            };
            pending.extend(refers_to.iter().cloned());
            written.insert(name, definition.clone());
        }
        if written.is_empty() {
            return;
        }
        let Value::Object(root) = schema else { return };
        let defs = root
            .entry("$defs")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(defs) = defs {
            defs.extend(written);
            defs.sort_keys();
        }
    }
}

/// The branches of the type's `anyOf` that a use leaves out (a Gate integer where the Payment
/// Page also takes its text), as one schema; `None` where the use is not such a subset.
fn excluded_branches(theirs: &Value, mine: &Value) -> Option<Value> {
    let branches = theirs.get("anyOf")?.as_array()?;
    if theirs.as_object()?.len() != 1 {
        return None;
    }
    let kept: Vec<&Value> = match mine.get("anyOf").and_then(Value::as_array) {
        Some(kept) if mine.as_object()?.len() == 1 => kept.iter().collect(),
        _ => vec![mine],
    };
    if !kept.iter().all(|branch| branches.contains(branch)) {
        return None;
    }
    let mut excluded: Vec<Value> = branches
        .iter()
        .filter(|branch| !kept.contains(branch))
        .cloned()
        .collect();
    match excluded.len() {
        0 => None,
        1 => Some(excluded.remove(0)),
        _ => Some(json!({"anyOf": excluded})),
    }
}

/// A schema without its `description`s: what its verdict depends on.
fn without_descriptions(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, v)| !(k.as_str() == "description" && v.is_string()))
                .map(|(k, v)| (k.clone(), without_descriptions(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_descriptions).collect()),
        other => other.clone(),
    }
}

fn operation_schema(cx: &Shapes<'_>, op: &OperationIr) -> Value {
    let mut schema = Map::new();
    schema.insert("$schema".into(), DRAFT.into());
    schema.insert(
        "$id".into(),
        format!("urn:ecommpay:schema:{}", op.id).into(),
    );
    // The title names the type code generators make of the schema (`PaypalSaleRequest`); the
    // human title leads the description.
    let name = type_title(op);
    schema.insert("title".into(), name.clone().into());
    let heading = format!("{} ({})", op.title, op.id);
    let description = op.doc.lines().join("\n");
    let description = if description.is_empty() {
        heading
    } else {
        format!("{heading}\n\n{description}")
    };
    schema.insert("description".into(), description.into());
    if op.variants.is_empty() {
        merge(&mut schema, body_schema(cx, &op.body));
    } else {
        schema.insert("type".into(), "object".into());
        let variants: Vec<Value> = op
            .variants
            .iter()
            .map(|v| {
                let mut branch = Map::new();
                branch.insert("title".into(), format!("{name}{}", pascal(&v.id)).into());
                branch.insert(
                    "description".into(),
                    format!("{}: {}", v.id, v.title).into(),
                );
                merge(&mut branch, body_schema(cx, &v.body));
                Value::Object(branch)
            })
            .collect();
        // Variants the payload tells apart are alternatives (`oneOf`); where it cannot (UPI's
        // channels depend on the project's set-up), a payload may satisfy several (`anyOf`).
        // Both agree with the Rust validator, which asks for at least one.
        let keyword = if variants_exclusive(op) {
            "oneOf"
        } else {
            "anyOf"
        };
        schema.insert(keyword.into(), variants.into());
    }
    Value::Object(schema)
}

/// The name a code generator gives the schema's type: the payment method and the Rust type
/// (`PaypalSaleRequest`), or for callbacks, which share the type name `Callback`, the method and
/// what the callback reports (`PaypalPaymentCallback`).
pub(crate) fn type_title(op: &OperationIr) -> String {
    let method = pascal(&op.method);
    match op.interface {
        Interface::Callback => {
            let what = op.id.rsplit('.').next().unwrap_or_default();
            format!("{method}{}Callback", pascal(what))
        }
        Interface::PaymentPage => format!("{method}PaymentPage{}", op.type_name),
        Interface::Gate => format!("{method}{}", op.type_name),
    }
}

/// Whether every two variants differ in a top-level field one requires and the other forbids,
/// so that no payload satisfies both.
pub(crate) fn variants_exclusive(op: &OperationIr) -> bool {
    let bodies: Vec<&ShapeIr> = op.variants.iter().map(|v| &v.body.shape).collect();
    bodies.iter().enumerate().all(|(i, a)| {
        bodies.iter().skip(i + 1).all(|b| {
            a.fields.iter().any(|fa| {
                b.field(&fa.name).is_some_and(|fb| {
                    (fa.required && fb.forbidden) || (fa.forbidden && fb.required)
                })
            })
        })
    })
}

fn merge(into: &mut Map<String, Value>, from: Value) {
    if let Value::Object(map) = from {
        into.extend(map);
    }
}

fn body_schema(cx: &Shapes<'_>, body: &BodyIr) -> Value {
    let mut schema = object_schema(cx, &body.shape);
    let rules: Vec<Value> = body.rules.iter().map(rule_schema).collect();
    if !rules.is_empty()
        && let Value::Object(map) = &mut schema
    {
        map.insert("allOf".into(), rules.into());
    }
    schema
}

fn object_schema(cx: &Shapes<'_>, shape: &ShapeIr) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for field in &shape.fields {
        if field.required && !field.forbidden {
            required.push(Value::from(field.name.clone()));
        }
        let schema = if field.forbidden {
            Value::Bool(false)
        } else {
            field_schema(cx, field)
        };
        properties.insert(field.name.clone(), schema);
    }
    let mut schema = Map::new();
    schema.insert("type".into(), "object".into());
    schema.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        schema.insert("required".into(), required.into());
    }
    super::signable::other_keys(&mut schema);
    Value::Object(schema)
}

fn field_schema(cx: &Shapes<'_>, field: &ShapeField) -> Value {
    let accepts = |t: FieldType| field.also.contains(&t);
    let reference = match (&field.kind, &field.object) {
        (ShapeKind::Object(shape), Some(object)) => cx.object_reference(shape, object),
        _ => None,
    };
    let mut schema = match &field.kind {
        ShapeKind::Object(_) if let Some(reference) = reference => reference,
        ShapeKind::Object(shape) => object_schema(cx, shape),
        ShapeKind::FreeObject => {
            let mut object = Map::from_iter([("type".into(), "object".into())]);
            super::signable::other_keys(&mut object);
            Value::Object(object)
        }
        ShapeKind::Any => super::signable::any_value(),
        ShapeKind::Array(item) => json!({"type": "array", "items": field_schema(cx, item)}),
        // The content is an annotation in 2020-12: validators do not parse strings.
        ShapeKind::JsonObject(shape) => json!({
            "type": "string",
            "contentMediaType": "application/json",
            "contentSchema": object_schema(cx, shape)
        }),
        ShapeKind::Integer if accepts(FieldType::String) => {
            // An amount sent as a string is non-negative too, as the validator checks it.
            let digits = match field.format {
                Some(Format::AmountMinor) => "^[0-9]+$",
                _ => "^-?[0-9]+$",
            };
            json!({"anyOf": [{"type": "integer"}, {"type": "string", "pattern": digits}]})
        }
        ShapeKind::Integer => json!({"type": "integer"}),
        ShapeKind::String if accepts(FieldType::Integer) => json!({"type": ["string", "integer"]}),
        ShapeKind::String => json!({"type": "string"}),
        ShapeKind::Boolean => {
            let mut types = vec![Value::from("boolean")];
            if accepts(FieldType::Integer) {
                types.push("integer".into());
            }
            if accepts(FieldType::String) {
                types.push("string".into());
            }
            if types.len() == 1 {
                json!({"type": "boolean"})
            } else {
                json!({"type": types})
            }
        }
    };
    if matches!(
        field.kind,
        ShapeKind::Object(_) | ShapeKind::FreeObject | ShapeKind::Array(_)
    ) && accepts(FieldType::String)
    {
        // Also accepted encoded in a string (Payment Page `recurring`).
        schema = json!({"anyOf": [schema, {"type": "string"}]});
    }
    let Value::Object(map) = &mut schema else {
        return schema;
    };
    let description = field.doc.lines().join("\n");
    if !description.is_empty() {
        map.insert("description".into(), description.into());
    }
    match (field.format, &field.kind) {
        (Some(Format::AmountMinor), ShapeKind::Integer) => {
            map.insert("minimum".into(), 0.into());
        }
        (Some(Format::Indicator), ShapeKind::Integer) => {
            map.insert("enum".into(), json!([0, 1]));
        }
        (Some(Format::JsonString), ShapeKind::String) => {
            map.insert("contentMediaType".into(), "application/json".into());
        }
        (Some(format), ShapeKind::String | ShapeKind::Integer) => {
            if let Some(pattern) = format.pattern() {
                map.insert("pattern".into(), pattern.into());
            }
        }
        _ => {}
    }
    if !field.enum_values.is_empty() {
        map.insert(
            "enum".into(),
            field.enum_values.iter().map(Scalar::to_json).collect(),
        );
    }
    if let Some(min) = field.minimum {
        map.insert("minimum".into(), min.into());
    }
    if let Some(max) = field.maximum {
        map.insert("maximum".into(), max.into());
    }
    if let Some(min) = field.min_length {
        map.insert("minLength".into(), min.into());
    }
    if let Some(max) = field.max_length {
        map.insert("maxLength".into(), max.into());
    }
    // Integers within what the Rust validator reads: 64 bits (`i64` for booleans sent as
    // integers), unless the field is bounded tighter. They apply to numbers only, and move into
    // the integer branch below.
    if field.kind == ShapeKind::Integer || accepts(FieldType::Integer) {
        let maximum = if field.kind == ShapeKind::Boolean {
            Value::from(i64::MAX)
        } else {
            Value::from(u64::MAX)
        };
        map.entry("minimum").or_insert(Value::from(i64::MIN));
        map.entry("maximum").or_insert(maximum);
    }
    typed_keywords(&mut schema);
    schema
}

/// The JSON type each type-specific keyword constrains.
fn keyword_type(keyword: &str) -> Option<&'static str> {
    match keyword {
        "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf" => {
            Some("number")
        }
        "pattern" | "minLength" | "maxLength" => Some("string"),
        "properties" | "required" => Some("object"),
        "items" => Some("array"),
        _ => None,
    }
}

/// Puts every type-specific keyword beside the `type` it applies to, as strict consumers (Ajv's
/// `strictTypes`) ask: a list of types becomes an `anyOf` of one type each, and a keyword beside
/// an `anyOf` of typed branches moves into the branches of its type. The meaning is the same: a
/// keyword constrains only values of its type, and a branch of another type rejects those.
fn typed_keywords(schema: &mut Value) {
    let Value::Object(map) = schema else {
        return;
    };
    if let Some(Value::Array(types)) = map.get("type").cloned()
        && !map.contains_key("anyOf")
    {
        map.remove("type");
        let branches: Vec<Value> = types.into_iter().map(|t| json!({"type": t})).collect();
        map.insert("anyOf".into(), branches.into());
    }
    if map.contains_key("type") {
        return;
    }
    let moving: Vec<String> = map
        .keys()
        .filter(|k| keyword_type(k).is_some())
        .cloned()
        .collect();
    if moving.is_empty() {
        return;
    }
    let Some(Value::Array(mut branches)) = map.remove("anyOf") else {
        return;
    };
    for keyword in moving {
        let value = map.remove(&keyword).unwrap_or(Value::Null);
        let wanted = keyword_type(&keyword).unwrap_or_default();
        for branch in &mut branches {
            if let Value::Object(b) = branch {
                let t = b.get("type").and_then(Value::as_str).unwrap_or_default();
                let applies = t == wanted || (wanted == "number" && t == "integer");
                if applies && !b.contains_key(&keyword) {
                    b.insert(keyword.clone(), value.clone());
                }
            }
        }
    }
    map.insert("anyOf".into(), branches.into());
}

/// A constraint on numbers at a place whose type the rule does not know: numbers must satisfy
/// it, other values are left to the field's schema (as the bare keywords would).
fn numeric(bounds: Map<String, Value>) -> Value {
    let mut number = Map::new();
    number.insert("type".into(), "number".into());
    number.extend(bounds);
    json!({"anyOf": [Value::Object(number), {"not": {"type": "number"}}]})
}

/// `{"properties": {a: {"properties": {b: leaf}}}}`, optionally requiring every step.
fn at_path(path: &str, leaf: Value, require: bool) -> Value {
    let keys: Vec<&str> = path.split('.').collect();
    let mut schema = leaf;
    for key in keys.iter().rev() {
        let mut map = Map::new();
        let mut properties = Map::new();
        properties.insert((*key).to_owned(), schema);
        // Strict consumers ask for the type beside `properties`. Every step of a rule's path is
        // an object in the operation's schema, so saying so changes no verdict; the one that may
        // also be a string (Payment Page `recurring`, JSON-encoded) appears only in `if`/`then`
        // rules whose condition and consequence both go through it: a string used to satisfy
        // both, now it satisfies neither, and the rule passes either way.
        map.insert("type".into(), "object".into());
        map.insert("properties".into(), Value::Object(properties));
        if require {
            map.insert("required".into(), json!([key]));
        }
        schema = Value::Object(map);
    }
    schema
}

fn present(path: &str) -> Value {
    at_path(path, json!(true), true)
}

fn absent(path: &str) -> Value {
    json!({"not": present(path)})
}

fn values(list: &[Scalar]) -> Value {
    list.iter().map(Scalar::to_json).collect()
}

/// A leaf test, looking inside a JSON string when there is a pointer. JSON Schema cannot parse
/// a string, so a one-key pointer becomes a pattern over the string's text, allowing JSON's
/// whitespace (space, tab, line feed, carriage return) around the colon as the validator's
/// parser does. What a pattern cannot follow (the key written with `\u` escapes, or nested
/// deeper than the pointer) is the Rust validator's alone.
fn leaf_test(pointer: Option<&str>, allowed: &[Scalar]) -> Value {
    match pointer {
        None => json!({"enum": values(allowed)}),
        Some(pointer) => {
            let key = pointer.trim_start_matches('/');
            let alternatives: Vec<String> = allowed
                .iter()
                .map(|s| match s {
                    Scalar::String(v) => format!("\"{}\"", regex_escape(v)),
                    other => regex_escape(&other.canonical_text()),
                })
                .collect();
            json!({
                "type": "string",
                "pattern": format!(
                    "\"{}\"[ \\t\\n\\r]*:[ \\t\\n\\r]*({})",
                    regex_escape(key),
                    alternatives.join("|")
                )
            })
        }
    }
}

fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn predicate_schema(p: &PredicateIr) -> Value {
    match p {
        // No facts are known to a schema: a condition on a fact does not hold.
        PredicateIr::Fact(_) => Value::Bool(false),
        PredicateIr::Equals {
            field,
            pointer,
            value,
        } => at_path(
            field,
            leaf_test(pointer.as_deref(), std::slice::from_ref(value)),
            true,
        ),
        PredicateIr::In {
            field,
            pointer,
            values,
        } => at_path(field, leaf_test(pointer.as_deref(), values), true),
        PredicateIr::Present {
            field,
            present: true,
        } => present(field),
        PredicateIr::Present {
            field,
            present: false,
        } => absent(field),
        PredicateIr::All(all) => {
            json!({"allOf": all.iter().map(predicate_schema).collect::<Vec<_>>()})
        }
        PredicateIr::Any(any) => {
            json!({"anyOf": any.iter().map(predicate_schema).collect::<Vec<_>>()})
        }
        PredicateIr::Not(inner) => json!({"not": predicate_schema(inner)}),
    }
}

fn rule_schema(rule: &RuleIr) -> Value {
    match rule {
        RuleIr::OneOf { group, fields } => json!({
            "$comment": format!("one-of group `{group}`: at least one of {}", fields.join(", ")),
            "anyOf": fields.iter().map(|f| present(f)).collect::<Vec<_>>()
        }),
        RuleIr::RequiredIf { field, when } => json!({
            "$comment": format!("required_if: {field}"),
            "if": predicate_schema(when),
            "then": present(field)
        }),
        RuleIr::Requires { field, requires } => json!({
            "$comment": format!("{field} requires {}", requires.join(", ")),
            "if": present(field),
            "then": match requires.as_slice() {
                [one] => present(one),
                many => json!({"allOf": many.iter().map(|r| present(r)).collect::<Vec<_>>()}),
            }
        }),
        RuleIr::MustDifferFrom { field, other } => json!({
            "$comment": format!("{field} must differ from {other}: not expressible in JSON Schema, enforced by the Rust validator")
        }),
        RuleIr::AllowedValuesIf {
            field,
            when,
            values: allowed,
        } => json!({
            "$comment": format!("allowed_values_if: {field}"),
            "if": {"allOf": [predicate_schema(when), present(field)]},
            "then": at_path(field, json!({"enum": values(allowed)}), false)
        }),
        RuleIr::Forbidden { field, when: None } => json!({
            "$comment": format!("forbidden: {field}"),
            "not": present(field)
        }),
        RuleIr::Forbidden {
            field,
            when: Some(when),
        } => json!({
            "$comment": format!("forbidden: {field}"),
            "if": predicate_schema(when),
            "then": absent(field)
        }),
        // Stated as a condition on the field's presence, which means the same as a bare path
        // schema (a path that is absent is not constrained): a bare `properties` beside the
        // root's would be merged into it by model generators (datamodel-code-generator), which
        // then lose the root's `required` of the path's first step.
        RuleIr::CurrencyIn { field, currencies } => json!({
            "$comment": "currencies of the payment method",
            "if": present(field),
            "then": at_path(field, json!({"enum": currencies}), false)
        }),
        RuleIr::WholeUnits {
            amount,
            currency,
            currencies,
        } => json!({
            "$comment": format!("no minor units in {}", currencies.join(", ")),
            "if": at_path(currency, json!({"enum": currencies}), true),
            "then": at_path(amount, numeric(json!({"multipleOf": 100}).as_object().cloned().unwrap_or_default()), false)
        }),
        RuleIr::CurrencyCountry {
            currency,
            currency_value,
            country,
            country_value,
        } => json!({
            "$comment": format!("{currency_value} only for customers in {country_value}"),
            "if": at_path(currency, json!({"const": currency_value}), true),
            "then": at_path(country, json!({"const": country_value}), true)
        }),
        RuleIr::AmountLimit {
            amount,
            currency,
            currency_value,
            min,
            max,
        } => {
            let mut bounds = Map::new();
            if let Some(min) = min {
                bounds.insert("minimum".into(), (*min).into());
            }
            if let Some(max) = max {
                bounds.insert("maximum".into(), (*max).into());
            }
            let condition = match currency_value {
                Some(c) => at_path(currency, json!({"const": c}), true),
                None => json!(true),
            };
            json!({
                "$comment": "amount limits of the payment method",
                "if": condition,
                "then": at_path(amount, numeric(bounds), false)
            })
        }
    }
}
