//! Every `source:` reference read against its document: the cited lines exist and hold the
//! reference's text (its quoted `original`, its example's `printed` block, or the fingerprint
//! recorded after `@`). When the documents change, each reference is placed again: in place,
//! moved unchanged (which `reanchor` rewrites), or lost (its text changed or vanished), named at
//! its document line.
//!
//! Placing a reference: every window of the document that holds its text is a candidate shift.
//! References with a single candidate are anchors; a reference takes the shift of the nearest
//! anchor before it (else after it) when that shift holds its text, so a table row printed in
//! several sections follows its own section rather than the first look-alike.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::LoadedSpec;
use crate::load::references::{Cited, WrittenRef, references};
use crate::model::{FINGERPRINT_DIGITS, Position};

/// Occurrences of a quote's first part looked at per reference: bounded work per reference.
const MAX_OCCURRENCES: usize = 4096;
/// How much of a text a message quotes.
const EXCERPT_CHARS: usize = 80;

/// A vendor document as the checks read it: its lines, each whitespace-normalised, and their
/// normalised text joined by spaces (a quote may run across lines).
pub(crate) struct Document {
    pub name: String,
    lines: Vec<String>,
    normalized: Vec<String>,
    line_hashes: Vec<u64>,
    joined: String,
    starts: Vec<usize>,
}

fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The rolling hash's modulus (a Mersenne prime) and base.
const MODULUS: u64 = (1 << 61) - 1;
const BASE: u64 = 1_000_003;
const FINGERPRINT_MASK: u64 = (1 << (4 * FINGERPRINT_DIGITS)) - 1;

fn mul_mod(a: u64, b: u64) -> u64 {
    ((u128::from(a) * u128::from(b)) % u128::from(MODULUS)) as u64
}

