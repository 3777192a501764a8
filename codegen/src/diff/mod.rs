//! The semantic diff of two specs: every change to what users see, classified by direction
//! (Gate request, Payment Page parameters, callback) as breaking or compatible for users of the
//! crate and of the schemas. The rules are the evolution rules of `spec/README.md`.
//!
//! It compares the IRs (the resolved shapes and rules), not the YAML, so that a moved or
//! reworded definition is no change, and it runs no checks: a new spec whose examples no longer
//! satisfy it still diffs (that is `check`'s business). Beside the semantics it compares the
//! public surface generated from each (`surface`): a type renamed, moved or retyped breaks
//! users' code whatever the payloads allow.

mod surface;

use std::collections::BTreeSet;
use std::fmt;

use serde_json::{Value, json};

use crate::ir::{BodyIr, Ir, OperationIr, ShapeField, ShapeIr, ShapeKind};
use crate::model::{FieldType, Interface, Scalar};

/// Whether a change breaks users.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Code or payloads valid before may stop compiling or validating.
    Breaking,
    /// Nothing valid before becomes invalid.
    Compatible,
}

impl Severity {
    /// `breaking` or `compatible`, as the text and JSON output write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Breaking => "breaking",
            Severity::Compatible => "compatible",
        }
    }
}

/// Which way the data goes, which decides what is breaking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Direction {
    /// A Gate request a merchant sends.
    GateRequest,
    /// The Payment Page parameters a merchant signs.
    PaymentPage,
    /// A callback the platform sends a merchant.
    Callback,
    /// The generated crate's public items (types, fields, variants, methods).
    RustApi,
    /// The exported JSON Schemas' definition names.
    Schemas,
}

impl Direction {
    fn of(interface: Interface) -> Self {
        match interface {
            Interface::Gate => Direction::GateRequest,
            Interface::PaymentPage => Direction::PaymentPage,
            Interface::Callback => Direction::Callback,
        }
    }

    /// The direction as the text and JSON output write it (`gate request`).
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::GateRequest => "gate request",
            Direction::PaymentPage => "payment page",
            Direction::Callback => "callback",
            Direction::RustApi => "rust api",
            Direction::Schemas => "schemas",
        }
    }

    /// Requests and parameter sets are what users send: narrowing them breaks users.
    fn sent_by_users(self) -> bool {
        matches!(self, Direction::GateRequest | Direction::PaymentPage)
    }
}

/// One semantic change.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// Whether it breaks users.
    pub severity: Severity,
    /// What it is a change of, which decides the severity.
    pub direction: Direction,
    /// The operation id (`astropay.gate.sale`), or `callback` for the typed callback.
    pub operation: String,
    /// The field's path (`customer.phone`), empty for the operation itself.
    pub path: String,
    /// What changed, in words (`required -> optional`).
    pub change: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:<10}  {:<12}  {}",
            self.severity.as_str(),
            self.direction.as_str(),
            self.operation
        )?;
        if !self.path.is_empty() {
            write!(f, "  {}", self.path)?;
        }
        write!(f, ": {}", self.change)
    }
}

/// Every change from `old` to `new`, breaking ones first.
pub(crate) fn diff(old: &Ir, new: &Ir) -> Vec<Change> {
    let mut out = Changes::default();
    let operations = |ir: &Ir| -> Vec<OperationIr> {
        ir.methods
            .iter()
            .flat_map(|m| m.operations.iter().cloned())
            .collect()
    };
    let (old_ops, new_ops) = (operations(old), operations(new));
    for op in &new_ops {
        let direction = Direction::of(op.interface);
        match old_ops.iter().find(|o| o.id == op.id) {
            None => out.push(Severity::Compatible, direction, &op.id, "", "new operation"),
            Some(before) => operation(&mut out, before, op),
        }
    }
    for op in old_ops
        .iter()
        .filter(|o| !new_ops.iter().any(|n| n.id == o.id))
    {
        out.push(
            Severity::Breaking,
            Direction::of(op.interface),
            &op.id,
            "",
            "operation removed",
        );
    }
    // The typed `Callback` covers every callback: what its fields and values are.
    shape(
        &mut out,
        &Context {
            direction: Direction::Callback,
            operation: "callback",
        },
        &old.callback,
        &new.callback,
        "",
    );
    public_surface(&mut out, old, new);
    let mut changes = out.0;
    changes.sort();
    changes.dedup();
    changes
}

/// What users' code meets: the generated Rust items and the schemas' definition names.
fn public_surface(out: &mut Changes, old: &Ir, new: &Ir) {
    let rust =
        |ir: &Ir| crate::emit::rust::emit(ir).and_then(|files| surface::RustSurface::of(&files));
    match (rust(old), rust(new)) {
        (Ok(before), Ok(after)) => surface::rust(out, &before, &after),
        (Err(e), _) | (_, Err(e)) => out.push(
            Severity::Breaking,
            Direction::RustApi,
            "",
            "",
            format!("the generated Rust cannot be compared: {e}"),
        ),
    }
    #[cfg(feature = "schemas")]
    {
        let names = |ir: &Ir| surface::schema_names(&crate::emit::schema::emit(ir).0);
        surface::schemas(out, &names(old), &names(new));
    }
}

