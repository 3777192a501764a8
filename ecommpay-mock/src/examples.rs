//! The documents' callback examples (the spec's, read by `build.rs`) and which one each callback
//! the mock sends is made from: [`CHOICES`], shown in the README's table.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde_json::Value;

/// A callback operation of the spec. The tests read what the callbacks do not (which operations
/// it reports on, the variants and sources of its examples) to check [`CHOICES`] against it.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) struct SpecCallback {
    /// `paypal.callback.refund`.
    pub(crate) id: &'static str,
    /// The operations it reports on.
    pub(crate) reports_on: &'static [&'static str],
    pub(crate) examples: &'static [SpecExample],
}

/// One example block of a callback operation.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) struct SpecExample {
    pub(crate) id: &'static str,
    /// The operation's variant it shows, when it names one.
    pub(crate) variant: Option<&'static str>,
    /// A whole callback; otherwise a fragment (`redirect_data` alone).
    pub(crate) whole: bool,
    /// Where the document prints it (`002_c6d548ecabfc01b0.txt:176-221`).
    pub(crate) source: &'static str,
    /// Its JSON text (the corrected form where the printed one is not JSON).
    pub(crate) json: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/callback_examples.rs"));

/// Which of an operation's callbacks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    /// The intermediate callback with the data to redirect the customer (a Gate sale or auth).
    Redirect,
    /// The operation's outcome.
    Outcome,
    /// The registration of the recurring payment a Gate sale or auth made with
    /// `recurring.register`.
    RecurringRegistration,
}

/// The example a callback is made from.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) struct Choice {
    /// The operation the callback reports on.
    pub(crate) operation: &'static str,
    pub(crate) role: Role,
    /// The callback operation it is (its validators check it).
    pub(crate) callback: &'static str,
    /// The example of a success.
    pub(crate) success: &'static str,
    /// The example of a decline: the success example where the documents print none.
    pub(crate) decline: &'static str,
    /// Fragments laid over the example: the redirect callback's parts, which the documents print
    /// alone (its whole is the method's purchase callback with them).
    pub(crate) over: &'static [&'static str],
    /// Where the documents print no example of this callback, what the mock changes in the one
    /// it borrows.
    pub(crate) borrowed: Option<Borrowed>,
}

/// What the mock changes in an example borrowed from another method's document.
pub(crate) struct Borrowed {
    /// `payment.method` of this method.
    pub(crate) method: &'static str,
    /// Top-level fields of the other method left out.
    pub(crate) without: &'static [&'static str],
}

const fn outcome(
    operation: &'static str,
    callback: &'static str,
    success: &'static str,
    decline: &'static str,
) -> Choice {
    Choice {
        operation,
        role: Role::Outcome,
        callback,
        success,
        decline,
        over: &[],
        borrowed: None,
    }
}

const fn redirect(
    operation: &'static str,
    callback: &'static str,
    purchase: &'static str,
    over: &'static [&'static str],
) -> Choice {
    Choice {
        operation,
        role: Role::Redirect,
        callback,
        success: purchase,
        decline: purchase,
        over,
        borrowed: None,
    }
}

const fn recurring_registration(operation: &'static str) -> Choice {
    Choice {
        operation,
        role: Role::RecurringRegistration,
        callback: "paypal.callback.recurring_registration",
        success: "paypal-pp-recurring-callback",
        decline: "paypal-pp-recurring-callback",
        over: &[],
        borrowed: None,
    }
}