fn line_hash(normalized: &str) -> u64 {
    let digest = Sha256::digest(normalized.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(first) % MODULUS
}

/// The fingerprint of lines (each whitespace-normalised): a polynomial over their SHA-256
/// hashes, so that every window of a document is hashed in one pass.
fn fingerprint_of(hashes: &[u64]) -> u64 {
    hashes
        .iter()
        .fold(0, |h, &line| (mul_mod(h, BASE) + line) % MODULUS)
        & FINGERPRINT_MASK
}

/// `@` and the fingerprint's hex digits, as a reference writes them.
pub(crate) fn fingerprint_text(fingerprint: u64) -> String {
    format!("@{fingerprint:0width$x}", width = FINGERPRINT_DIGITS)
}

impl Document {
    pub(crate) fn new(name: &str, text: &str) -> Self {
        let lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let normalized: Vec<String> = lines.iter().map(|l| normalize(l)).collect();
        let line_hashes = normalized.iter().map(|l| line_hash(l)).collect();
        let mut joined = String::new();
        let mut starts = Vec::with_capacity(lines.len());
        for line in &normalized {
            // Blank lines add nothing: a quote runs on across them.
            if !joined.is_empty() && !line.is_empty() {
                joined.push(' ');
            }
            starts.push(joined.len());
            joined.push_str(line);
        }
        Document {
            name: name.to_owned(),
            lines,
            normalized,
            line_hashes,
            joined,
            starts,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.lines.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// A line as printed (1-based).
    fn line(&self, number: usize) -> &str {
        self.lines.get(number.wrapping_sub(1)).map_or("", |l| l)
    }

    fn end_of(&self, line: usize) -> usize {
        self.starts[line - 1] + self.normalized[line - 1].len()
    }

    /// The 1-based line holding byte `offset` of the joined text.
    fn line_at(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset).max(1)
    }

    fn fingerprint(&self, first: usize, last: usize) -> u64 {
        fingerprint_of(&self.line_hashes[first - 1..last])
    }

    #[cfg(test)]
    fn holds(&self, first: usize, last: usize, text: &Text) -> bool {
        if first == 0 || last > self.len() || first > last {
            return false;
        }
        match text {
            Text::Quote(parts) => find_parts(
                &self.joined[self.starts[first - 1]..self.end_of(last)],
                parts,
                0,
            )
            .is_some(),
            Text::Fingerprint(fingerprint) => self.fingerprint(first, last) == *fingerprint,
        }
    }

    /// Every shift `d` such that lines `first+d ..= first+d+len-1` hold the text.
    fn shifts(&self, first: usize, len: usize, text: &Text) -> Shifts {
        let mut shifts = Shifts::default();
        let n = self.len();
        if len == 0 || len > n {
            return shifts;
        }
        let first = first as i64;
        match text {
            Text::Quote(parts) => {
                let Some(head) = parts.first() else {
                    return shifts;
                };
                for (offset, _) in self
                    .joined
                    .match_indices(head.as_str())
                    .take(MAX_OCCURRENCES)
                {
                    // The rest must end within `len` lines of where the head starts: each
                    // occurrence costs at most a window's bytes.
                    let p = self.line_at(offset);
                    let window_end = self.end_of((p + len - 1).min(n));
                    let Some((start, end)) = find_parts(&self.joined[..window_end], parts, offset)
                    else {
                        continue;
                    };
                    if start != offset {
                        continue;
                    }
                    let q = self.line_at(end.saturating_sub(1));
                    if q - p + 1 > len {
                        continue;
                    }
                    let lowest = (q + 1).saturating_sub(len).max(1);
                    let highest = p.min(n + 1 - len);
                    if lowest <= highest {
                        shifts.add(lowest as i64 - first, highest as i64 - first);
                    }
                }
            }
            Text::Fingerprint(fingerprint) => {
                // Roll the window's hash down the document: one pass.
                let mut power = 1;
                for _ in 1..len {
                    power = mul_mod(power, BASE);
                }
                let mut hash = 0;
                for (i, &line) in self.line_hashes.iter().enumerate() {
                    if i >= len {
                        let dropped = mul_mod(self.line_hashes[i - len], power);
                        hash = (hash + MODULUS - dropped) % MODULUS;
                    }
                    hash = (mul_mod(hash, BASE) + line) % MODULUS;
                    if i + 1 >= len && hash & FINGERPRINT_MASK == *fingerprint {
                        let start = (i + 2 - len) as i64;
                        shifts.add(start - first, start - first);
                    }
                }
            }
        }
        shifts.normalize();
        shifts
    }
}

/// The parts of a quote, each whitespace-normalised: `...` (or `…`), ` / ` and `;` separate parts
/// quoted in order with text left out between them.
fn quote_parts(quote: &str) -> Vec<String> {
    quote
        .split("...")
        .flat_map(|part| part.split(" / "))
        .flat_map(|part| part.split(['…', ';']))
        .map(normalize)
        .filter(|part| !part.is_empty())
        .collect()
}

/// The first place from `from` where the parts occur in order: (start of the first, end of the
/// last).
fn find_parts(haystack: &str, parts: &[String], from: usize) -> Option<(usize, usize)> {
    let mut at = from;
    let mut start = None;
    for part in parts {
        let found = at + haystack.get(at..)?.find(part.as_str())?;
        start.get_or_insert(found);
        at = found + part.len();
    }
    Some((start?, at))
}

/// What a reference's lines must hold, in the form the document is searched for.
enum Text {
    Quote(Vec<String>),
    Fingerprint(u64),
}

/// Candidate shifts as sorted, disjoint, inclusive intervals.
#[derive(Default, Debug)]
struct Shifts(Vec<(i64, i64)>);

impl Shifts {
    fn add(&mut self, low: i64, high: i64) {
        self.0.push((low, high));
    }

    fn normalize(&mut self) {
        self.0.sort_unstable();
        let mut merged: Vec<(i64, i64)> = Vec::with_capacity(self.0.len());
        for (low, high) in self.0.drain(..) {
            match merged.last_mut() {
                Some(last) if low <= last.1 + 1 => last.1 = last.1.max(high),
                _ => merged.push((low, high)),
            }
        }
        self.0 = merged;
    }

    fn contains(&self, shift: i64) -> bool {
        self.0
            .iter()
            .any(|&(low, high)| (low..=high).contains(&shift))
    }

    fn single(&self) -> Option<i64> {
        match self.0.as_slice() {
            [(low, high)] if low == high => Some(*low),
            _ => None,
        }
    }

    fn nearest(&self, target: i64) -> Option<i64> {
        self.0
            .iter()
            .map(|&(low, high)| target.clamp(low, high))
            .min_by_key(|shift| (shift.abs_diff(target), *shift))
    }
}

/// Where a reference stands in the current document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    InPlace,
    /// Its text, unchanged, is `shift` lines away.
    Moved {
        shift: i64,
    },
    /// Its text is not in the document any more.
    Lost(Loss),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Loss {
    /// The line where it should be now reads differently.
    Changed {
        line: usize,
        was: String,
        now: String,
    },
    /// Nothing like it is near where it should be.
    Vanished { first: usize, last: usize },
    /// A parameter's row, unchanged, moved away from the rows around it (to another list:
    /// optional to required, or back): not followed silently.
    MovedAlone { from: usize, to: usize },
}

/// A reference of a spec file and its outcome.
#[derive(Debug)]
pub(crate) struct Placed {
    pub file: usize,
    pub written: WrittenRef,
    pub outcome: Outcome,
    /// Where its lines are now: its shift when placed, else the shift of its neighbours.
    pub shift: i64,
}

impl Placed {
    /// The lines it cites in the current document.
    fn lines_now(&self) -> (i64, i64) {
        (
            i64::from(self.written.reference.first_line) + self.shift,
            i64::from(self.written.reference.last_line) + self.shift,
        )
    }
}

/// What reading every reference found.
#[derive(Debug, Default)]
pub(crate) struct Reading {
    pub placed: Vec<Placed>,
    pub diagnostics: Diagnostics,
}

impl Reading {
    pub(crate) fn moved(&self) -> usize {
        self.placed
            .iter()
            .filter(|p| matches!(p.outcome, Outcome::Moved { .. }))
            .count()
    }
}

/// A document name from the spec must name a file directly in the seeds directory.
fn plain_name(name: &str) -> bool {
    !name.is_empty() && !name.contains(['/', '\\']) && name != "." && name != ".."
}

fn excerpt(text: &str) -> String {
    let text = normalize(text);
    if text.chars().count() <= EXCERPT_CHARS {
        format!("{text:?}")
    } else {
        let cut: String = text.chars().take(EXCERPT_CHARS).collect();
        format!("{cut:?}…")
    }
}

/// Reads every reference of the spec; `seeds` is the documents' directory (without it, only
/// what needs no document: every reference has a quote or a fingerprint, and prose cites no line
/// numbers).
pub(crate) fn read(spec: &LoadedSpec, seeds: Option<&Path>) -> Reading {
    let mut reading = Reading::default();
    let mut by_document: HashMap<String, Vec<(usize, WrittenRef)>> = HashMap::new();
    for (index, file) in spec.files.iter().enumerate() {
        let name = file.display_name.as_str();
        let found = references(&file.text);
        for prose in found.prose {
            reading.diagnostics.error(
                name,
                prose.at,
                format!(
                    "`{}` cites document lines in prose (`{}`): cite them in a `source:` or leave them out, since prose cannot follow a document that moves",
                    prose.key, prose.excerpt
                ),
            );
        }
        for written in found.refs {
            let problem = match (&written.cited, written.reference.fingerprint) {
                (Cited::Fingerprint(None), _) => Some(
                    "has neither a quoted `original` nor a fingerprint of the text it cites: run `ecommpay-codegen reanchor` to record one"
                        .to_owned(),
                ),
                (Cited::Quote(_) | Cited::Printed(_), Some(_)) => Some(
                    "has a fingerprint beside its quoted text: the quote is what is checked, so drop the fingerprint"
                        .to_owned(),
                ),
                _ => None,
            };
            if let Some(problem) = problem {
                reading.diagnostics.error(
                    name,
                    written.at,
                    format!(
                        "{}: source `{}` {problem}",
                        written.owner, written.reference
                    ),
                );
            }
            if !plain_name(&written.document) {
                reading.diagnostics.error(
                    name,
                    written.at,
                    format!(
                        "{}: `{}` is not the file name of a document",
                        written.owner, written.document
                    ),
                );
                continue;
            }
            by_document
                .entry(written.document.clone())
                .or_default()
                .push((index, written));
        }
    }
    let Some(seeds) = seeds else {
        return reading;
    };
    let mut documents: Vec<_> = by_document.into_iter().collect();
    documents.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, refs) in documents {
        let text = match std::fs::read_to_string(seeds.join(&name)) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                for (file, written) in refs {
                    // A document file whose own document is missing is reported once, by the
                    // examples' check; a reference into another document here.
                    if spec.files[file].document_file() != name {
                        reading.diagnostics.error(
                            &spec.files[file].display_name,
                            written.at,
                            format!(
                                "{}: document `{name}` is not in the seeds directory",
                                written.owner
                            ),
                        );
                    }
                }
                continue;
            }
            Err(e) => {
                // Unreadable (not UTF-8, no permission): said once, where it is first cited.
                if let Some((file, written)) = refs.first() {
                    reading.diagnostics.error(
                        &spec.files[*file].display_name,
                        written.at,
                        format!("cannot read document `{name}` in the seeds directory: {e}"),
                    );
                }
                continue;
            }
        };
        let document = Document::new(&name, &text);
        let placed_before = reading.placed.len();
        place_all(spec, &document, refs, &mut reading);
        let (placed, diagnostics) = (&reading.placed[placed_before..], &mut reading.diagnostics);
        name_new_rows(spec, &document, placed, diagnostics);
        name_unaccounted_lines(spec, &document, placed, diagnostics);
    }
    let moved = reading.moved();
    if moved > 0 {
        reading.diagnostics.push(Diagnostic::summary(format!(
            "{moved} references moved unchanged; run `ecommpay-codegen reanchor`"
        )));
    }
    reading
}

