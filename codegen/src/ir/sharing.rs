//! Shared types: request parts that are the same in several operations become one type.
//!
//! Two parts are the same when their fields are: names, types (nested parts compared the same
//! way), optionality and documented rules; descriptions may differ (the first user's wording is
//! kept). A type used by more than one payment method goes in the `shared` module,
//! which every method module imports; a type used by several operations of one method stays in
//! that method's module. A shared type is named after its object (`General`, `Customer`,
//! `RecurringType`) when that name is free (types of several methods choose first, then the most
//! used); otherwise it keeps the name of its first user. Names
//! in `shared` are unique across the crate, so that a method module never shadows one.
//!
//! Top-level request types (`SaleRequest`) are never merged: each is its own operation.

use std::collections::{BTreeSet, HashMap};

use super::types::{Item, RustModule, RustType, StructRole};

/// Where a merged type goes: its method module (`None`: `shared`) and its name.
type Placement = (Option<usize>, String);

/// The module that holds types used by more than one payment method.
pub const SHARED_MODULE: &str = "shared";

/// Merges identical request parts across `modules` (the first, `callback`, is left alone) and
/// inserts the `shared` module after it when anything is shared.
pub fn share(modules: &mut Vec<RustModule>) {
    let methods = 1..modules.len();
    // Structural keys of every request part and enum, per (module, name).
    let mut keys: HashMap<(usize, String), String> = HashMap::new();
    for m in methods.clone() {
        let names: Vec<String> = modules[m]
            .items
            .iter()
            .filter(|item| shareable(item))
            .map(|item| item.name().to_owned())
            .collect();
        for name in names {
            structural_key(&modules[m], m, &name, &mut keys);
        }
    }

    // Groups of identical items, in order of first appearance.
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, Vec<(usize, String)>> = HashMap::new();
    for m in methods.clone() {
        for item in &modules[m].items {
            if !shareable(item) {
                continue;
            }
            let key = keys[&(m, item.name().to_owned())].clone();
            let users = groups.entry(key.clone()).or_default();
            if users.is_empty() {
                order.push(key);
            }
            users.push((m, item.name().to_owned()));
        }
    }

    // Names that stay: top-level requests and parts used once.
    let mut names_in: Vec<BTreeSet<String>> = vec![BTreeSet::new(); modules.len()];
    for m in methods.clone() {
        for item in &modules[m].items {
            let single = !shareable(item) || groups[&keys[&(m, item.name().to_owned())]].len() == 1;
            if single {
                names_in[m].insert(item.name().to_owned());
            }
        }
    }

    // Name every group used more than once: those of several methods first, then the most used,
    // then in order of appearance.
    let methods_of = |key: &String| {
        groups[key]
            .iter()
            .map(|(m, _)| *m)
            .collect::<BTreeSet<usize>>()
            .len()
    };
    let mut merged: Vec<&String> = order.iter().filter(|k| groups[*k].len() > 1).collect();
    merged.sort_by_key(|k| {
        (
            std::cmp::Reverse(methods_of(k)),
            std::cmp::Reverse(groups[*k].len()),
        )
    });
    let mut shared_names: BTreeSet<String> = BTreeSet::new();
    // (module, old name) -> (target module, new name)
    let mut renamed: HashMap<(usize, String), Placement> = HashMap::new();
    for key in merged {
        let users = &groups[key];
        let (first_module, first_name) = &users[0];
        let modules_used: BTreeSet<usize> = users.iter().map(|(m, _)| *m).collect();
        let target = (modules_used.len() == 1).then_some(*first_module);
        // The shortest object name among the users: `PaymentCurrency` (of `payment.currency`)
        // rather than `PurchaseParamsPaymentCurrency` (of a top-level `payment_currency`).
        let preferred = users
            .iter()
            .filter_map(|(m, name)| item_of(&modules[*m], name).map(object_name))
            .min_by_key(String::len)
            .unwrap_or_default();
        let module_prefix = super::naming::pascal(&modules[*first_module].name);
        let candidates = [
            preferred,
            first_name.clone(),
            format!("{module_prefix}{first_name}"),
        ];
        let free = |name: &str| match target {
            Some(m) => !names_in[m].contains(name) && !shared_names.contains(name),
            None => !shared_names.contains(name) && names_in.iter().all(|n| !n.contains(name)),
        };
        let mut name = candidates
            .iter()
            .find(|c| !c.is_empty() && free(c))
            .cloned()
            .unwrap_or_else(|| candidates[2].clone());
        let mut n = 2;
        while !free(&name) {
            name = format!("{}{n}", candidates[2]);
            n += 1;
        }
        match target {
            Some(m) => names_in[m].insert(name.clone()),
            None => shared_names.insert(name.clone()),
        };
        for user in users {
            renamed.insert(user.clone(), (target, name.clone()));
        }
    }
    if renamed.is_empty() {
        return;
    }

    // Move each merged group's first definition to its place, drop the others, and rewrite
    // every reference.
    let mut shared_items: Vec<Item> = Vec::new();
    let mut placed: BTreeSet<Placement> = BTreeSet::new();
    for m in methods {
        let items = std::mem::take(&mut modules[m].items);
        let mut kept = Vec::new();
        for mut item in items {
            rewrite_references(&mut item, m, &renamed);
            let Some((target, name)) = renamed.get(&(m, item.name().to_owned())).cloned() else {
                kept.push(item);
                continue;
            };
            if !placed.insert((target, name.clone())) {
                continue;
            }
            match &mut item {
                Item::Struct(s) => {
                    s.name = name.clone();
                    // The first user's wording stays; whether the object is required is its
                    // parent's rule, which differs between the operations that share it.
                    s.doc = without_rules(std::mem::take(&mut s.doc));
                }
                Item::Enum(e) => e.name = name.clone(),
            }
            match target {
                Some(_) => kept.push(item),
                None => shared_items.push(item),
            }
        }
        modules[m].items = kept;
    }
    if !shared_items.is_empty() {
        modules.insert(
            1,
            RustModule {
                name: SHARED_MODULE.into(),
                doc: vec![
                    "Request parts that several payment methods share: one type per object, named after it.".into(),
                    String::new(),
                    "Every method module uses them; they are also reachable here, for code that handles them for any method.".into(),
                ],
                items: shared_items,
            },
        );
    }
}