/// Every callback the mock sends and the example it is made from.
pub(crate) static CHOICES: &[Choice] = &[
    redirect(
        "astropay.gate.sale",
        "astropay.callback.redirect",
        "astropay-gate-callback-success",
        &["astropay-gate-redirect-data"],
    ),
    outcome(
        "astropay.gate.sale",
        "astropay.callback.payment",
        "astropay-gate-callback-success",
        "astropay-gate-callback-decline",
    ),
    outcome(
        "astropay.payment_page.purchase",
        "astropay.callback.payment",
        "astropay-pp-callback-success",
        "astropay-pp-callback-decline",
    ),
    outcome(
        "astropay.gate.payout",
        "astropay.callback.payout",
        "astropay-payout-callback-success",
        "astropay-payout-callback-decline",
    ),
    outcome(
        "astropay.gate.pix_payout",
        "astropay.callback.pix_payout",
        "astropay-pix-payout-callback-success",
        "astropay-pix-payout-callback-decline",
    ),
    outcome(
        "card_payout.gate.payout_registration",
        "card_payout.callback.payout_registration",
        "card_payout-callback-registration",
        "card_payout-callback-registration",
    ),
    // The card payouts document prints no payout result callback: its format is the typical
    // one (`001_6d33046829e36e91.txt:244`), shown here by the UPI payout callbacks.
    Choice {
        borrowed: Some(Borrowed {
            method: "card",
            without: &["account"],
        }),
        ..outcome(
            "card_payout.payment_page.payout",
            "card_payout.callback.payout",
            "upi-callback-payout-success",
            "upi-callback-payout-decline",
        )
    },
    redirect(
        "paypal.gate.sale",
        "paypal.callback.redirect",
        "paypal-gate-sale-callback-success",
        &[
            "paypal-gate-redirect-sdk-operation",
            "paypal-gate-redirect-data",
        ],
    ),
    outcome(
        "paypal.gate.sale",
        "paypal.callback.payment",
        "paypal-gate-sale-callback-success",
        "paypal-gate-sale-callback-decline",
    ),
    recurring_registration("paypal.gate.sale"),
    redirect(
        "paypal.gate.auth",
        "paypal.callback.redirect",
        "paypal-gate-auth-callback-success",
        &[
            "paypal-gate-redirect-sdk-operation",
            "paypal-gate-redirect-data",
        ],
    ),
    outcome(
        "paypal.gate.auth",
        "paypal.callback.auth",
        "paypal-gate-auth-callback-success",
        "paypal-gate-auth-callback-decline",
    ),
    recurring_registration("paypal.gate.auth"),
    outcome(
        "paypal.gate.capture",
        "paypal.callback.capture",
        "paypal-gate-capture-callback-success",
        "paypal-gate-capture-callback-decline",
    ),
    outcome(
        "paypal.gate.cancel",
        "paypal.callback.cancel",
        "paypal-gate-cancel-callback-success",
        "paypal-gate-cancel-callback-decline",
    ),
    outcome(
        "paypal.gate.recurring",
        "paypal.callback.recurring_charge",
        "paypal-callback-recurring-charge-success",
        "paypal-callback-recurring-charge-success",
    ),
    outcome(
        "paypal.gate.recurring_cancel",
        "paypal.callback.recurring_cancel",
        "paypal-callback-recurring-cancel-success",
        "paypal-callback-recurring-cancel-success",
    ),
    outcome(
        "paypal.gate.refund",
        "paypal.callback.refund",
        "paypal-callback-refund-success",
        "paypal-callback-refund-decline",
    ),
    outcome(
        "paypal.gate.payout",
        "paypal.callback.payout",
        "paypal-callback-payout-success",
        "paypal-callback-payout-decline",
    ),
    outcome(
        "paypal.payment_page.purchase",
        "paypal.callback.payment",
        "paypal-pp-purchase-callback-success",
        "paypal-pp-purchase-callback-decline",
    ),
    outcome(
        "paypal.payment_page.recurring_registration",
        "paypal.callback.recurring_registration",
        "paypal-pp-recurring-callback",
        "paypal-pp-recurring-callback",
    ),
    redirect(
        "upi.gate.sale",
        "upi.callback.redirect",
        "upi-gate-callback-payment-success",
        &["upi-gate-callback-redirect-fragment"],
    ),
    outcome(
        "upi.gate.sale",
        "upi.callback.payment",
        "upi-gate-callback-payment-success",
        "upi-gate-callback-payment-decline",
    ),
    outcome(
        "upi.payment_page.purchase",
        "upi.callback.payment",
        "upi-pp-callback-payment-success",
        "upi-pp-callback-payment-decline",
    ),
    outcome(
        "upi.gate.refund",
        "upi.callback.refund",
        "upi-callback-refund-success",
        "upi-callback-refund-decline",
    ),
    outcome(
        "upi.gate.payout",
        "upi.callback.payout",
        "upi-callback-payout-success",
        "upi-callback-payout-decline",
    ),
];