/// The text a written reference must find, or why it has none to look for.
fn text_of(written: &WrittenRef) -> Result<Text, String> {
    let (first, last) = (
        written.reference.first_line as usize,
        written.reference.last_line as usize,
    );
    match &written.cited {
        Cited::Quote(quote) => {
            let parts = quote_parts(quote);
            if parts.is_empty() {
                Err("its `original` is empty".to_owned())
            } else {
                Ok(Text::Quote(parts))
            }
        }
        Cited::Printed(printed) => {
            let lines: Vec<&str> = printed
                .strip_suffix('\n')
                .unwrap_or(printed)
                .split('\n')
                .collect();
            if lines.len() != last - first + 1 {
                return Err(format!(
                    "`printed` has {} lines, the source range {first}-{last} has {}",
                    lines.len(),
                    last - first + 1
                ));
            }
            let hashes: Vec<u64> = lines.iter().map(|l| line_hash(&normalize(l))).collect();
            Ok(Text::Fingerprint(fingerprint_of(&hashes)))
        }
        Cited::Fingerprint(Some(fingerprint)) => Ok(Text::Fingerprint(*fingerprint)),
        Cited::Fingerprint(None) => Err(String::new()),
    }
}

fn place_all(
    spec: &LoadedSpec,
    document: &Document,
    refs: Vec<(usize, WrittenRef)>,
    reading: &mut Reading,
) {
    struct Candidate {
        file: usize,
        written: WrittenRef,
        text: Text,
        shifts: Shifts,
    }
    let mut candidates = Vec::new();
    for (file, written) in refs {
        let name = &spec.files[file].display_name;
        let (first, last) = (
            written.reference.first_line as usize,
            written.reference.last_line as usize,
        );
        let text = match text_of(&written) {
            Ok(text) => text,
            Err(problem) => {
                if !problem.is_empty() {
                    reading.diagnostics.error(
                        name,
                        written.at,
                        format!("{}: {problem}", written.owner),
                    );
                }
                continue;
            }
        };
        let shifts = document.shifts(first, last - first + 1, &text);
        candidates.push(Candidate {
            file,
            written,
            text,
            shifts,
        });
    }
    // Lines another reference cites and still finds in place: a single candidate landing exactly
    // there is that reference's look-alike (a twin section's row), not an anchor to follow.
    let in_place: std::collections::HashSet<(u32, u32)> = candidates
        .iter()
        .filter(|c| c.shifts.contains(0))
        .map(|c| {
            (
                c.written.reference.first_line,
                c.written.reference.last_line,
            )
        })
        .collect();
    let mut anchors: Vec<(u32, i64)> = candidates
        .iter()
        .filter_map(|c| {
            let shift = c.shifts.single()?;
            let (first, last) = (
                c.written.reference.first_line,
                c.written.reference.last_line,
            );
            let target = (
                u32::try_from(i64::from(first) + shift).ok()?,
                u32::try_from(i64::from(last) + shift).ok()?,
            );
            (shift == 0 || !in_place.contains(&target)).then_some((first, shift))
        })
        .collect();
    anchors.sort_unstable();
    let start = reading.placed.len();
    // Per reference placed here: whether its shift is one no other anchor beside it shares, the
    // shift its neighbours suggest, and the text its lines must hold.
    let mut unsupported: Vec<(bool, i64)> = Vec::new();
    let mut texts: Vec<Text> = Vec::new();
    for candidate in candidates {
        let first = candidate.written.reference.first_line;
        let split = anchors.partition_point(|&(line, _)| line <= first);
        let before = split.checked_sub(1).map(|i| anchors[i].1);
        let after = anchors.get(split).map(|a| a.1);
        let preferred: Vec<i64> = before.into_iter().chain(after).collect();
        // The anchors beside it other than itself.
        let others: Vec<i64> = anchors[..anchors.partition_point(|&(line, _)| line < first)]
            .last()
            .map(|a| a.1)
            .into_iter()
            .chain(after)
            .collect();
        let shift = preferred
            .iter()
            .copied()
            .find(|&s| candidate.shifts.contains(s))
            .or_else(|| candidate.shifts.contains(0).then_some(0))
            .or_else(|| {
                candidate
                    .shifts
                    .nearest(preferred.first().copied().unwrap_or(0))
            });
        let effective = shift.unwrap_or_else(|| preferred.first().copied().unwrap_or(0));
        unsupported.push((
            shift.is_some_and(|s| s != 0 && !others.contains(&s)),
            others.first().copied().unwrap_or(0),
        ));
        let outcome = match shift {
            Some(0) => {
                if let (Cited::Printed(printed), true) = (
                    &candidate.written.cited,
                    candidate.written.reference.last_line as usize <= document.len(),
                ) && let Some(difference) =
                    printed_difference(document, &candidate.written, printed)
                {
                    reading.diagnostics.error(
                        &spec.files[candidate.file].display_name,
                        candidate.written.at,
                        difference,
                    );
                }
                Outcome::InPlace
            }
            Some(shift) => Outcome::Moved { shift },
            None => {
                let expected = preferred.first().copied().unwrap_or(0);
                let loss = describe_loss(document, &candidate.written, &candidate.text, expected);
                let written = &candidate.written;
                let message = if written.reference.last_line as usize > document.len() {
                    format!(
                        "{}: source `{}` runs past the end of {} ({} lines), and its text is nowhere in it",
                        written.owner,
                        written.reference,
                        document.name,
                        document.len()
                    )
                } else {
                    loss_message(&document.name, written, &loss)
                };
                reading.diagnostics.error(
                    &spec.files[candidate.file].display_name,
                    written.at,
                    message,
                );
                Outcome::Lost(loss)
            }
        };
        texts.push(candidate.text);
        reading.placed.push(Placed {
            file: candidate.file,
            written: candidate.written,
            outcome,
            shift: effective,
        });
    }
    refuse_look_alikes(spec, document, reading, start, &unsupported, &texts);
}

