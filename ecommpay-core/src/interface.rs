//! The platform's interfaces.

/// Which interface an operation belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub enum Interface {
    /// Server-to-server requests to the Gate.
    Gate,
    /// Parameters of the Payment Page, the platform's hosted form.
    PaymentPage,
    /// Callbacks the platform sends to the merchant.
    Callback,
}

impl Interface {
    /// The spec's name of the interface.
    pub fn as_str(self) -> &'static str {
        match self {
            Interface::Gate => "gate",
            Interface::PaymentPage => "payment_page",
            Interface::Callback => "callback",
        }
    }
}