#[derive(Default)]
struct Changes(Vec<Change>);

impl Changes {
    fn push(
        &mut self,
        severity: Severity,
        direction: Direction,
        operation: &str,
        path: &str,
        change: impl Into<String>,
    ) {
        self.0.push(Change {
            severity,
            direction,
            operation: operation.to_owned(),
            path: path.to_owned(),
            change: change.into(),
        });
    }
}

struct Context<'a> {
    direction: Direction,
    operation: &'a str,
}

impl Context<'_> {
    /// A change that narrows what users send breaks them; for callbacks it is listed.
    fn narrowing(&self, out: &mut Changes, path: &str, change: String) {
        let severity = if self.direction.sent_by_users() {
            Severity::Breaking
        } else {
            Severity::Compatible
        };
        out.push(severity, self.direction, self.operation, path, change);
    }

    fn compatible(&self, out: &mut Changes, path: &str, change: String) {
        out.push(
            Severity::Compatible,
            self.direction,
            self.operation,
            path,
            change,
        );
    }

    fn breaking(&self, out: &mut Changes, path: &str, change: String) {
        out.push(
            Severity::Breaking,
            self.direction,
            self.operation,
            path,
            change,
        );
    }
}

fn operation(out: &mut Changes, old: &OperationIr, new: &OperationIr) {
    let ctx = Context {
        direction: Direction::of(new.interface),
        operation: &new.id,
    };
    if old.path != new.path {
        ctx.breaking(
            out,
            "",
            format!(
                "path {} -> {}",
                old.path.as_deref().unwrap_or("-"),
                new.path.as_deref().unwrap_or("-")
            ),
        );
    }
    if old.action != new.action {
        // The client's retry policy and the mock's payment state follow the declared action.
        ctx.breaking(out, "", format!("action {} -> {}", old.action, new.action));
    }
    body(out, &ctx, &old.body, &new.body);
    for variant in &new.variants {
        match old.variants.iter().find(|v| v.id == variant.id) {
            None => ctx.compatible(out, "", format!("new variant `{}`", variant.id)),
            Some(before) => body(out, &ctx, &before.body, &variant.body),
        }
    }
    for variant in old
        .variants
        .iter()
        .filter(|v| !new.variants.iter().any(|n| n.id == v.id))
    {
        ctx.narrowing(out, "", format!("variant `{}` removed", variant.id));
    }
}

fn body(out: &mut Changes, ctx: &Context<'_>, old: &BodyIr, new: &BodyIr) {
    shape(out, ctx, &old.shape, &new.shape, "");
    let fingerprints = |body: &BodyIr| -> BTreeSet<String> {
        body.rules.iter().map(|r| format!("{r:?}")).collect()
    };
    let (before, after) = (fingerprints(old), fingerprints(new));
    for rule in after.difference(&before) {
        ctx.narrowing(out, "", format!("new rule {}", short_rule(rule)));
    }
    for rule in before.difference(&after) {
        ctx.compatible(out, "", format!("rule dropped {}", short_rule(rule)));
    }
}

/// A rule as the diff names it: its debug form, on one line.
fn short_rule(debug: &str) -> String {
    debug.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

fn shape(out: &mut Changes, ctx: &Context<'_>, old: &ShapeIr, new: &ShapeIr, prefix: &str) {
    for field in &new.fields {
        let path = join(prefix, &field.name);
        match old.field(&field.name) {
            Some(before) => self::field(out, ctx, before, field, &path),
            None if ctx.direction.sent_by_users() && field.required => {
                ctx.breaking(out, &path, "new required field".into())
            }
            None if ctx.direction.sent_by_users() && field.forbidden => {
                ctx.breaking(out, &path, "new forbidden field".into())
            }
            None => ctx.compatible(out, &path, "new optional field".into()),
        }
    }
    for field in old.fields.iter().filter(|f| new.field(&f.name).is_none()) {
        let path = join(prefix, &field.name);
        if ctx.direction.sent_by_users() {
            ctx.breaking(out, &path, "field removed".into());
        } else {
            ctx.breaking(
                out,
                &path,
                "field removed (the typed callback loses it; its value lands in `extra`)".into(),
            );
        }
    }
}

fn kind_name(kind: &ShapeKind) -> &'static str {
    match kind {
        ShapeKind::String => "string",
        ShapeKind::Integer => "integer",
        ShapeKind::Boolean => "boolean",
        ShapeKind::Any => "any",
        ShapeKind::Object(_) => "object",
        ShapeKind::FreeObject => "free-form object",
        ShapeKind::Array(_) => "array",
        ShapeKind::JsonObject(_) => "string holding JSON",
    }
}