/// Moves no anchor beside the reference shares are not followed silently: onto lines another
/// reference (of other lines) cites, it is a look-alike found elsewhere (a row printed in several
/// sections: the row itself was removed), and a parameter's row that moved alone changed lists
/// (optional to required). Either is lost, so that `reanchor` leaves it and `check` names it.
fn refuse_look_alikes(
    spec: &LoadedSpec,
    document: &Document,
    reading: &mut Reading,
    start: usize,
    unsupported: &[(bool, i64)],
    texts: &[Text],
) {
    let placed = &reading.placed[start..];
    // A move the references beside it (by their cited lines, of other lines) share is part of a
    // block that moved; one they do not share moved alone.
    let mut order: Vec<usize> = (0..placed.len()).collect();
    order.sort_by_key(|&i| {
        (
            placed[i].written.reference.first_line,
            placed[i].written.reference.last_line,
        )
    });
    let range = |p: &Placed| {
        (
            p.written.reference.first_line,
            p.written.reference.last_line,
        )
    };
    let alone: Vec<bool> = {
        let mut alone = vec![false; placed.len()];
        for (k, &i) in order.iter().enumerate() {
            let Outcome::Moved { shift } = placed[i].outcome else {
                continue;
            };
            let shares = |j: usize| {
                range(&placed[j]) != range(&placed[i])
                    && !matches!(placed[j].outcome, Outcome::Lost(_))
                    && placed[j].shift == shift
            };
            let before = order[..k]
                .iter()
                .rev()
                .find(|&&j| range(&placed[j]) != range(&placed[i]));
            let after = order[k + 1..]
                .iter()
                .find(|&&j| range(&placed[j]) != range(&placed[i]));
            alone[i] = unsupported[i].0
                && !before.is_some_and(|&j| shares(j))
                && !after.is_some_and(|&j| shares(j));
        }
        alone
    };
    let mut claimed: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for (i, p) in placed.iter().enumerate() {
        if !matches!(p.outcome, Outcome::Lost(_)) {
            claimed.entry(p.lines_now()).or_default().push(i);
        }
    }
    let look_alikes: Vec<(usize, usize)> = placed
        .iter()
        .enumerate()
        .filter(|(i, p)| alone[*i] && matches!(p.outcome, Outcome::Moved { .. }))
        .filter_map(|(i, p)| {
            let other = claimed
                .get(&p.lines_now())?
                .iter()
                .copied()
                .find(|&o| range(&placed[o]) != range(p))?;
            Some((i, other))
        })
        .collect();
    let look_alike_rows: Vec<usize> = look_alikes.iter().map(|&(i, _)| i).collect();
    let moved_alone: Vec<usize> = placed
        .iter()
        .enumerate()
        .filter(|(i, p)| {
            alone[*i]
                && matches!(p.outcome, Outcome::Moved { .. })
                && p.written.path.contains(".params[")
                && p.written.reference.last_line as usize <= document.len()
                && !look_alike_rows.contains(i)
        })
        .map(|(i, _)| i)
        .collect();
    for i in moved_alone {
        let (to, _) = reading.placed[start + i].lines_now();
        let p = &mut reading.placed[start + i];
        let loss = Loss::MovedAlone {
            from: p.written.reference.first_line as usize,
            to: to.max(1) as usize,
        };
        reading.diagnostics.error(
            &spec.files[p.file].display_name,
            p.written.at,
            loss_message(&document.name, &p.written, &loss),
        );
        p.outcome = Outcome::Lost(loss);
        p.shift = unsupported[i].1;
    }
    for (i, other) in look_alikes {
        let (now_first, now_last) = reading.placed[start + i].lines_now();
        let other_owner = reading.placed[start + other].written.owner.clone();
        let p = &mut reading.placed[start + i];
        let lines = if now_first == now_last {
            format!("{now_first}")
        } else {
            format!("{now_first}-{now_last}")
        };
        // Named where its neighbours say it is now: changed there, or gone.
        let expected = unsupported[i].1;
        let loss = describe_loss(document, &p.written, &texts[i], expected);
        let what = match &loss {
            Loss::Vanished { first, .. } => format!(
                "{}:{first}: {}: the text of source `{}` is no longer at its lines (removed?)",
                document.name, p.written.owner, p.written.reference
            ),
            changed => loss_message(&document.name, &p.written, changed),
        };
        reading.diagnostics.error(
            &spec.files[p.file].display_name,
            p.written.at,
            format!(
                "{what}; the same words stand at {}:{lines}, which {other_owner} cites: a \
                 look-alike, unless this text really moved there",
                document.name
            ),
        );
        p.outcome = Outcome::Lost(loss);
        p.shift = expected;
    }
}