/// The choice for an operation's callback of this role.
pub(crate) fn choice(operation: &str, role: Role) -> Option<&'static Choice> {
    CHOICES
        .iter()
        .find(|c| c.operation == operation && c.role == role)
}

/// Every example's JSON, parsed once, by example id.
static PARSED: LazyLock<HashMap<&'static str, Value>> = LazyLock::new(|| {
    SPEC_CALLBACKS
        .iter()
        .flat_map(|c| c.examples)
        .filter_map(|e| Some((e.id, serde_json::from_str(e.json).ok()?)))
        .collect()
});

/// An example's JSON by id; `None` when the spec has no such example (a test checks that every
/// choice names one).
pub(crate) fn example(id: &str) -> Option<&'static Value> {
    PARSED.get(id)
}

impl Choice {
    /// The callback this choice makes before the ledger's values are put in: the example of the
    /// outcome, the fragments laid over it, a borrowed example adjusted.
    pub(crate) fn template(&self, success: bool) -> Option<Value> {
        let mut template = example(if success { self.success } else { self.decline })?.clone();
        for fragment in self.over {
            lay_over(&mut template, example(fragment)?);
        }
        if let Some(borrowed) = &self.borrowed {
            if let Some(map) = template.as_object_mut() {
                for field in borrowed.without {
                    map.remove(*field);
                }
            }
            if let Some(method) = template.pointer_mut("/payment/method") {
                *method = Value::from(borrowed.method);
            }
        }
        Some(template)
    }
}

