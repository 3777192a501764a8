//! Operations: interface-specific keys, references, params, rules and their predicates.

use std::collections::HashSet;

use crate::diagnostics::Diagnostics;
use crate::load::LoadedFile;
use crate::model::{
    FieldSpec, Interface, Located, Operation, Predicate, Requirement, RuleKind, RuleSpec, Variant,
};

use super::fields::{Place, check_field};
use crate::resolve::{BodyResolver, Resolved, SpecIndex};

pub(super) fn check_all(index: &SpecIndex<'_>, out: &mut Diagnostics) {
    for (operation, file) in index.operations.values() {
        check_operation(index, operation, file, out);
    }
}

fn check_operation(
    index: &SpecIndex<'_>,
    op: &Located<Operation>,
    file: &LoadedFile,
    out: &mut Diagnostics,
) {
    let name = file.display_name.as_str();
    check_interface_keys(op, name, out);
    check_body(index, op, name, out);
    check_signature_field(index, op, name, out);
    for target in &op.reports_on {
        if !index.operations.contains_key(target.as_str()) {
            out.error(
                name,
                op.at,
                format!(
                    "operation `{}` reports on unknown operation `{target}`",
                    op.id
                ),
            );
        }
    }
    let method_prefix = file
        .content
        .method
        .as_ref()
        .map(|m| format!("{}.", m.id))
        .unwrap_or_default();
    if !op.id.starts_with(&method_prefix) {
        out.error(
            name,
            op.at,
            format!("operation id `{}` must start with `{method_prefix}`", op.id),
        );
    }

    check_scope(index, op, None, name, out);
    for variant in &op.variants {
        check_scope(index, op, Some(variant), name, out);
    }
}

fn check_interface_keys(op: &Located<Operation>, file: &str, out: &mut Diagnostics) {
    let mut error =
        |message: String| out.error(file, op.at, format!("operation `{}`: {message}", op.id));
    let gate = op.interface == Interface::Gate;
    let page = op.interface == Interface::PaymentPage;
    let callback = op.interface == Interface::Callback;
    if gate && (op.http_method.is_none() || op.path.is_none()) {
        error("a Gate operation needs `http_method` and `path`".into());
    }
    if !gate && (op.http_method.is_some() || op.path.is_some() || op.path_group.is_some()) {
        error("`http_method`, `path` and `path_group` are for Gate operations".into());
    }
    if let Some(path) = &op.path {
        if !path.starts_with('/') {
            error(format!("path `{path}` must start with `/`"));
        }
        if let Some(group) = &op.path_group
            && !path_matches_group(path, group)
        {
            error(format!("path `{path}` is not in its group `{group}`"));
        }
    }
    if page && op.mode.is_none() {
        error("a Payment Page operation needs `mode`".into());
    }
    if !page && (op.mode.is_some() || op.force_payment_method.is_some()) {
        error("`mode` and `force_payment_method` are for Payment Page operations".into());
    }
    if !callback && !op.reports_on.is_empty() {
        error("`reports_on` is for callbacks".into());
    }
    match (callback, op.action) {
        (false, None) => error(
            "a Gate or Payment Page operation needs `action` (what it does to payments: purchase, auth, refund...)"
                .into(),
        ),
        (true, Some(action)) if action != crate::model::Action::Report => error(format!(
            "a callback's action is `report` (what it reports on is `reports_on`), not `{action}`"
        )),
        (false, Some(crate::model::Action::Report)) => {
            error("`report` is the action of callbacks".into())
        }
        _ => {}
    }
    match (op.root.is_some(), op.objects.is_empty()) {
        (true, false) => error("give either `root` or `objects`, not both".into()),
        (false, true) => error("the body needs `root` (one shared object) or `objects`".into()),
        _ => {}
    }
}

/// `/v2/payment/wallet/astropay/sale` is in `/v2/payment/wallet/{payment_method}/sale`.
/// A Gate request carries its signature in `general.signature`, Payment Page parameters in
/// `signature`: the field must be there and say `signature: true`, or the request cannot be
/// signed (the generated type would not implement `SignedMessage`).
fn check_signature_field(
    index: &SpecIndex<'_>,
    op: &Located<Operation>,
    file: &str,
    out: &mut Diagnostics,
) {
    let path = match op.interface {
        Interface::Gate => "general.signature",
        Interface::PaymentPage => "signature",
        Interface::Callback => return,
    };
    let resolver = BodyResolver::new(index, op, None);
    // A param may restate the field (its requirement, its description); the flag may stay on
    // the shared object's definition.
    let in_object = || {
        path.split_once('.')
            .filter(|(object, _)| op.objects.iter().any(|o| o == object))
            .and_then(|(object, field)| index.object_fields(object)?.get(field))
            .is_some_and(|field| field.value.signature)
    };
    let signed = match resolver.resolve(path) {
        Ok(Resolved::Field(field)) => field.signature || in_object(),
        _ => false,
    };
    if !signed {
        out.error(
            file,
            op.at,
            format!(
                "operation `{}`: its body needs `{path}`, a field with `signature: true` (where the platform reads the signature of a {} request); declare it in the shared object or the operation's params",
                op.id,
                match op.interface {
                    Interface::Gate => "Gate",
                    _ => "Payment Page",
                }
            ),
        );
    }
}

