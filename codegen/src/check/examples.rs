//! Examples: printed exactly as in the document, valid JSON (or corrected), fields their
//! operation declares, required params present; every departure recorded as an erratum.

use std::path::Path;

use serde_json::Value;

use crate::diagnostics::Diagnostics;
use crate::load::{LoadedFile, LoadedSpec};
use crate::model::{
    ErratumKind, ErratumRule, Example, ExampleKind, Interface, Located, Operation, Position,
    Requirement, Variant,
};

use crate::resolve::{BodyResolver, SpecIndex, normalize_path, segments};

pub(super) fn check_all(
    index: &SpecIndex<'_>,
    spec: &LoadedSpec,
    seeds: Option<&Path>,
    out: &mut Diagnostics,
) {
    for file in spec.files.iter().filter(|f| !f.is_common()) {
        let doc = file.document_file();
        if let Some(seeds) = seeds
            && !seeds.join(doc).is_file()
        {
            out.error(
                &file.display_name,
                Position { line: 1, column: 1 },
                format!("document `{doc}` is not in the seeds directory"),
            );
        }
        let mut previous_line = 0;
        for example in &file.content.examples {
            if example.source.first_line < previous_line {
                out.warning(
                    &file.display_name,
                    example.at,
                    format!(
                        "example `{}` is out of document order (it starts at line {}, before the previous one): move its block to keep the file in the document's order",
                        example.id, example.source.first_line
                    ),
                );
            }
            previous_line = example.source.first_line;
            check_example(index, file, example, out);
        }
    }
}

fn check_example(
    index: &SpecIndex<'_>,
    file: &LoadedFile,
    example: &Located<Example>,
    out: &mut Diagnostics,
) {
    let name = file.display_name.as_str();
    let at = example.at;
    let id = example.id.as_str();
    let mut error = |message: String| out.error(name, at, format!("example `{id}`: {message}"));

    if example.source.file.is_some() {
        error("an example's `source` is a line range of its own document".into());
    }

    let operation = match &example.operation {
        Some(op_id) => match index.operations.get(op_id.as_str()) {
            Some((op, _)) => Some(&op.value),
            None => {
                error(format!("unknown operation `{op_id}`"));
                None
            }
        },
        None => {
            if matches!(example.kind, ExampleKind::Request | ExampleKind::Callback) {
                error(format!(
                    "a {} example needs `operation`",
                    example.kind.as_str()
                ));
            }
            None
        }
    };
    let variant = match (operation, &example.variant) {
        (Some(op), Some(v)) => match op.variants.iter().find(|x| &x.id == v) {
            Some(found) => Some(&found.value),
            None => {
                error(format!("operation `{}` has no variant `{v}`", op.id));
                None
            }
        },
        (Some(op), None) if example.kind == ExampleKind::Request && !op.variants.is_empty() => {
            error(format!(
                "operation `{}` has variants: say which one the example shows (`variant`)",
                op.id
            ));
            None
        }
        (None, Some(_)) => {
            error("`variant` needs `operation`".into());
            None
        }
        _ => None,
    };
    if let Some(op) = operation {
        let expected_callback = example.kind == ExampleKind::Callback;
        let is_callback = op.interface == Interface::Callback;
        if matches!(example.kind, ExampleKind::Request | ExampleKind::Callback)
            && expected_callback != is_callback
        {
            error(format!(
                "a {} example cannot illustrate {} operation `{}`",
                example.kind.as_str(),
                op.interface.as_str(),
                op.id
            ));
        }
    }
    if let Some(original) = &example.duplicate_of {
        match index.examples.get(original.as_str()) {
            _ if original == &example.id => error("`duplicate_of` names the example itself".into()),
            Some((first, _)) if first.source.first_line >= example.source.first_line => error(
                format!("`duplicate_of: {original}` must name an example printed earlier"),
            ),
            Some((first, _)) => {
                if normalize_block(&first.printed) != normalize_block(&example.printed) {
                    error(format!(
                        "`duplicate_of: {original}` but the printed text differs from it"
                    ));
                }
            }
            None => error(format!("`duplicate_of` names unknown example `{original}`")),
        }
    }

    for erratum in &example.errata {
        let syntax = erratum.kind == ErratumKind::Syntax;
        let malformed = erratum.rule == ErratumRule::MalformedJson;
        if syntax != malformed {
            error(format!(
                "erratum `{}`: `kind: syntax` goes with `rule: malformed_json`, and only with it",
                erratum.rule.as_str()
            ));
        }
        if erratum.reason.trim().is_empty() {
            error("an erratum needs a `reason`".into());
        }
    }

    let printed_parses = serde_json::from_str::<Value>(&example.printed).is_ok();
    let has_syntax_erratum = example.errata.iter().any(|e| e.kind == ErratumKind::Syntax);
    match &example.corrected {
        Some(_) if printed_parses && example.kind != ExampleKind::Fragment => {
            error("`corrected` is given, but the printed text is valid JSON as it stands".into())
        }
        Some(_) if !printed_parses && !has_syntax_erratum => {
            error("the printed text is corrected, but no `kind: syntax` erratum says why".into())
        }
        // A JavaScript snippet that is not a message (a `<script>` tag) has no JSON form.
        None if !printed_parses && example.kind == ExampleKind::JsSnippet => return,
        None if !printed_parses => error(
            "the printed text is not valid JSON: give `corrected` and a `kind: syntax` erratum"
                .into(),
        ),
        _ => {}
    }
    let json = match serde_json::from_str::<Value>(example.json_text()) {
        Ok(json) => json,
        Err(e) => {
            if example.corrected.is_some() {
                error(format!("`corrected` is not valid JSON: {e}"));
            }
            return;
        }
    };
    if let Some(op) = operation {
        let errata = Errata::of(example);
        let resolver = BodyResolver::new(index, op, variant);
        let mut paths = Vec::new();
        collect_paths(&json, String::new(), &mut paths);
        let mut problems = Vec::new();
        check_declared(&resolver, op, &paths, &errata, &mut problems);
        if example.kind != ExampleKind::Fragment {
            check_required(op, variant, &json, &errata, &mut problems);
        }
        check_stale_errata(&resolver, op, &json, &paths, &errata, &mut problems);
        for problem in problems {
            error(problem);
        }
    }
}

