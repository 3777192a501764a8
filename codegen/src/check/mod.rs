//! Checks across the whole spec. Each pass reports located diagnostics; none stops the others.

mod examples;
mod fields;
pub mod index;
mod method;
mod operations;
mod structure;

use std::path::Path;

use crate::diagnostics::Diagnostics;
use crate::load::LoadedSpec;

pub use examples::{collect_paths, is_present};
pub use fields::scalar_mismatch;
pub use index::{BodyResolver, Resolved, SpecIndex, normalize_path};

/// Runs every check. `seeds` is the directory of the vendor documents; without it, the
/// comparison of printed examples with the documents is skipped.
pub fn check_spec(spec: &LoadedSpec, seeds: Option<&Path>) -> Diagnostics {
    let mut out = Diagnostics::default();
    out.extend(spec.diagnostics.clone());
    let index = SpecIndex::new(spec);
    structure::check(spec, &mut out);
    fields::check_all_objects(&index, &mut out);
    operations::check_all(&index, &mut out);
    method::check_all(&index, spec, &mut out);
    examples::check_all(&index, spec, seeds, &mut out);
    // What only the resolved types show (a param narrowing an inherited field to values of the
    // wrong type): the IR builder reports it, located at the operation.
    if !out.has_errors()
        && let Err(problems) = crate::ir::build(spec)
    {
        out.extend(problems);
    }
    out
}