fn path_matches_group(path: &str, group: &str) -> bool {
    let a: Vec<_> = path.split('/').collect();
    let b: Vec<_> = group.split('/').collect();
    a.len() == b.len()
        && a.iter()
            .zip(&b)
            .all(|(p, g)| p == g || (g.starts_with('{') && g.ends_with('}')))
}

fn check_body(index: &SpecIndex<'_>, op: &Located<Operation>, file: &str, out: &mut Diagnostics) {
    let names = op.root.iter().chain(op.objects.iter());
    for object in names {
        if !index.objects.contains_key(object.as_str()) {
            out.error(
                file,
                op.at,
                format!(
                    "operation `{}` uses unknown shared object `{object}`",
                    op.id
                ),
            );
        }
    }
}

/// Params and rules of the operation, or of one variant together with the operation's.
fn check_scope(
    index: &SpecIndex<'_>,
    op: &Operation,
    variant: Option<&Located<Variant>>,
    file: &str,
    out: &mut Diagnostics,
) {
    let resolver = BodyResolver::new(index, op, variant.map(|v| &v.value));
    let (params, rules): (&[Located<FieldSpec>], &[Located<RuleSpec>]) = match variant {
        Some(v) => (&v.params, &v.rules),
        None => (&op.params, &op.rules),
    };
    let scope = match variant {
        Some(v) => format!("operation `{}` variant `{}`", op.id, v.id),
        None => format!("operation `{}`", op.id),
    };
    for param in params {
        let Some(path) = &param.path else {
            check_field(index, "(param)", param, param.at, Place::Param, file, out);
            continue;
        };
        check_field(index, path, param, param.at, Place::Param, file, out);
        match resolver.resolve(path) {
            Err(missing) => out.error(
                file,
                param.at,
                format!(
                    "{scope}: param `{path}` names nothing: `{missing}` is not declared (give `type` to add a field)"
                ),
            ),
            Ok(Resolved::Field(shared)) if param.ty.is_none() => {
                check_narrowed_enum(param, shared, path, &scope, file, out);
            }
            Ok(_) => {}
        }
    }
    // Rules that apply in this scope: the operation's, plus the variant's.
    let all_rules: Vec<&Located<RuleSpec>> = match variant {
        Some(v) => op.rules.iter().chain(v.rules.iter()).collect(),
        None => op.rules.iter().collect(),
    };
    for rule in rules {
        check_rule(index, &resolver, rule, &scope, file, out);
    }
    for param in params {
        let Some(path) = &param.path else { continue };
        match param.requirement {
            Some(Requirement::Conditional) => {
                let named = all_rules.iter().any(|r| {
                    r.kind != RuleKind::OneOf && r.field.as_deref() == Some(path.as_str())
                });
                if !named {
                    out.error(
                        file,
                        param.at,
                        format!("{scope}: `{path}` is conditional but no rule names it as `field`"),
                    );
                }
            }
            Some(Requirement::OneOf) => {
                let group = param.group.as_deref().unwrap_or_default();
                let listed = all_rules.iter().any(|r| {
                    r.kind == RuleKind::OneOf
                        && r.group.as_deref() == Some(group)
                        && r.fields.iter().any(|f| f == path)
                });
                if !listed {
                    out.error(
                        file,
                        param.at,
                        format!(
                            "{scope}: `{path}` is in one-of group `{group}` but no `one_of` rule of that group lists it"
                        ),
                    );
                }
            }
            Some(Requirement::Omitted) => {
                let named = all_rules.iter().any(|r| {
                    r.field.as_deref() == Some(path.as_str())
                        || r.fields.iter().any(|f| f == path)
                        || r.requires.iter().any(|f| f == path)
                        || r.other.as_deref() == Some(path.as_str())
                });
                if named {
                    out.error(
                        file,
                        param.at,
                        format!("{scope}: `{path}` is omitted, yet a rule names it"),
                    );
                }
            }
            _ => {}
        }
    }
}

/// A param whose `enum` narrows a shared field's must account for every shared value: in its
/// `enum`, or in `excludes`. A value the shared enum gains later is then named here, at each
/// operation that narrows it, instead of passing unnoticed.
fn check_narrowed_enum(
    param: &Located<FieldSpec>,
    shared: &FieldSpec,
    path: &str,
    scope: &str,
    file: &str,
    out: &mut Diagnostics,
) {
    let (Some(narrowed), Some(all)) = (&param.enum_values, &shared.enum_values) else {
        return;
    };
    let excluded = param.excludes.as_deref().unwrap_or_default();
    let undecided: Vec<String> = all
        .iter()
        .filter(|v| !narrowed.contains(v) && !excluded.contains(v))
        .map(|v| format!("`{}`", v.canonical_text()))
        .collect();
    if !undecided.is_empty() {
        out.warning(
            file,
            param.at,
            format!(
                "{scope}: `{path}` narrows the shared enum; the shared field also has {}: add each to `enum` if this operation takes it, or to `excludes` if it does not",
                undecided.join(", ")
            ),
        );
    }
    for value in excluded.iter().filter(|v| !all.contains(v)) {
        out.error(
            file,
            param.at,
            format!(
                "{scope}: `{path}` excludes `{}`, which the shared enum does not have",
                value.canonical_text()
            ),
        );
    }
}

