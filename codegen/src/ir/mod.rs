//! The intermediate representation between the checked spec and the emitters: operations with
//! their body shapes and rules (for validators and JSON Schemas) and the Rust types to emit.

pub(crate) mod body;
pub(crate) mod naming;
pub(crate) mod objects;
pub(crate) mod types;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::{LoadedFile, LoadedSpec};
use crate::model::{
    Action, FieldSpec, Format, Interface, Located, MethodSpec, Operation, PaymentPageMode,
};
use crate::resolve::SpecIndex;

pub(crate) use body::{BodyIr, PredicateIr, RuleIr, ShapeField};
pub use body::{ShapeIr, ShapeKind};

/// Documentation carried from the spec to the generated code and schemas. It carries no source
/// reference: document line numbers live in the spec alone, so that a document whose lines moved
/// changes nothing that is published.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Doc {
    pub description: Option<String>,
    pub original: Option<String>,
}

impl Doc {
    /// The documentation of a field.
    pub fn of(spec: &FieldSpec) -> Doc {
        Doc {
            description: spec.description.clone(),
            original: spec.original.clone(),
        }
    }

    /// `other`'s parts where it has them, ours elsewhere.
    pub fn overlaid(&self, other: &Doc) -> Doc {
        Doc {
            description: other
                .description
                .clone()
                .or_else(|| self.description.clone()),
            original: other.original.clone().or_else(|| self.original.clone()),
        }
    }

    /// The description for schema `description`: English text and the Russian original.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(d) = &self.description {
            lines.push(d.trim().to_owned());
        }
        if let Some(o) = &self.original {
            if !lines.is_empty() {
                lines.push(String::new());
            }
            lines.push(format!("Original: «{}»", o.trim()));
        }
        lines
    }

    /// The description for rustdoc: the English text. The Russian original stays in the spec
    /// and the schemas.
    pub fn rustdoc_lines(&self) -> Vec<String> {
        self.description
            .iter()
            .map(|d| d.trim().to_owned())
            .collect()
    }
}

/// The action of an operation of a spec written before `action`, from the last part of its id,
/// as the client's retry table and the mock read it then.
fn action_from_id(op: &Operation) -> Result<Action, IrError> {
    let last = op.id.rsplit('.').next().unwrap_or_default();
    Ok(match (op.interface, last) {
        (Interface::PaymentPage, "payout") => Action::CompletePayout,
        (_, "sale" | "purchase") => Action::Purchase,
        (_, "auth") => Action::Auth,
        (_, "recurring_registration") => Action::RegisterRecurring,
        (_, "recurring") => Action::ChargeRecurring,
        (_, "payout" | "pix_payout") => Action::Payout,
        (_, "payout_registration") => Action::RegisterPayout,
        (_, "capture") => Action::Capture,
        (_, "cancel") => Action::Cancel,
        (_, "refund") => Action::Refund,
        (_, "recurring_cancel") => Action::CancelRecurring,
        _ => {
            return Err(IrError::new(
                "declares no `action`, and its id names none the format knew before `action`",
            ));
        }
    })
}

/// A problem the IR builder met; located at the operation it concerns.
#[derive(Clone, Debug)]
pub(crate) struct IrError {
    pub message: String,
    /// Where in the spec file, when known more precisely than the operation.
    pub at: Option<crate::model::Position>,
}

impl IrError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        IrError {
            message: message.into(),
            at: None,
        }
    }

    fn located(self, at: crate::model::Position) -> Self {
        IrError {
            at: self.at.or(Some(at)),
            ..self
        }
    }
}

/// A fact a payload cannot show (that the card is a Visa card issued in Canada).
#[derive(Clone, Debug)]
pub struct FactIr {
    pub id: String,
    pub description: String,
}

/// The spec as the emitters read it, built once from a checked (or, for `diff`, loaded) spec.
#[derive(Clone, Debug)]
pub struct Ir {
    /// One a spec document, with its operations.
    pub methods: Vec<MethodIr>,
    /// The facts a payload cannot show, in spec order.
    pub facts: Vec<FactIr>,
    /// Every field any callback of any method shows: the typed `Callback`.
    pub callback: ShapeIr,
    /// One type per spec object and role, which every emitter names and shapes the same way.
    pub types: objects::TypeSpace,
}