/// Lays `fragment` over `base`: an object field by field, anything else in place.
fn lay_over(base: &mut Value, fragment: &Value) {
    match (base, fragment) {
        (Value::Object(base), Value::Object(fragment)) => {
            for (key, value) in fragment {
                match base.get_mut(key) {
                    Some(existing) => lay_over(existing, value),
                    None => {
                        base.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (base, fragment) => *base = fragment.clone(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn spec_callback(id: &str) -> &'static SpecCallback {
        SPEC_CALLBACKS
            .iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("no callback operation {id} in the spec"))
    }

    fn spec_example(id: &str) -> (&'static SpecCallback, &'static SpecExample) {
        SPEC_CALLBACKS
            .iter()
            .find_map(|c| Some((c, c.examples.iter().find(|e| e.id == id)?)))
            .unwrap_or_else(|| panic!("no callback example {id} in the spec"))
    }

    #[test]
    fn every_example_is_json() {
        for example in SPEC_CALLBACKS.iter().flat_map(|c| c.examples) {
            assert!(
                serde_json::from_str::<Value>(example.json).is_ok(),
                "{} ({}) is not JSON",
                example.id,
                example.source
            );
        }
    }

    /// Each choice's examples are the documents' of its callback operation (a borrowed one
    /// another's): whole callbacks for the outcomes, that operation's fragments laid over.
    #[test]
    fn every_choice_names_examples_of_its_callback_operation() {
        for choice in CHOICES {
            let callback = spec_callback(choice.callback);
            // A redirect callback is the operation's outcome example with its own fragments.
            let own = match choice.role {
                Role::Redirect => super::choice(choice.operation, Role::Outcome)
                    .map_or(choice.callback, |outcome| outcome.callback),
                _ => choice.callback,
            };
            for id in [choice.success, choice.decline] {
                let (owner, example) = spec_example(id);
                assert!(example.whole, "{id} is a fragment");
                assert_eq!(
                    owner.id == own,
                    choice.borrowed.is_none(),
                    "{id} for {}: only a borrowed example is another operation's",
                    choice.callback
                );
            }
            for id in choice.over {
                let (owner, example) = spec_example(id);
                assert!(!example.whole, "{id} is laid over, not whole");
                assert_eq!(owner.id, callback.id, "{id}");
            }
            if choice.borrowed.is_some() {
                assert!(
                    callback.examples.iter().all(|e| !e.whole),
                    "{} has an example of its own to use",
                    callback.id
                );
            }
        }
    }

    /// The choices cover exactly the spec's pairs of an operation and a callback reporting on it,
    /// each once.
    #[test]
    fn the_choices_are_the_specs_callbacks() {
        let spec: BTreeSet<(&str, &str)> = SPEC_CALLBACKS
            .iter()
            .flat_map(|c| c.reports_on.iter().map(move |op| (*op, c.id)))
            .collect();
        let chosen: Vec<(&str, &str)> = CHOICES.iter().map(|c| (c.operation, c.callback)).collect();
        let unique: BTreeSet<_> = chosen.iter().copied().collect();
        assert_eq!(unique.len(), chosen.len(), "a pair chosen twice");
        assert_eq!(unique, spec);
        let roles: BTreeSet<_> = CHOICES
            .iter()
            .map(|c| (c.operation, format!("{:?}", c.role)))
            .collect();
        assert_eq!(
            roles.len(),
            CHOICES.len(),
            "an operation with two choices of one role"
        );
    }

    /// Every Gate and Payment Page operation of the registry whose action the ledger knows has
    /// its outcome's callback; a sale or auth its redirect callback.
    #[test]
    fn every_operation_the_ledger_knows_has_its_callbacks() {
        use crate::ledger::Action;
        for entry in ecommpay_api::OPERATIONS {
            let Some(action) = Action::of(entry.id()) else {
                continue;
            };
            assert!(
                choice(entry.id(), Role::Outcome).is_some(),
                "{}",
                entry.id()
            );
            let redirects = matches!(
                (entry.schema.interface, action),
                (
                    ecommpay_api::Interface::Gate,
                    Action::Open {
                        operation_type: "sale" | "auth",
                        ..
                    }
                )
            );
            assert_eq!(
                choice(entry.id(), Role::Redirect).is_some(),
                redirects,
                "{}",
                entry.id()
            );
        }
    }

    /// The README's table of callbacks is [`CHOICES`].
    #[test]
    fn the_readme_table_is_the_choices() {
        let readme = include_str!("../README.md");
        let table = readme_table();
        let begin = "<!-- callbacks:begin -->\n";
        let end = "<!-- callbacks:end -->";
        let written = readme
            .split_once(begin)
            .and_then(|(_, rest)| rest.split_once(end))
            .map(|(table, _)| table);
        assert_eq!(
            written,
            Some(table.as_str()),
            "the README's table between {begin:?} and {end:?} should be:\n{table}"
        );
    }

    fn readme_table() -> String {
        let cite = |id: &str| {
            let (_, example) = spec_example(id);
            let variant = example
                .variant
                .map_or_else(String::new, |v| format!(", variant `{v}`"));
            format!("`{id}` ({}{variant})", example.source)
        };
        let mut table = String::from(
            "| operation | callback | callback operation | success | decline |\n|---|---|---|---|---|\n",
        );
        for choice in CHOICES {
            let role = match choice.role {
                Role::Redirect => "redirect",
                Role::Outcome => "outcome",
                Role::RecurringRegistration => "recurring registration",
            };
            let mut success = cite(choice.success);
            for fragment in choice.over {
                success.push_str(&format!(" with {}", cite(fragment)));
            }
            let decline = match choice.role {
                Role::Outcome if choice.decline != choice.success => cite(choice.decline),
                Role::Outcome => "the success example".to_owned(),
                _ => "none".to_owned(),
            };
            let borrowed = choice.borrowed.as_ref().map_or_else(String::new, |b| {
                let without = b
                    .without
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                format!(
                    " (borrowed: `payment.method` `{}`, without {without})",
                    b.method
                )
            });
            table.push_str(&format!(
                "| `{}` | {role} | `{}`{borrowed} | {success} | {decline} |\n",
                choice.operation, choice.callback
            ));
        }
        table
    }
}
