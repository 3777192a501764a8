//! `stats`: a table per document of what the spec transcribes.

use std::fmt::Write;

use crate::load::LoadedSpec;
use crate::model::{ErratumKind, Requirement, SpecFile};

/// Counts for one document file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct DocumentStats {
    pub document: String,
    pub operations: usize,
    pub variants: usize,
    /// Params by requirement, in [`Requirement::ALL`] order.
    pub params: [usize; 6],
    pub operation_rules: usize,
    pub method_rules: usize,
    pub examples: usize,
    pub duplicates: usize,
    pub corrected: usize,
    pub with_errata: usize,
    pub syntax_errata: usize,
    pub contradiction_errata: usize,
}

impl DocumentStats {
    pub(crate) fn of(file: &SpecFile) -> Self {
        let mut stats = DocumentStats {
            document: file
                .document
                .as_ref()
                .map(|d| d.file.clone())
                .unwrap_or_default(),
            ..Default::default()
        };
        for op in &file.operations {
            stats.operations += 1;
            stats.variants += op.variants.len();
            let params = op
                .params
                .iter()
                .chain(op.variants.iter().flat_map(|v| v.params.iter()));
            for param in params {
                let requirement = param.requirement_or_default();
                let slot = Requirement::ALL
                    .iter()
                    .position(|r| *r == requirement)
                    .unwrap_or(1);
                stats.params[slot] += 1;
            }
            stats.operation_rules +=
                op.rules.len() + op.variants.iter().map(|v| v.rules.len()).sum::<usize>();
        }
        if let Some(method) = &file.method {
            let currencies = method
                .currencies
                .as_ref()
                .map_or(0, |c| 1 + c.restrictions.len());
            stats.method_rules = currencies
                + method.limits.len()
                + method.timings.len()
                + method.codes.len()
                + method.submethods.len()
                + method.rules.len();
        }
        for example in &file.examples {
            stats.examples += 1;
            stats.duplicates += usize::from(example.duplicate_of.is_some());
            stats.corrected += usize::from(example.corrected.is_some());
            stats.with_errata += usize::from(!example.errata.is_empty());
            for erratum in &example.errata {
                match erratum.kind {
                    ErratumKind::Syntax => stats.syntax_errata += 1,
                    ErratumKind::Contradiction => stats.contradiction_errata += 1,
                }
            }
        }
        stats
    }

    fn add(&mut self, other: &DocumentStats) {
        self.operations += other.operations;
        self.variants += other.variants;
        for (a, b) in self.params.iter_mut().zip(other.params) {
            *a += b;
        }
        self.operation_rules += other.operation_rules;
        self.method_rules += other.method_rules;
        self.examples += other.examples;
        self.duplicates += other.duplicates;
        self.corrected += other.corrected;
        self.with_errata += other.with_errata;
        self.syntax_errata += other.syntax_errata;
        self.contradiction_errata += other.contradiction_errata;
    }
}

/// Stats of every document file, in file order.
pub(crate) fn collect(spec: &LoadedSpec) -> Vec<DocumentStats> {
    spec.files
        .iter()
        .filter(|f| !f.is_common())
        .map(|f| DocumentStats::of(&f.content))
        .collect()
}

/// A Markdown table: one row per document and a total.
pub(crate) fn render_table(stats: &[DocumentStats]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| document | operations | variants | required | optional | recommended | conditional | one-of | forbidden | operation rules | method rules | examples | duplicates | corrected | with errata |"
    );
    let _ = writeln!(out, "|---|{}", "---:|".repeat(14));
    let mut total = DocumentStats {
        document: "**total**".into(),
        ..Default::default()
    };
    for row in stats {
        write_row(&mut out, row);
        total.add(row);
    }
    write_row(&mut out, &total);
    out
}

fn write_row(out: &mut String, s: &DocumentStats) {
    let p = s.params;
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
        s.document,
        s.operations,
        s.variants,
        p[0],
        p[1],
        p[2],
        p[3],
        p[4],
        p[5],
        s.operation_rules,
        s.method_rules,
        s.examples,
        s.duplicates,
        s.corrected,
        s.with_errata
    );
}

/// The share of each document's lines (with text) that references cite or waived ranges cover.
pub(crate) fn render_accounting(rows: &[crate::check::sources::Accounting]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "| document | lines | cited | waived | accounted |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|");
    for row in rows {
        let accounted = row.cited + row.waived;
        let share = if row.lines == 0 {
            100.0
        } else {
            100.0 * accounted as f64 / row.lines as f64
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {share:.1}% |",
            row.document, row.lines, row.cited, row.waived
        );
    }
    out
}