#[derive(Clone, Debug)]
pub struct MethodIr {
    pub id: String,
    pub name: String,
    pub code: String,
    pub document: String,
    pub title: String,
    pub description: Option<String>,
    pub operations: Vec<OperationIr>,
}

#[derive(Clone, Debug)]
pub struct OperationIr {
    pub id: String,
    pub title: String,
    pub doc: Doc,
    pub interface: Interface,
    /// What it does to payments (callbacks: `Report`).
    pub action: Action,
    pub method: String,
    pub http_method: Option<&'static str>,
    pub path: Option<String>,
    pub path_group: Option<String>,
    pub mode: Option<PaymentPageMode>,
    pub force_payment_method: Option<String>,
    pub reports_on: Vec<String>,
    /// The Rust type of its payload (`SaleRequest`, `PurchaseParams`, `Callback`).
    pub type_name: String,
    pub body: BodyIr,
    pub variants: Vec<VariantIr>,
    /// The shape the typed struct follows: the union of the variants where there are any.
    pub typed: ShapeIr,
}

#[derive(Clone, Debug)]
pub struct VariantIr {
    pub id: String,
    pub title: String,
    pub body: BodyIr,
}

/// Builds the IR from a spec that passed its checks.
pub(crate) fn build(spec: &LoadedSpec) -> Result<Ir, Diagnostics> {
    build_with(spec, Actions::Declared)
}

/// Builds the IR of a spec to compare (`diff`), which may predate the operations' `action`: an
/// operation that declares none has the action its id named when the format had no `action`.
pub(crate) fn build_for_diff(spec: &LoadedSpec) -> Result<Ir, Diagnostics> {
    build_with(spec, Actions::OrFromId)
}

/// Where an operation's action comes from.
#[derive(Clone, Copy)]
enum Actions {
    /// Its `action:` (checked specs: every Gate and Payment Page operation has one).
    Declared,
    /// Its `action:`, else its id's last part, as read before the format had `action`.
    OrFromId,
}

fn build_with(spec: &LoadedSpec, actions: Actions) -> Result<Ir, Diagnostics> {
    let index = SpecIndex::new(spec);
    let mut diagnostics = Diagnostics::default();
    let mut methods = Vec::new();
    let mut callback: Option<ShapeIr> = None;
    for file in spec.files.iter().filter(|f| !f.is_common()) {
        let (Some(method), Some(document)) = (&file.content.method, &file.content.document) else {
            continue;
        };
        let mut operations = Vec::new();
        for op in &file.content.operations {
            match operation(&index, method, op, actions) {
                Ok(ir) => {
                    if ir.interface == Interface::Callback {
                        callback = Some(match callback.take() {
                            Some(shape) => shape.union(&ir.typed),
                            None => ir.typed.clone(),
                        });
                    }
                    operations.push(ir);
                }
                Err(e) => diagnostics.push(located(file, op, e)),
            }
        }
        methods.push(MethodIr {
            id: method.id.clone(),
            name: method.name.clone(),
            code: method.code.clone(),
            document: document.file.clone(),
            title: document.title.clone(),
            description: method.description.clone(),
            operations,
        });
    }
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    let mut callback = callback.unwrap_or(ShapeIr { fields: Vec::new() });
    relax(&mut callback);
    let facts = index
        .facts
        .values()
        .map(|(fact, _)| FactIr {
            id: fact.id.clone(),
            description: fact.description.clone(),
        })
        .collect();
    let types = objects::build(&index, &methods, &callback).map_err(|e| {
        let mut diagnostics = Diagnostics::default();
        let file = spec
            .files
            .iter()
            .find(|f| f.is_common())
            .map_or("common.yaml", |f| f.display_name.as_str());
        diagnostics.error(
            file,
            e.at.unwrap_or(crate::model::Position::UNKNOWN),
            format!("the type space: {}", e.message),
        );
        diagnostics
    })?;
    Ok(Ir {
        methods,
        facts,
        callback,
        types,
    })
}

/// Nothing is required in the typed callback: the platform decides what it sends, and the
/// callback operations' validators say what each should carry.
fn relax(shape: &mut ShapeIr) {
    for field in &mut shape.fields {
        field.required = false;
        field.forbidden = false;
        if let ShapeKind::Object(inner) | ShapeKind::JsonObject(inner) = &mut field.kind {
            relax(inner);
        }
    }
}