fn check_rule(
    index: &SpecIndex<'_>,
    resolver: &BodyResolver<'_>,
    rule: &Located<RuleSpec>,
    scope: &str,
    file: &str,
    out: &mut Diagnostics,
) {
    let at = rule.at;
    let kind = rule.kind.as_str();
    let mut error =
        |message: String| out.error(file, at, format!("{scope}: rule `{kind}`: {message}"));
    // Keys each kind takes: (field, fields, group, when, requires, other, values).
    let takes = match rule.kind {
        RuleKind::OneOf => [false, true, true, false, false, false, false],
        RuleKind::RequiredIf => [true, false, false, true, false, false, false],
        RuleKind::Requires => [true, false, false, false, true, false, false],
        RuleKind::MustDifferFrom => [true, false, false, false, false, true, false],
        RuleKind::AllowedValuesIf => [true, false, false, true, false, false, true],
        RuleKind::Forbidden => [true, false, false, false, false, false, false],
    };
    let has = [
        rule.field.is_some(),
        !rule.fields.is_empty(),
        rule.group.is_some(),
        rule.when.is_some(),
        !rule.requires.is_empty(),
        rule.other.is_some(),
        !rule.values.is_empty(),
    ];
    const KEYS: [&str; 7] = [
        "field", "fields", "group", "when", "requires", "other", "values",
    ];
    for (i, key) in KEYS.iter().enumerate() {
        // `forbidden` may be conditional.
        let optional_when = rule.kind == RuleKind::Forbidden && *key == "when";
        if takes[i] && !has[i] {
            error(format!("needs `{key}`"));
        } else if !takes[i] && has[i] && !optional_when {
            error(format!("does not take `{key}`"));
        }
    }
    if rule.kind == RuleKind::OneOf && rule.fields.len() < 2 {
        error("a one-of group needs at least two fields".into());
    }
    let paths = rule
        .field
        .iter()
        .chain(&rule.fields)
        .chain(&rule.requires)
        .chain(&rule.other);
    let mut seen = HashSet::new();
    for path in paths {
        if !seen.insert(path) {
            error(format!("`{path}` is named twice"));
        }
        if let Err(missing) = resolver.resolve(path) {
            error(format!(
                "names `{path}`, which does not exist (`{missing}` is not declared)"
            ));
        }
    }
    if let Some(when) = &rule.when {
        let mut problems = Vec::new();
        check_predicate(index, resolver, when, &mut problems);
        for problem in problems {
            error(problem);
        }
    }
}

fn check_predicate(
    index: &SpecIndex<'_>,
    resolver: &BodyResolver<'_>,
    p: &Predicate,
    problems: &mut Vec<String>,
) {
    let heads = [
        p.fact.is_some(),
        p.field.is_some(),
        p.all.is_some(),
        p.any.is_some(),
        p.not.is_some(),
    ];
    if heads.iter().filter(|h| **h).count() != 1 {
        problems
            .push("a predicate needs exactly one of `fact`, `field`, `all`, `any`, `not`".into());
        return;
    }
    let tests = [
        p.equals.is_some(),
        p.in_values.is_some(),
        p.present.is_some(),
    ];
    let test_count = tests.iter().filter(|t| **t).count();
    if let Some(fact) = &p.fact
        && !index.facts.contains_key(fact.as_str())
    {
        problems.push(format!(
            "unknown fact `{fact}` (declare it under `facts` in common.yaml)"
        ));
    }
    if let Some(field) = &p.field {
        if test_count != 1 {
            problems.push(format!(
                "the predicate on `{field}` needs exactly one of `equals`, `in`, `present`"
            ));
        }
        if let Err(missing) = resolver.resolve(field) {
            problems.push(format!(
                "the predicate names `{field}`, which does not exist (`{missing}` is not declared)"
            ));
        }
    } else if test_count > 0 || p.json_pointer.is_some() {
        problems.push("`equals`, `in`, `present` and `json_pointer` go with `field`".into());
    }
    if let Some(pointer) = &p.json_pointer
        && !pointer.starts_with('/')
    {
        problems.push(format!("json_pointer `{pointer}` must start with `/`"));
    }
    for child in p.all.iter().chain(p.any.iter()).flatten() {
        check_predicate(index, resolver, child, problems);
    }
    if let Some(child) = &p.not {
        check_predicate(index, resolver, child, problems);
    }
}