/// How a document's lines are accounted for.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Accounting {
    /// The document's file name in the seeds directory.
    pub document: String,
    /// Lines with text (blank lines need no account).
    pub lines: usize,
    /// Of those, lines some reference cites.
    pub cited: usize,
    /// Lines no reference cites that a waived range covers.
    pub waived: usize,
}

/// Per line (1-based; index 0 unused): cited by a reference, or waived.
fn account<'a>(
    document: &Document,
    placed: impl IntoIterator<Item = &'a Placed>,
) -> (Vec<bool>, Vec<bool>) {
    let placed: Vec<&Placed> = placed.into_iter().collect();
    let mut cited = vec![false; document.len() + 1];
    let mut waived = vec![false; document.len() + 1];
    for p in &placed {
        let marks = if p.written.path.starts_with("waived[") {
            &mut waived
        } else {
            &mut cited
        };
        for (first, last) in covered_now(document, p, &placed) {
            for line in first.max(1)..=last.min(document.len() as i64) {
                marks[line as usize] = true;
            }
        }
    }
    (cited, waived)
}

/// Whether a reference pins its lines exactly: a fingerprint or a printed block covers its whole
/// range, a quote only the few lines of a narrow reference.
fn is_exact(p: &Placed) -> bool {
    let (first, last) = p.lines_now();
    !matches!(p.outcome, Outcome::Lost(_))
        && (!matches!(p.written.cited, Cited::Quote(_)) || last - first < ROW_CITATION_LINES)
}

/// The lines a reference accounts for now. A wide reference checked by its quote alone stays
/// where its quote is, so when the exact references inside its range moved differently (text
/// was inserted or removed inside it), it covers only the stretches between them that moved
/// alike: the lines at the edit are left for the waivers and the check to account for.
fn covered_now(document: &Document, reference: &Placed, placed: &[&Placed]) -> Vec<(i64, i64)> {
    let (first, last) = (
        i64::from(reference.written.reference.first_line),
        i64::from(reference.written.reference.last_line),
    );
    let Cited::Quote(quote) = &reference.written.cited else {
        return vec![reference.lines_now()];
    };
    if is_exact(reference) {
        return vec![reference.lines_now()];
    }
    // Anchors inside the range, by their old lines: the quote where it stands, and every exact
    // reference within.
    let mut anchors: Vec<(i64, i64, i64)> = placed
        .iter()
        .filter(|p| !std::ptr::eq(**p, reference) && is_exact(p))
        .map(|p| {
            (
                i64::from(p.written.reference.first_line),
                i64::from(p.written.reference.last_line),
                p.shift,
            )
        })
        .filter(|&(a, b, _)| first <= a && b <= last)
        .collect();
    let (now_first, now_last) = reference.lines_now();
    if now_first >= 1 && (now_last as usize) <= document.len() {
        let window = &document.joined
            [document.starts[now_first as usize - 1]..document.end_of(now_last as usize)];
        let offset = document.starts[now_first as usize - 1];
        if let Some((start, end)) = find_parts(window, &quote_parts(quote), 0) {
            let (p, q) = (
                document.line_at(offset + start) as i64,
                document.line_at(offset + end.saturating_sub(1)) as i64,
            );
            anchors.push((p - reference.shift, q - reference.shift, reference.shift));
        }
    }
    anchors.sort_unstable();
    let mut segments = Vec::new();
    let (mut start, mut shift, mut reached) = (first + reference.shift, reference.shift, first - 1);
    for (a, b, anchor_shift) in anchors {
        if anchor_shift != shift {
            segments.push((start, reached + shift));
            start = a + anchor_shift;
            shift = anchor_shift;
        }
        reached = reached.max(b);
    }
    segments.push((start, last + shift));
    segments
}

/// Each document's accounting, for `stats`: the references placed as `check` places them.
pub(crate) fn accounting(spec: &LoadedSpec, seeds: &Path) -> Vec<Accounting> {
    let reading = read(spec, Some(seeds));
    let mut names: Vec<&str> = spec
        .files
        .iter()
        .filter(|f| !f.is_common())
        .map(|f| f.document_file())
        .collect();
    names.sort_unstable();
    names.dedup();
    let mut out = Vec::new();
    for name in names {
        let Ok(text) = std::fs::read_to_string(seeds.join(name)) else {
            continue;
        };
        let document = Document::new(name, &text);
        let placed = reading.placed.iter().filter(|p| p.written.document == name);
        let (cited, waived) = account(&document, placed);
        let mut row = Accounting {
            document: name.to_owned(),
            ..Accounting::default()
        };
        for line in 1..=document.len() {
            if document.normalized[line - 1].is_empty() {
                continue;
            }
            row.lines += 1;
            if cited[line] {
                row.cited += 1;
            } else if waived[line] {
                row.waived += 1;
            }
        }
        out.push(row);
    }
    out
}