fn field(out: &mut Changes, ctx: &Context<'_>, old: &ShapeField, new: &ShapeField, path: &str) {
    if kind_name(&old.kind) != kind_name(&new.kind) {
        ctx.breaking(
            out,
            path,
            format!("type {} -> {}", kind_name(&old.kind), kind_name(&new.kind)),
        );
    }
    match (old.required, new.required) {
        (false, true) => ctx.narrowing(out, path, "optional -> required".into()),
        (true, false) => ctx.compatible(out, path, "required -> optional".into()),
        _ => {}
    }
    match (old.forbidden, new.forbidden) {
        (false, true) => ctx.narrowing(out, path, "now forbidden".into()),
        (true, false) => ctx.compatible(out, path, "no longer forbidden".into()),
        _ => {}
    }
    match (old.format, new.format) {
        (None, None) => {}
        (Some(a), Some(b)) if a == b => {}
        (None, Some(b)) => ctx.narrowing(out, path, format!("format `{}` added", b.name())),
        (Some(a), None) => ctx.compatible(out, path, format!("format `{}` dropped", a.name())),
        (Some(a), Some(b)) => ctx.narrowing(
            out,
            path,
            format!("format `{}` -> `{}`", a.name(), b.name()),
        ),
    }
    values(out, ctx, path, &old.enum_values, &new.enum_values, true);
    values(out, ctx, path, &old.known_values, &new.known_values, false);
    bound(out, ctx, path, "minimum", old.minimum, new.minimum, true);
    bound(out, ctx, path, "maximum", old.maximum, new.maximum, false);
    bound(
        out,
        ctx,
        path,
        "minimum length",
        old.min_length.map(i64::from),
        new.min_length.map(i64::from),
        true,
    );
    bound(
        out,
        ctx,
        path,
        "maximum length",
        old.max_length.map(i64::from),
        new.max_length.map(i64::from),
        false,
    );
    for ty in &new.also {
        if !old.also.contains(ty) {
            ctx.compatible(out, path, format!("also accepts {}", type_name(*ty)));
        }
    }
    for ty in &old.also {
        if !new.also.contains(ty) {
            // The typed value loses a way to hold it, whichever way the data goes.
            ctx.breaking(out, path, format!("no longer accepts {}", type_name(*ty)));
        }
    }
    match (&old.kind, &new.kind) {
        (ShapeKind::Object(a), ShapeKind::Object(b))
        | (ShapeKind::JsonObject(a), ShapeKind::JsonObject(b)) => shape(out, ctx, a, b, path),
        (ShapeKind::Array(a), ShapeKind::Array(b)) => {
            self::field(out, ctx, a, b, &format!("{path}[]"))
        }
        _ => {}
    }
}

fn type_name(ty: FieldType) -> &'static str {
    ty.as_str()
}

fn scalar(value: &Scalar) -> String {
    match value {
        Scalar::String(s) => format!("{s:?}"),
        other => other.canonical_text(),
    }
}

/// An enum (`closed`: what requests may send) or the known values of an open callback field.
fn values(
    out: &mut Changes,
    ctx: &Context<'_>,
    path: &str,
    old: &[Scalar],
    new: &[Scalar],
    closed: bool,
) {
    let what = if closed { "enum" } else { "known values" };
    if closed && old.is_empty() && !new.is_empty() {
        let list: Vec<String> = new.iter().map(scalar).collect();
        ctx.narrowing(out, path, format!("now an enum of {}", list.join(", ")));
        return;
    }
    if closed && !old.is_empty() && new.is_empty() {
        ctx.compatible(out, path, "no longer an enum".into());
        return;
    }
    for value in new.iter().filter(|v| !old.contains(v)) {
        ctx.compatible(out, path, format!("{what}: new value {}", scalar(value)));
    }
    for value in old.iter().filter(|v| !new.contains(v)) {
        let change = format!("{what}: value {} removed", scalar(value));
        if closed {
            ctx.narrowing(out, path, change);
        } else {
            // The typed callback loses the variant: a handler that names it no longer compiles.
            ctx.breaking(out, path, change);
        }
    }
}

/// A lower (`lower`) or upper bound: tightened narrows, loosened or dropped widens.
fn bound(
    out: &mut Changes,
    ctx: &Context<'_>,
    path: &str,
    name: &str,
    old: Option<i64>,
    new: Option<i64>,
    lower: bool,
) {
    let shown = |b: Option<i64>| b.map_or("none".to_owned(), |b| b.to_string());
    let tighter = match (old, new) {
        (None, None) => return,
        (Some(a), Some(b)) if a == b => return,
        (None, Some(_)) => true,
        (Some(_), None) => false,
        (Some(a), Some(b)) => (b > a) == lower,
    };
    let change = format!("{name} {} -> {}", shown(old), shown(new));
    if tighter {
        ctx.narrowing(out, path, change);
    } else {
        ctx.compatible(out, path, change);
    }
}

/// The changes as JSON: `{"breaking": N, "compatible": N, "changes": [...]}`.
pub fn to_json(changes: &[Change]) -> Value {
    let count = |s: Severity| changes.iter().filter(|c| c.severity == s).count();
    json!({
        "breaking": count(Severity::Breaking),
        "compatible": count(Severity::Compatible),
        "changes": changes.iter().map(|c| json!({
            "severity": c.severity.as_str(),
            "direction": c.direction.as_str(),
            "operation": c.operation,
            "path": c.path,
            "change": c.change,
        })).collect::<Vec<_>>(),
    })
}
