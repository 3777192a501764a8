//! What an operation does to payments, as the spec declares it (`action:` of each operation).
//!
//! The Gate client's retry policy and the mock's payment state read it from the generated
//! operation tables ([`OperationSchema::action`](crate::validate::OperationSchema)) instead of
//! guessing from an operation id's suffix.

/// What an operation does to payments.
///
/// New actions may be added in a minor version: match with a wildcard arm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub enum Action {
    /// Opens a purchase that is paid at once (a Payment Page purchase, a Gate sale).
    Purchase,
    /// Opens a purchase whose amount is held until it is captured or cancelled (Gate auth).
    Auth,
    /// Opens a purchase that also registers recurring payments (Payment Page recurring
    /// registration).
    RegisterRecurring,
    /// Debits a registered recurring payment, as a new payment under its own id.
    ChargeRecurring,
    /// Opens a payout to the customer.
    Payout,
    /// Registers a payout that the customer completes on Payment Page (card payouts).
    RegisterPayout,
    /// Completes on Payment Page a payout registered through the Gate.
    CompletePayout,
    /// Takes the held amount of an auth.
    Capture,
    /// Releases the held amount of an auth.
    Cancel,
    /// Returns all or part of a purchase.
    Refund,
    /// Cancels the recurring payments registered under a purchase.
    CancelRecurring,
    /// A callback: reports on the operations its spec entry names (`reports_on`).
    Report,
}

impl Action {
    /// Every action, in declaration order.
    pub const ALL: [Action; 12] = [
        Action::Purchase,
        Action::Auth,
        Action::RegisterRecurring,
        Action::ChargeRecurring,
        Action::Payout,
        Action::RegisterPayout,
        Action::CompletePayout,
        Action::Capture,
        Action::Cancel,
        Action::Refund,
        Action::CancelRecurring,
        Action::Report,
    ];

    /// The spec's name of the action (`register_recurring`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Action::Purchase => "purchase",
            Action::Auth => "auth",
            Action::RegisterRecurring => "register_recurring",
            Action::ChargeRecurring => "charge_recurring",
            Action::Payout => "payout",
            Action::RegisterPayout => "register_payout",
            Action::CompletePayout => "complete_payout",
            Action::Capture => "capture",
            Action::Cancel => "cancel",
            Action::Refund => "refund",
            Action::CancelRecurring => "cancel_recurring",
            Action::Report => "report",
        }
    }

    /// Whether the operation opens a new payment under its own new `payment_id`. The platform
    /// keeps payment ids unique within a project, so a second delivery of such a request cannot
    /// open a second payment; every other action acts on an existing payment (or reports).
    pub const fn opens_payment(self) -> bool {
        matches!(
            self,
            Action::Purchase
                | Action::Auth
                | Action::RegisterRecurring
                | Action::ChargeRecurring
                | Action::Payout
                | Action::RegisterPayout
        )
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Action;

    #[test]
    fn names_are_distinct_and_snake_case() {
        let mut names: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
        assert!(
            names
                .iter()
                .all(|n| n.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        );
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Action::ALL.len());
    }

    #[test]
    fn completing_a_registered_payout_opens_nothing() {
        // The payout was opened by its registration; the Payment Page step completes it.
        assert!(Action::RegisterPayout.opens_payment());
        assert!(!Action::CompletePayout.opens_payment());
        assert!(!Action::Refund.opens_payment());
        assert!(!Action::Report.opens_payment());
    }
}