/// Lines with text that no reference cites and no waived range covers: new content (or content
/// the spec forgot), named as runs at their lines, beside the reference that precedes them.
fn name_unaccounted_lines(
    spec: &LoadedSpec,
    document: &Document,
    placed: &[Placed],
    out: &mut Diagnostics,
) {
    // Only a document some file transcribes is accounted line by line.
    let Some(own_file) = spec
        .files
        .iter()
        .position(|f| !f.is_common() && f.document_file() == document.name)
    else {
        return;
    };
    let (cited, waived) = account(document, placed);
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for line in 1..=document.len() {
        if document.normalized[line - 1].is_empty() || cited[line] || waived[line] {
            continue;
        }
        match runs.last_mut() {
            // Blank lines between two unaccounted lines do not split a run.
            Some((_, last)) if (*last + 1..line).all(|l| document.normalized[l - 1].is_empty()) => {
                *last = line;
            }
            _ => runs.push((line, line)),
        }
    }
    for (first, last) in runs {
        let count = (first..=last)
            .filter(|&l| !document.normalized[l - 1].is_empty())
            .count();
        // Beside the reference that ends nearest before the run: where a transcription goes.
        let before = placed
            .iter()
            .filter(|p| {
                p.lines_now().1 < first as i64
                    && spec.files[p.file].document_file() == document.name
            })
            .max_by_key(|p| (p.lines_now().1, p.lines_now().0));
        let (file, at, beside) = match before {
            Some(p) => (
                &spec.files[p.file].display_name,
                p.written.at,
                format!(" (after {})", p.written.owner),
            ),
            None => (
                &spec.files[own_file].display_name,
                Position { line: 1, column: 1 },
                String::new(),
            ),
        };
        let range = if first == last {
            first.to_string()
        } else {
            format!("{first}-{last}")
        };
        out.error(
            file,
            at,
            format!(
                "{}:{range}: {count} line(s) that no reference cites and no waived range covers{beside}, from {}: transcribe them, or waive them (`waived:` with a reason)",
                document.name,
                excerpt(document.line(first))
            ),
        );
    }
}

/// How many lines a reference that cites one parameter row spans at most: wider ones (an
/// operation's section, a method rule's table) account for rows only through the names of their
/// params.
const ROW_CITATION_LINES: i64 = 5;

/// The name of a document's parameter row: `• name — ...` or `• name, type — ...`.
fn parameter_row(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix('•')?.trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.'))
        .unwrap_or(rest.len());
    let (name, after) = rest.split_at(end);
    let after = after.trim_start();
    (name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && (after.starts_with(',') || after.starts_with('—')))
    .then_some(name)
}

/// Parameter rows of the document that no reference cites and no operation whose section holds
/// them names: new content, named at its line beside the operation (or the file) it lies in.
fn name_new_rows(spec: &LoadedSpec, document: &Document, placed: &[Placed], out: &mut Diagnostics) {
    // A row in lines nothing accounts for is named with its run of lines, not again here.
    let (accounted, waived) = account(document, placed);
    let mut cited = vec![false; document.len() + 1];
    for p in placed {
        let (first, last) = p.lines_now();
        if last - first < ROW_CITATION_LINES {
            for line in first.max(1)..=last.min(document.len() as i64) {
                cited[line as usize] = true;
            }
        }
    }
    // Each operation's (or variant's) section now, with the names its params and objects give.
    struct Section<'a> {
        placed: &'a Placed,
        first: i64,
        last: i64,
        names: std::collections::HashSet<&'a str>,
    }
    let mut sections = Vec::new();
    for (index, file) in spec.files.iter().enumerate() {
        for (i, operation) in file.content.operations.iter().enumerate() {
            let mut names: std::collections::HashSet<&str> =
                operation.objects.iter().map(String::as_str).collect();
            names.extend(operation.root.as_deref());
            let params = operation
                .params
                .iter()
                .chain(operation.variants.iter().flat_map(|v| v.params.iter()));
            for param in params {
                if let Some(path) = &param.path {
                    names.extend(path.split(['.', '[', ']']).filter(|s| !s.is_empty()));
                }
            }
            let own = format!("operations[{i}]");
            for p in placed.iter().filter(|p| {
                p.file == index
                    && (p.written.path == own
                        || p.written.path.strip_prefix(&own).is_some_and(|rest| {
                            rest.starts_with(".variants[") && !rest.contains("params")
                        }))
            }) {
                let (first, last) = p.lines_now();
                sections.push(Section {
                    placed: p,
                    first,
                    last,
                    names: names.clone(),
                });
            }
        }
    }
    for (index, line) in document.lines.iter().enumerate() {
        let number = index + 1;
        let Some(name) = parameter_row(line) else {
            continue;
        };
        if cited[number] || !(accounted[number] || waived[number]) {
            continue;
        }
        let n = number as i64;
        let holding: Vec<&Section<'_>> = sections
            .iter()
            .filter(|s| (s.first..=s.last).contains(&n))
            .collect();
        if holding
            .iter()
            .any(|s| name.split('.').all(|part| s.names.contains(part)))
        {
            continue;
        }
        let message = format!(
            "{}:{number}: a parameter row that no reference cites{}: {}: transcribe it (a param with its `original` and `source`)",
            document.name,
            holding
                .iter()
                .min_by_key(|s| s.last - s.first)
                .map_or(String::new(), |s| format!(
                    " and {} does not name",
                    s.placed.written.owner
                )),
            excerpt(line)
        );
        match holding.iter().min_by_key(|s| s.last - s.first) {
            Some(section) => out.error(
                &spec.files[section.placed.file].display_name,
                section.placed.written.at,
                message,
            ),
            None => {
                let Some(file) = spec
                    .files
                    .iter()
                    .find(|f| f.document_file() == document.name)
                else {
                    continue;
                };
                out.error(&file.display_name, Position { line: 1, column: 1 }, message);
            }
        }
    }
}

