//! Not part of the API (see the crate root): the internals that this workspace's own tests,
//! benches and the `ecommpay-codegen` binary read, each re-exported by name.

use crate::{Checked, Error, Generator};

#[cfg(feature = "schemas")]
pub use crate::emit::defs::DEFS_POINTER;
#[cfg(feature = "schemas")]
pub use crate::emit::openapi::without_boolean_schemas;
pub use crate::emit::rust::{emit as emit_rust, method_feature};
#[cfg(feature = "schemas")]
pub use crate::emit::schema::{DRAFT, emit as emit_schemas};
#[cfg(feature = "schemas")]
pub use crate::emit::signable::openapi as signable_openapi;
pub use crate::ir::objects::{Role, type_name};
pub use crate::ir::{Ir, ShapeIr, ShapeKind};
#[cfg(feature = "checks")]
pub use crate::load::references::prose_line_number;
pub use crate::load::{LoadedSpec, load_dir};
pub use crate::model::{Erratum, ErratumKind, ErratumRule, ExampleKind};
#[cfg(any(feature = "checks", feature = "schemas", feature = "schemars"))]
pub use crate::pipeline::pretty_json;
pub use crate::resolve::normalize_path;

/// Every change from `old` to `new` (what [`Generator::diff`] runs on the two specs' IRs).
#[cfg(feature = "checks")]
pub fn diff(old: &Ir, new: &Ir) -> Vec<crate::diff::Change> {
    crate::diff::diff(old, new)
}

/// The IR of a spec built without its checks, as `diff` compares it.
pub fn unchecked_ir(generator: &Generator) -> Result<Ir, Error> {
    generator.unchecked_ir()
}

/// The IR a checked spec emits from.
pub fn checked_ir(checked: Checked) -> Ir {
    checked.ir
}
