//! File kinds and names that must be unique.

use std::collections::HashMap;

use crate::diagnostics::Diagnostics;
use crate::load::LoadedSpec;
use crate::model::{FileKind, Position};

pub(super) fn check(spec: &LoadedSpec, out: &mut Diagnostics) {
    check_file_kinds(spec, out);
    check_unique_names(spec, out);
}

fn check_file_kinds(spec: &LoadedSpec, out: &mut Diagnostics) {
    let commons: Vec<_> = spec.files.iter().filter(|f| f.is_common()).collect();
    if commons.is_empty()
        && spec.diagnostics.is_empty()
        && let Some(first) = spec.files.first()
    {
        out.error(
            &first.display_name,
            Position { line: 1, column: 1 },
            "the spec has no `kind: common` file (common.yaml) for the shared objects",
        );
    }
    for extra in commons.iter().skip(1) {
        out.error(
            &extra.display_name,
            Position { line: 1, column: 1 },
            format!(
                "a second `kind: common` file; shared objects belong in {}",
                commons[0].display_name
            ),
        );
    }
    for file in &spec.files {
        let c = &file.content;
        let name = &file.display_name;
        let top = Position { line: 1, column: 1 };
        match c.kind {
            FileKind::Common => {
                if c.document.is_some() || c.method.is_some() {
                    out.error(name, top, "a common file has no `document` or `method`");
                }
                if let Some(op) = c.operations.first() {
                    out.error(
                        name,
                        op.at,
                        "operations belong in document files, not in common.yaml",
                    );
                }
                if let Some(ex) = c.examples.first() {
                    out.error(
                        name,
                        ex.at,
                        "examples belong in document files, not in common.yaml",
                    );
                }
                if !c.waived.is_empty() {
                    out.error(
                        name,
                        top,
                        "waived ranges belong in the document file that transcribes the document",
                    );
                }
            }
            FileKind::Document => {
                if c.document.is_none() {
                    out.error(
                        name,
                        top,
                        "a document file needs `document:` (file and title)",
                    );
                }
                if c.method.is_none() {
                    out.error(name, top, "a document file needs `method:`");
                }
                for waiver in &c.waived {
                    if waiver.reason.trim().is_empty() {
                        out.error(
                            name,
                            top,
                            format!("the waived range `{}` needs a `reason`", waiver.source),
                        );
                    }
                    if waiver.source.file.is_some() {
                        out.error(
                            name,
                            top,
                            format!(
                                "the waived range `{}` names a document: a file waives lines of its own document only",
                                waiver.source
                            ),
                        );
                    }
                }
                if let Some((object, _)) = c.objects.iter().next() {
                    out.error(
                        name,
                        top,
                        format!("shared object `{object}` belongs in common.yaml"),
                    );
                }
                if let Some(fact) = c.facts.first() {
                    out.error(name, fact.at, "facts belong in common.yaml");
                }
            }
        }
    }
}

/// Remembers where each name was first defined, and reports later definitions.
struct FirstSeen<'a> {
    what: &'static str,
    seen: HashMap<&'a str, (String, Position)>,
}

impl<'a> FirstSeen<'a> {
    fn new(what: &'static str) -> Self {
        FirstSeen {
            what,
            seen: HashMap::new(),
        }
    }

    fn see(&mut self, name: &'a str, file: &str, at: Position, out: &mut Diagnostics) {
        match self.seen.get(name) {
            Some((first_file, first_at)) => out.error(
                file,
                at,
                format!(
                    "duplicate {} `{name}` (first defined at {first_file}:{}:{})",
                    self.what, first_at.line, first_at.column
                ),
            ),
            None => {
                self.seen.insert(name, (file.to_owned(), at));
            }
        }
    }
}

fn check_unique_names(spec: &LoadedSpec, out: &mut Diagnostics) {
    let mut documents = FirstSeen::new("document");
    let mut methods = FirstSeen::new("method id");
    let mut facts = FirstSeen::new("fact");
    let mut operations = FirstSeen::new("operation id");
    let mut examples = FirstSeen::new("example id");
    for file in &spec.files {
        let name = file.display_name.as_str();
        let c = &file.content;
        if let Some(document) = &c.document {
            documents.see(&document.file, name, Position { line: 1, column: 1 }, out);
        }
        if let Some(method) = &c.method {
            methods.see(&method.id, name, method.at, out);
        }
        for fact in &c.facts {
            facts.see(&fact.id, name, fact.at, out);
        }
        for op in &c.operations {
            operations.see(&op.id, name, op.at, out);
            let mut variants = FirstSeen::new("variant id");
            for variant in &op.variants {
                variants.see(&variant.id, name, variant.at, out);
            }
            let mut params = FirstSeen::new("param path");
            for param in &op.params {
                if let Some(path) = &param.path {
                    params.see(path, name, param.at, out);
                }
            }
            for variant in &op.variants {
                let mut params = FirstSeen::new("param path in a variant");
                for param in &variant.params {
                    if let Some(path) = &param.path {
                        params.see(path, name, param.at, out);
                    }
                }
            }
        }
        for example in &c.examples {
            examples.see(&example.id, name, example.at, out);
        }
    }
}
