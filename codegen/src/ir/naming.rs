//! Rust names from JSON names.

/// `payment_methods_options` -> `PaymentMethodsOptions`; `3ds` -> `N3ds`; a word in capitals is
/// written as a word (`UPI` -> `Upi`, `GET` -> `Get`), as Rust names acronyms.
pub(crate) fn pascal(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for word in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let shouting = word.chars().filter(char::is_ascii_alphabetic).count() > 1
            && !word.chars().any(|c| c.is_ascii_lowercase());
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            if shouting {
                out.extend(chars.map(|c| c.to_ascii_lowercase()));
            } else {
                out.extend(chars);
            }
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'N');
    }
    out
}

/// A field name as a Rust identifier: snake case, keywords escaped by a trailing underscore.
pub(crate) fn snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if previous_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            if !out.ends_with('_') {
                out.push('_');
            }
            previous_lower = false;
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'n');
    }
    if is_keyword(&out) {
        out.push('_');
    }
    out
}

/// A struct field's name: [`snake`], and a trailing underscore on the names the generated code
/// already gives a request struct or its builder (`extra`, which holds the other parameters; the
/// builder's `other`, `build` and `default`), so that the field's setter does not collide with
/// them. Serde renames the field back to its JSON name.
pub(crate) fn field_name(name: &str) -> String {
    let mut out = snake(name);
    if RESERVED_FIELDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// What the generated code names beside a struct's fields: the map of other parameters, and the
/// builder's methods that are not setters.
pub(crate) const RESERVED_FIELDS: &[&str] = &["extra", "other", "build", "default"];

/// The type names the generated modules use from Rust's prelude without a path, which a
/// generated type of the same name would shadow, and the facts' enum: a spec object must not
/// become one of them.
#[cfg(feature = "checks")]
pub(crate) const RESERVED_TYPES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Self",
    "Default",
    "Clone",
    "Copy",
    "Debug",
    "PartialEq",
    "Eq",
    "Hash",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "Fact",
];

/// The module names the generated crate gives itself (and each module's builders): a payment
/// method must not take one of them as its id.
#[cfg(feature = "checks")]
pub(crate) const RESERVED_MODULES: &[&str] = &["shared", "callback", "builder"];

/// `SCREAMING_SNAKE` for constants.
pub(crate) fn screaming(name: &str) -> String {
    snake(name).trim_end_matches('_').to_ascii_uppercase()
}

fn is_keyword(word: &str) -> bool {
    matches!(
        word,
        "as" | "break"
            | "const"
            | "continue"
            | "crate"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "async"
            | "await"
            | "dyn"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "macro"
            | "override"
            | "priv"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
            | "try"
            | "gen"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(pascal("payment_methods_options"), "PaymentMethodsOptions");
        assert_eq!(pascal("3ds"), "N3ds");
        assert_eq!(pascal("UPI"), "Upi");
        assert_eq!(pascal("PayPal Wallet"), "PayPalWallet");
        assert_eq!(pascal("Y"), "Y");
        assert_eq!(pascal("return_url"), "ReturnUrl");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("doc_number"), "doc_number");
        assert_eq!(snake("paymentId"), "payment_id");
        assert_eq!(screaming("astropay.gate.sale"), "ASTROPAY_GATE_SALE");
        assert_eq!(field_name("other"), "other_");
        assert_eq!(field_name("extra"), "extra_");
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("customer_id"), "customer_id");
    }
}