/// Request parts and enums can be shared; top-level requests and callback types cannot.
fn shareable(item: &Item) -> bool {
    match item {
        Item::Struct(s) => s.role == StructRole::RequestPart,
        Item::Enum(_) => true,
    }
}

fn item_of<'a>(module: &'a RustModule, name: &str) -> Option<&'a Item> {
    module.items.iter().find(|item| item.name() == name)
}

fn object_name(item: &Item) -> String {
    match item {
        Item::Struct(s) => s.object.clone(),
        Item::Enum(e) => e.object.clone(),
    }
}

/// What makes two items the same type: everything but their names and descriptions.
fn structural_key(
    module: &RustModule,
    m: usize,
    name: &str,
    keys: &mut HashMap<(usize, String), String>,
) -> String {
    if let Some(key) = keys.get(&(m, name.to_owned())) {
        return key.clone();
    }
    let key = match item_of(module, name) {
        None => format!("extern {name}"),
        Some(Item::Enum(e)) => {
            let values: Vec<&str> = e.variants.iter().map(|v| v.json.as_str()).collect();
            format!("enum open={} {values:?}", e.open)
        }
        Some(Item::Struct(s)) => {
            let fields: Vec<String> = s
                .fields
                .iter()
                .map(|f| {
                    let rules = f.doc.iter().find(|l| l.starts_with("Rules: "));
                    format!(
                        "{}/{}:{}:{}:{}:{rules:?}",
                        f.json_name,
                        f.rust_name,
                        type_key(&f.ty, module, m, keys),
                        f.optional,
                        f.signature
                    )
                })
                .collect();
            format!("struct {:?} {{{}}}", s.role, fields.join(", "))
        }
    };
    keys.insert((m, name.to_owned()), key.clone());
    key
}

fn type_key(
    ty: &RustType,
    module: &RustModule,
    m: usize,
    keys: &mut HashMap<(usize, String), String>,
) -> String {
    match ty {
        RustType::Named(name) => format!("({})", structural_key(module, m, name, keys)),
        RustType::Vec(inner) => format!("Vec<{}>", type_key(inner, module, m, keys)),
        RustType::ObjectOrString(inner) => {
            format!("ObjectOrString<{}>", type_key(inner, module, m, keys))
        }
        other => format!("{other:?}"),
    }
}

fn rewrite_references(item: &mut Item, m: usize, renamed: &HashMap<(usize, String), Placement>) {
    if let Item::Struct(s) = item {
        for field in &mut s.fields {
            rewrite_type(&mut field.ty, m, renamed);
        }
    }
}

fn rewrite_type(ty: &mut RustType, m: usize, renamed: &HashMap<(usize, String), Placement>) {
    match ty {
        RustType::Named(name) => {
            if let Some((_, new)) = renamed.get(&(m, name.clone())) {
                *name = new.clone();
            }
        }
        RustType::Vec(inner) | RustType::ObjectOrString(inner) => rewrite_type(inner, m, renamed),
        _ => {}
    }
}

fn without_rules(mut lines: Vec<String>) -> Vec<String> {
    lines.retain(|line| !line.starts_with("Rules: "));
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}
