//! Names the generated code already uses: a spec object whose type, or a payment method whose
//! module, would take one of them is an error at its definition (a field is renamed instead, see
//! `ir::naming::field_name`).

use crate::diagnostics::Diagnostics;
use crate::ir::naming::{RESERVED_MODULES, RESERVED_TYPES};
use crate::ir::objects::{Role, type_name};
use crate::load::LoadedSpec;
use crate::resolve::SpecIndex;

pub(super) fn check_all(index: &SpecIndex<'_>, spec: &LoadedSpec, out: &mut Diagnostics) {
    for (object_name, (object, file)) in &index.objects {
        for role in [Role::Request, Role::Callback] {
            let ty = type_name(role, object_name);
            if RESERVED_TYPES.contains(&ty.as_str()) {
                out.error(
                    &file.display_name,
                    object.at,
                    format!(
                        "object `{object_name}` would become the Rust type `{ty}`, a name the \
                         generated code uses from Rust's prelude or for the facts: give the \
                         object another name"
                    ),
                );
            }
        }
    }
    for file in &spec.files {
        let Some(method) = &file.content.method else {
            continue;
        };
        if RESERVED_MODULES.contains(&method.id.as_str()) {
            out.error(
                &file.display_name,
                method.at,
                format!(
                    "method `{id}`: id `{id}` is a module the generated crate already has \
                     (`shared`, `callback`, or a module's `builder`): give the method another id",
                    id = method.id
                ),
            );
        }
    }
}
