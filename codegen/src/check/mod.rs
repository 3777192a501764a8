//! Checks across the whole spec. Each pass reports located diagnostics; none stops the others.

mod examples;
mod fields;
mod method;
mod names;
mod operations;
pub(crate) mod sources;
mod structure;

use std::path::Path;

use crate::diagnostics::Diagnostics;
use crate::load::LoadedSpec;
use crate::resolve::SpecIndex;

/// Runs every check. `seeds` is the directory of the vendor documents; without it, the
/// comparison of printed examples with the documents is skipped.
pub(crate) fn check_spec(spec: &LoadedSpec, seeds: Option<&Path>) -> Diagnostics {
    let mut out = Diagnostics::default();
    out.extend(spec.diagnostics.clone());
    let index = SpecIndex::new(spec);
    structure::check(spec, &mut out);
    fields::check_all_objects(&index, &mut out);
    operations::check_all(&index, &mut out);
    method::check_all(&index, spec, &mut out);
    names::check_all(&index, spec, &mut out);
    examples::check_all(&index, spec, seeds, &mut out);
    out.extend(sources::read(spec, seeds).diagnostics);
    out
}