fn located(file: &LoadedFile, op: &Located<Operation>, e: IrError) -> Diagnostic {
    Diagnostic::error(
        &file.display_name,
        e.at.unwrap_or(op.at),
        format!("operation `{}`: {}", op.id, e.message),
    )
}

fn operation(
    index: &SpecIndex<'_>,
    method: &MethodSpec,
    op: &Operation,
    actions: Actions,
) -> Result<OperationIr, IrError> {
    let builder = body::ShapeBuilder {
        index,
        lenient_integers: matches!(op.interface, Interface::Callback | Interface::PaymentPage),
    };
    let mut shape = match (&op.root, op.objects.is_empty()) {
        (Some(root), _) => match builder.shared(root, &mut Vec::new())? {
            ShapeKind::Object(shape) => shape,
            _ => return Err(IrError::new(format!("root `{root}` is not an object"))),
        },
        (None, false) => {
            let mut fields = Vec::new();
            for name in &op.objects {
                let kind = builder.shared(name, &mut Vec::new())?;
                let description = index
                    .objects
                    .get(name.as_str())
                    .and_then(|(o, _)| o.description.clone());
                let mut field = builder.field(name, &FieldSpec::default(), &mut Vec::new())?;
                field.kind = kind;
                field.object = Some(name.clone());
                field.doc = Doc {
                    description,
                    ..Doc::default()
                };
                fields.push(field);
            }
            ShapeIr { fields }
        }
        (None, true) => return Err(IrError::new("the body needs `root` or `objects`")),
    };
    for param in &op.params {
        body::apply_param(&builder, &mut shape, param).map_err(|e| e.located(param.at))?;
    }
    if op.interface == Interface::PaymentPage {
        own_document_parameters(op, &mut shape);
    }
    let mut rules = op
        .rules
        .iter()
        .map(|r| body::rule(r))
        .collect::<Result<Vec<_>, _>>()?;
    if op.interface != Interface::Callback {
        rules.extend(method_rules(method, op, &shape));
    }
    let base = BodyIr { shape, rules };
    let mut variants = Vec::new();
    for variant in &op.variants {
        let mut shape = base.shape.clone();
        for param in &variant.params {
            body::apply_param(&builder, &mut shape, param).map_err(|e| e.located(param.at))?;
        }
        let mut rules = base.rules.clone();
        for rule in &variant.rules {
            rules.push(body::rule(rule)?);
        }
        variants.push(VariantIr {
            id: variant.id.clone(),
            title: variant.title.clone(),
            body: BodyIr { shape, rules },
        });
    }
    let typed = match variants.split_first() {
        Some((first, rest)) => rest
            .iter()
            .fold(first.body.shape.clone(), |acc, v| acc.union(&v.body.shape)),
        None => base.shape.clone(),
    };
    let name = op.id.rsplit('.').next().unwrap_or(&op.id);
    let type_name = match op.interface {
        Interface::Gate => format!("{}Request", naming::pascal(name)),
        Interface::PaymentPage => format!("{}Params", naming::pascal(name)),
        Interface::Callback => "Callback".to_owned(),
    };
    let action = match (op.interface, op.action, actions) {
        (Interface::Callback, _, _) => Action::Report,
        (_, Some(action), _) => action,
        (_, None, Actions::OrFromId) => action_from_id(op)?,
        (_, None, Actions::Declared) => {
            return Err(IrError::new(
                "needs `action` (what it does to payments: purchase, auth, refund...)",
            ));
        }
    };
    Ok(OperationIr {
        id: op.id.clone(),
        title: op.title.clone(),
        doc: Doc {
            description: op.description.clone(),
            original: op.original.clone(),
        },
        interface: op.interface,
        action,
        method: method.id.clone(),
        http_method: op.http_method.map(|m| match m {
            crate::model::HttpMethod::Get => "GET",
            crate::model::HttpMethod::Post => "POST",
        }),
        path: op.path.clone(),
        path_group: op.path_group.clone(),
        mode: op.mode,
        force_payment_method: op.force_payment_method.clone(),
        reports_on: op.reports_on.clone(),
        type_name,
        body: base,
        variants,
        typed,
    })
}