/// An example block whose lines hold its text once whitespace is normalised, but not byte for
/// byte.
fn printed_difference(document: &Document, written: &WrittenRef, printed: &str) -> Option<String> {
    let first = written.reference.first_line as usize;
    let printed = printed.strip_suffix('\n').unwrap_or(printed);
    for (offset, got) in printed.split('\n').enumerate() {
        let line = first + offset;
        let expected = document.line(line);
        if got != expected {
            return Some(format!(
                "{}:{line}: {}: `printed` differs from the document: the document has {}, the spec {}",
                document.name,
                written.owner,
                excerpt(expected),
                excerpt(got)
            ));
        }
    }
    None
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
        .collect()
}

/// Where a reference's text should be now (shifted like its neighbours) and what stands there.
fn describe_loss(document: &Document, written: &WrittenRef, text: &Text, shift: i64) -> Loss {
    let n = document.len() as i64;
    let first = (i64::from(written.reference.first_line) + shift).clamp(1, n.max(1)) as usize;
    let last = (i64::from(written.reference.last_line) + shift).clamp(1, n.max(1)) as usize;
    let vanished = Loss::Vanished { first, last };
    if document.is_empty() || i64::from(written.reference.first_line) + shift > n {
        return vanished;
    }
    match (&written.cited, text) {
        (Cited::Quote(quote), _) => {
            let wanted = words(quote);
            if wanted.is_empty() {
                return vanished;
            }
            let best = (first..=last)
                .map(|line| {
                    let have = words(document.line(line));
                    let shared = wanted.iter().filter(|w| have.contains(w)).count();
                    (shared, std::cmp::Reverse(line))
                })
                .max();
            match best {
                Some((shared, std::cmp::Reverse(line))) if shared * 2 >= wanted.len() => {
                    Loss::Changed {
                        line,
                        was: quote.clone(),
                        now: document.line(line).to_owned(),
                    }
                }
                _ => vanished,
            }
        }
        (Cited::Printed(printed), _) => {
            // The first line that differs names the change, once most of the block is still
            // there (a line inserted or reworded, not a block gone).
            let printed: Vec<String> = printed.lines().map(normalize).collect();
            let window = &document.normalized[first - 1..last];
            let still_there = printed.iter().filter(|l| window.contains(l)).count();
            let differing = printed
                .iter()
                .enumerate()
                .find(|(offset, line)| window.get(*offset) != Some(*line));
            match differing {
                Some((offset, was)) if still_there * 2 >= printed.len() => {
                    let line = (first + offset).min(document.len());
                    Loss::Changed {
                        line,
                        was: was.clone(),
                        now: document.line(line).to_owned(),
                    }
                }
                _ => vanished,
            }
        }
        (Cited::Fingerprint(_), Text::Fingerprint(fingerprint)) => Loss::Changed {
            line: first,
            was: format!("the text fingerprinted {}", fingerprint_text(*fingerprint)),
            now: document.line(first).to_owned(),
        },
        _ => vanished,
    }
}

fn loss_message(document: &str, written: &WrittenRef, loss: &Loss) -> String {
    let owner = &written.owner;
    let reference = &written.reference;
    match (loss, &written.cited) {
        (Loss::Changed { line, now, .. }, Cited::Fingerprint(_)) => format!(
            "{document}:{line}: {owner}: the text of source `{reference}` changed (its lines no longer match the fingerprint; they now begin {})",
            excerpt(now)
        ),
        (Loss::Changed { line, was, now }, _) => format!(
            "{document}:{line}: {owner}: the text changed: the spec has {}, the document now {}",
            excerpt(was),
            excerpt(now)
        ),
        (Loss::Vanished { first, last }, _) => format!(
            "{document}:{first}: {owner}: the text of source `{reference}` is no longer in the document (looked for near lines {first}-{last} and everywhere else)"
        ),
        (Loss::MovedAlone { from, to }, _) => format!(
            "{document}:{to}: {owner}: its row moved alone, from line {from} to {to}, away from the rows around it: if it changed lists (optional to required, or back), change its `requirement`; then cite line {to}"
        ),
    }
}

/// What [`Generator::reanchor`](crate::Generator::reanchor) rewrote and could not place.
#[derive(Debug)]
pub struct Reanchored {
    /// The spec files whose references changed, with their new texts, to write back.
    pub files: Vec<(PathBuf, String)>,
    /// What moved, what got a fingerprint, what could not be placed: one line each.
    pub report: Vec<String>,
    /// References rewritten to the lines their text moved to.
    pub moved: usize,
    /// References that got the fingerprint of the lines they cite.
    pub recorded: usize,
    /// References whose text is found nowhere, or in more than one place.
    pub unplaced: usize,
    /// What the loader reported: files that do not parse, left as they are.
    pub left_as_they_are: Vec<Diagnostic>,
}

