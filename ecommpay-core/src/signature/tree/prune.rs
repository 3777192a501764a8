//! Pruning what the signature cannot see.

use std::borrow::Cow;
use std::fmt;

use super::Node;
use crate::signature::canonical::FRAME_MODE_KEY;
use crate::signature::kind::{GENERAL_KEY, SIGNATURE_KEY};

/// Which `signature` key is the one that was verified, and stays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeptSignature {
    TopLevel,
    InGeneral,
}

/// Removes from a verified body every part its canonical form leaves out, so that nobody can
/// have added, removed or changed it without breaking the signature, and returns their paths:
/// keys named `frame_mode` at any depth, keys named `signature` anywhere but where the verified
/// signature was, and arrays and objects that contribute no entry (empty ones, and those left
/// empty by the removals). The verified signature itself stays.
pub(crate) fn prune(
    members: &mut Vec<(Cow<'_, str>, Node<'_>)>,
    kept: KeptSignature,
) -> Vec<String> {
    let mut removed = Vec::new();
    let mut path = String::new();
    prune_members(members, &mut path, &mut removed, Some(kept));
    removed
}

/// The JSON-style path of what is being pruned, extended and cut back in place.
fn push_key(path: &mut String, key: &str) -> usize {
    let len = path.len();
    if len > 0 {
        path.push('.');
    }
    path.push_str(key);
    len
}

fn prune_members(
    members: &mut Vec<(Cow<'_, str>, Node<'_>)>,
    path: &mut String,
    removed: &mut Vec<String>,
    // At the top level: which signature is kept there or in `general`.
    top: Option<KeptSignature>,
) {
    members.retain_mut(|(key, value)| {
        let keep = if key == FRAME_MODE_KEY {
            false
        } else if key == SIGNATURE_KEY {
            top == Some(KeptSignature::TopLevel)
        } else if matches!(value, Node::Object(_) | Node::Array(_)) {
            let in_general = top == Some(KeptSignature::InGeneral) && key == GENERAL_KEY;
            let len = push_key(path, key);
            prune_node(value, path, removed, in_general);
            path.truncate(len);
            !value.is_empty_container()
        } else {
            true
        };
        if !keep {
            let len = push_key(path, key);
            removed.push(path.clone());
            path.truncate(len);
        }
        keep
    });
}

fn prune_node(
    node: &mut Node<'_>,
    path: &mut String,
    removed: &mut Vec<String>,
    keeps_signature: bool,
) {
    match node {
        Node::Object(members) => {
            let top = keeps_signature.then_some(KeptSignature::TopLevel);
            prune_members(members, path, removed, top);
        }
        Node::Array(elements) => {
            let mut index = 0;
            elements.retain_mut(|element| {
                let len = path.len();
                let _ = fmt::Write::write_fmt(path, format_args!("[{index}]"));
                index += 1;
                prune_node(element, path, removed, false);
                let keep = !element.is_empty_container();
                if !keep {
                    removed.push(path.clone());
                }
                path.truncate(len);
                keep
            });
        }
        _ => {}
    }
}