/// A Payment Page operation has the parameters its own document names, with that document's
/// formats and rules: the parameter set shared by the four documents is their union, and what
/// another document names is only "another parameter" here. `mode` is fixed by the operation: as
/// the document states it where it names it (`payout`), otherwise optional and only the mode the
/// operation opens the form in.
fn own_document_parameters(op: &Operation, shape: &mut ShapeIr) {
    let named: std::collections::BTreeSet<&str> = op
        .params
        .iter()
        .filter_map(|p| p.path.as_deref())
        .filter_map(|path| path.split('.').next())
        .collect();
    shape
        .fields
        .retain(|f| named.contains(f.name.as_str()) || f.name == "mode");
    let mode = op
        .mode
        .unwrap_or(PaymentPageMode::Purchase)
        .platform_value();
    if let Some(field) = shape.field_mut("mode") {
        field.enum_values = vec![crate::model::Scalar::String(mode.to_owned())];
        field.forbidden = false;
        if !named.contains("mode") {
            field.required = false;
            field.doc = Doc {
                description: Some(format!(
                    "Payment Page mode: `{mode}` for this operation, which is also what the form opens in when it is absent."
                )),
                original: None,
            };
        }
    }
}

/// The kind of payment an operation makes, for method limits stated per kind.
fn operation_kind(op: &Operation) -> Option<&'static str> {
    if let Some(mode) = op.mode {
        return Some(match mode {
            PaymentPageMode::Payout => "payout",
            _ => "purchase",
        });
    }
    let name = op.id.rsplit('.').next().unwrap_or_default();
    if name.contains("payout") {
        Some("payout")
    } else if name.contains("refund") {
        Some("refund")
    } else if name == "sale" || name == "auth" || name.contains("purchase") {
        Some("purchase")
    } else {
        None
    }
}

/// The first of `candidates` the shape has.
fn find_path(shape: &ShapeIr, candidates: &[&str]) -> Option<String> {
    candidates
        .iter()
        .find(|p| shape.at_path(p).is_some())
        .map(|p| (*p).to_owned())
}

/// Rules that follow from the method: accepted currencies, currencies without minor units or
/// only for one country, amount limits.
fn method_rules(method: &MethodSpec, op: &Operation, shape: &ShapeIr) -> Vec<RuleIr> {
    let mut rules = Vec::new();
    let currency = find_path(shape, &["payment.currency", "payment_currency"]);
    let amount = find_path(shape, &["payment.amount", "payment_amount"]);
    let country = find_path(shape, &["customer.country", "customer_country"]);
    let (Some(currency), amount) = (currency, amount) else {
        return rules;
    };
    let Some(currency_field) = shape.at_path(&currency) else {
        return rules;
    };
    if currency_field.format != Some(Format::Currency) && currency_field.format.is_some() {
        return rules;
    }
    if let Some(currencies) = &method.currencies {
        let applies =
            currencies.applies_to.is_empty() || currencies.applies_to.iter().any(|a| a == &op.id);
        if applies && !currencies.list.is_empty() {
            rules.push(RuleIr::CurrencyIn {
                field: currency.clone(),
                currencies: currencies.list.clone(),
            });
        }
        let whole: Vec<String> = currencies
            .restrictions
            .iter()
            .filter(|r| r.no_minor_units)
            .map(|r| r.currency.clone())
            .collect();
        if let (Some(amount), false) = (&amount, whole.is_empty()) {
            rules.push(RuleIr::WholeUnits {
                amount: amount.clone(),
                currency: currency.clone(),
                currencies: whole,
            });
        }
        if let Some(country) = &country {
            for r in &currencies.restrictions {
                if let Some(only) = &r.only_country {
                    rules.push(RuleIr::CurrencyCountry {
                        currency: currency.clone(),
                        currency_value: r.currency.clone(),
                        country: country.clone(),
                        country_value: only.clone(),
                    });
                }
            }
        }
    }
    if let (Some(amount), Some(kind)) = (&amount, operation_kind(op)) {
        for limit in &method.limits {
            let applies = limit.applies_to == op.id || limit.applies_to == kind;
            if applies && (limit.min.is_some() || limit.max.is_some()) {
                rules.push(RuleIr::AmountLimit {
                    amount: amount.clone(),
                    currency: currency.clone(),
                    currency_value: limit.currency.clone(),
                    min: limit.min,
                    max: limit.max,
                });
            }
        }
    }
    rules
}