/// Rewrites each reference whose text only moved, and records the fingerprint of references
/// that have neither a quote nor one; every other byte of the spec files is kept.
pub(crate) fn reanchor(spec: &LoadedSpec, seeds: &Path) -> Reanchored {
    let reading = read(spec, Some(seeds));
    let mut result = Reanchored {
        files: Vec::new(),
        report: Vec::new(),
        moved: 0,
        recorded: 0,
        unplaced: 0,
        left_as_they_are: spec.diagnostics.clone().sorted(),
    };
    let mut edits: HashMap<usize, Vec<(std::ops::Range<usize>, String)>> = HashMap::new();
    let mut documents: HashMap<String, Option<Document>> = HashMap::new();
    // References without a quote or fingerprint are not placed; they get one where they stand.
    for (index, file) in spec.files.iter().enumerate() {
        for written in references(&file.text).refs {
            if written.cited != Cited::Fingerprint(None) || !plain_name(&written.document) {
                continue;
            }
            let document = documents
                .entry(written.document.clone())
                .or_insert_with(|| {
                    std::fs::read_to_string(seeds.join(&written.document))
                        .ok()
                        .map(|text| Document::new(&written.document, &text))
                });
            let (first, last) = (
                written.reference.first_line as usize,
                written.reference.last_line as usize,
            );
            let place = format!(
                "{}:{}:{}",
                file.display_name, written.at.line, written.at.column
            );
            match document {
                Some(document) if last <= document.len() => {
                    let fingerprint = document.fingerprint(first, last);
                    let new = format!("{}{}", written.reference, fingerprint_text(fingerprint));
                    if let Some(edit) = rewrite(&file.text, &written, &new) {
                        edits.entry(index).or_default().push(edit);
                        result.recorded += 1;
                        result.report.push(format!(
                            "{place}: recorded the fingerprint of {} for {}",
                            written.reference.display_in(&written.document),
                            written.owner
                        ));
                        continue;
                    }
                    result.unplaced += 1;
                    result.report.push(format!(
                        "{place}: cannot rewrite the scalar of {} (write it as a plain or quoted string)",
                        written.owner
                    ));
                }
                _ => {
                    result.unplaced += 1;
                    result.report.push(format!(
                        "{place}: cannot record a fingerprint for {}: {} has no lines {}",
                        written.owner,
                        written.document,
                        written.reference.range_text()
                    ));
                }
            }
        }
    }
    for placed in &reading.placed {
        let file = &spec.files[placed.file];
        let written = &placed.written;
        let place = format!(
            "{}:{}:{}",
            file.display_name, written.at.line, written.at.column
        );
        match &placed.outcome {
            Outcome::InPlace => {}
            Outcome::Moved { shift } => {
                let mut moved = written.reference.clone();
                let shift_line = |line: u32| u32::try_from(i64::from(line) + shift).unwrap_or(1);
                moved.first_line = shift_line(moved.first_line);
                moved.last_line = shift_line(moved.last_line);
                let mut new = moved.to_string();
                if let Some(fingerprint) = moved.fingerprint {
                    new.push_str(&fingerprint_text(fingerprint));
                }
                match rewrite(&file.text, written, &new) {
                    Some(edit) => {
                        edits.entry(placed.file).or_default().push(edit);
                        result.moved += 1;
                        result.report.push(format!(
                            "{place}: moved {} from {} to {}",
                            written.owner,
                            written.reference.display_in(&written.document),
                            moved.range_text()
                        ));
                    }
                    None => {
                        result.unplaced += 1;
                        result.report.push(format!(
                            "{place}: cannot rewrite the scalar of {}",
                            written.owner
                        ));
                    }
                }
            }
            Outcome::Lost(loss) => {
                result.unplaced += 1;
                let why = loss_message(&written.document, written, loss);
                result
                    .report
                    .push(format!("{place}: could not place: {why}"));
            }
        }
    }
    let mut changed: Vec<_> = edits.into_iter().collect();
    changed.sort_by_key(|(index, _)| *index);
    for (index, mut file_edits) in changed {
        let mut text = spec.files[index].text.clone();
        file_edits.sort_by_key(|(span, _)| std::cmp::Reverse(span.start));
        for (span, new) in file_edits {
            text.replace_range(span, &new);
        }
        result.files.push((spec.files[index].path.clone(), text));
    }
    result
}

/// The edit that writes `new` in place of a reference's value inside its scalar's bytes
/// (keeping its quotes), or none when the bytes do not hold the value verbatim.
fn rewrite(
    file_text: &str,
    written: &WrittenRef,
    new: &str,
) -> Option<(std::ops::Range<usize>, String)> {
    let raw = file_text.get(written.span.clone())?;
    let mut old = written.reference.to_string();
    if let Some(fingerprint) = written.reference.fingerprint {
        old.push_str(&fingerprint_text(fingerprint));
    }
    let inner = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .or_else(|| raw.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')))
        .unwrap_or(raw);
    if inner != old {
        return None;
    }
    let start = written.span.start + (raw.len() - inner.len()) / 2;
    Some((start..start + inner.len(), new.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shifts_of(document: &Document, first: usize, len: usize, text: &Text) -> Vec<(i64, i64)> {
        document.shifts(first, len, text).0
    }

    #[test]
    fn a_quote_is_found_in_parts_across_lines() {
        let document = Document::new("d.txt", "a\nодин  два\nтри\nчетыре\n");
        let quote = Text::Quote(quote_parts("два три ... четыре"));
        assert!(document.holds(2, 4, &quote));
        assert!(!document.holds(2, 3, &quote));
        assert_eq!(shifts_of(&document, 2, 3, &quote), [(0, 0)]);
        assert_eq!(shifts_of(&document, 5, 3, &quote), [(-3, -3)]);
        // A one-line quote in a two-line range fits two windows.
        let one = Text::Quote(quote_parts("три"));
        assert_eq!(shifts_of(&document, 1, 2, &one), [(1, 2)]);
    }

    #[test]
    fn a_fingerprint_survives_a_move_and_whitespace() {
        let before = Document::new("d.txt", "x\ny\n  {\"a\":  1}\n}\nz\n");
        let fingerprint = before.fingerprint(3, 4);
        let after = Document::new("d.txt", "new\nnew\nx\ny\n{\"a\": 1}\n  }\nz\n");
        let text = Text::Fingerprint(fingerprint);
        assert_eq!(shifts_of(&after, 3, 2, &text), [(2, 2)]);
        assert!(!after.holds(3, 4, &text));
        assert!(after.holds(5, 6, &text));
        assert_eq!(fingerprint_text(0xab), "@0000000000ab");
    }

    #[test]
    fn shifts_merge_and_pick_the_nearest() {
        let mut shifts = Shifts::default();
        shifts.add(5, 7);
        shifts.add(-3, -3);
        shifts.add(8, 9);
        shifts.normalize();
        assert_eq!(shifts.0, [(-3, -3), (5, 9)]);
        assert_eq!(shifts.nearest(0), Some(-3));
        assert_eq!(shifts.nearest(4), Some(5));
        assert_eq!(shifts.single(), None);
    }
}