fn normalize_block(text: &str) -> String {
    text.lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths an example's errata excuse, by rule.
struct Errata {
    undeclared: Vec<String>,
    missing: Vec<String>,
}

impl Errata {
    fn of(example: &Example) -> Self {
        let mut errata = Errata {
            undeclared: Vec::new(),
            missing: Vec::new(),
        };
        for e in &example.errata {
            let Some(path) = &e.path else { continue };
            let path = normalize_path(path);
            match e.rule {
                ErratumRule::UndeclaredField => errata.undeclared.push(path),
                ErratumRule::MissingRequired => errata.missing.push(path),
                // A field in the wrong place is both undeclared where it is and missing where it
                // belongs; the erratum names one of the two paths.
                ErratumRule::WrongPlace => {
                    errata.undeclared.push(path.clone());
                    errata.missing.push(path);
                }
                _ => {}
            }
        }
        errata
    }

    fn excuses_undeclared(&self, path: &str) -> bool {
        self.undeclared.iter().any(|p| {
            path == p || path.starts_with(&format!("{p}.")) || path.starts_with(&format!("{p}[]"))
        })
    }
}

/// Every key of the example must be declared by its operation.
fn check_declared(
    resolver: &BodyResolver<'_>,
    op: &Operation,
    paths: &[String],
    errata: &Errata,
    problems: &mut Vec<String>,
) {
    for path in paths {
        if errata.excuses_undeclared(path) {
            continue;
        }
        if let Err(missing) = resolver.resolve(path) {
            // Report the outermost undeclared key once.
            if &missing == path {
                problems.push(format!(
                    "uses `{path}`, which operation `{}` does not declare (record an erratum `rule: undeclared_field` with this path if the example is wrong)",
                    op.id
                ));
            }
        }
    }
}

/// Paths of every key in a JSON value, arrays as `[]`.
pub(crate) fn collect_paths(value: &Value, prefix: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                out.push(path.clone());
                collect_paths(child, path, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                collect_paths(item, format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

/// Params that are `required` in the example's operation (and variant).
fn required_paths<'a>(op: &'a Operation, variant: Option<&'a Variant>) -> Vec<&'a str> {
    let mut requirement: indexmap::IndexMap<&str, Requirement> = indexmap::IndexMap::new();
    for param in op
        .params
        .iter()
        .chain(variant.into_iter().flat_map(|v| v.params.iter()))
    {
        if let (Some(path), Some(req)) = (&param.path, param.requirement) {
            requirement.insert(path, req);
        }
    }
    requirement
        .into_iter()
        .filter(|(_, r)| *r == Requirement::Required)
        .map(|(p, _)| p)
        .collect()
}

fn check_required(
    op: &Operation,
    variant: Option<&Variant>,
    json: &Value,
    errata: &Errata,
    problems: &mut Vec<String>,
) {
    for path in required_paths(op, variant) {
        if !is_present(json, path) && !errata.missing.contains(&normalize_path(path)) {
            problems.push(format!(
                "lacks `{path}`, which operation `{}` requires (record an erratum `rule: missing_required` with this path if the example is wrong)",
                op.id
            ));
        }
    }
}

/// Whether `path` is present: in every element where it passes through an array.
pub(crate) fn is_present(json: &Value, path: &str) -> bool {
    fn walk(value: &Value, segments: &[crate::resolve::Segment<'_>]) -> bool {
        let Some((first, rest)) = segments.split_first() else {
            return true;
        };
        let Some(child) = value.get(first.key) else {
            return false;
        };
        if first.into_items {
            match child {
                Value::Array(items) => items.iter().all(|item| walk(item, rest)),
                _ => false,
            }
        } else {
            walk(child, rest)
        }
    }
    walk(json, &segments(path))
}

/// Errata that no longer describe the example are reported, so they cannot go stale silently.
fn check_stale_errata(
    resolver: &BodyResolver<'_>,
    op: &Operation,
    json: &Value,
    present: &[String],
    errata: &Errata,
    problems: &mut Vec<String>,
) {
    for path in &errata.undeclared {
        if !present.contains(path) && !errata.missing.contains(path) {
            problems.push(format!(
                "an erratum names `{path}`, which the example does not contain"
            ));
        } else if resolver.resolve(path).is_ok() && !errata.missing.contains(path) {
            problems.push(format!(
                "an erratum says `{path}` is undeclared, but operation `{}` declares it",
                op.id
            ));
        }
    }
    for path in &errata.missing {
        if is_present(json, path) && !errata.undeclared.contains(path) {
            problems.push(format!(
                "an erratum says `{path}` is missing, but the example has it"
            ));
        }
    }
}
