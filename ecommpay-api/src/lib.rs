#![doc = include_str!("../README.md")]
// On docs.rs (nightly, `--cfg docsrs`) every feature-gated item carries its feature's badge;
// stable builds ignore it.
#![cfg_attr(docsrs, feature(doc_cfg))]

// Lets `#[derive(Canonical)]` name `::ecommpay_api` inside this crate too.
extern crate self as ecommpay_api;

pub use ecommpay_core::{
    Action, BuildError, BuildProblem, BuildProblemKind, Interface, formats, operation,
    payment_page, secret, validate, values, wire,
};

/// What generated code needs and merchants do not name (the builders' slots, the validators'
/// helpers): not part of the public API.
#[doc(hidden)]
pub use ecommpay_core::__private;

/// Signatures: the canonical form, signing and verification, and `#[derive(Canonical)]`.
pub mod signature {
    pub use ecommpay_core::signature::*;
    pub use ecommpay_macros::Canonical;
}

// The code generated from the spec; its modules are re-exported below, each type at one path.
#[allow(clippy::all, clippy::pedantic)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/generated/mod.rs"));
}

pub use generated::*;
pub use operation::{GateRequest, Operation, OperationEntry, PaymentPageParams, SignedMessage};
pub use validate::{Facts, Validate, Violation, ViolationKind, Violations};

impl callback::Callback {
    /// Verifies a callback's signature over its raw body, exactly as received, and only then
    /// deserializes it. A missing, malformed or wrong signature is an error that says which; a
    /// tampered body never yields a callback.
    ///
    /// ```
    /// use ecommpay_api::SecretKey;
    /// use ecommpay_api::callback::{Callback, CallbackPaymentStatus};
    ///
    /// let key = SecretKey::new("your-project-secret")?;
    /// let raw = br#"{"payment":{"id":"order-1","status":"success"},"signature":"bm90IGEgc2lnbmF0dXJl"}"#;
    /// // Not signed with this key: nothing of the body is handed out.
    /// assert!(Callback::verify(raw, &key).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// With the default limits; a [`signature::CallbackVerifier`] with others reads a callback
    /// the same way (`verifier.verify_into::<Callback>(raw)`).
    pub fn verify(
        raw: &[u8],
        key: &SecretKey,
    ) -> Result<callback::Callback, signature::CallbackError> {
        signature::CallbackVerifier::new(key.clone()).verify_into(raw)
    }
}

/// Looks up an operation of the registry by its id (`astropay.gate.sale`).
///
/// ```
/// let sale = ecommpay_api::operation("paypal.gate.sale").expect("a known operation");
/// assert_eq!(sale.schema.path, Some("/v2/payment/wallet/paypal/sale"));
/// assert!(ecommpay_api::operation("paypal.gate.teleport").is_none());
/// ```
pub fn operation(id: &str) -> Option<&'static OperationEntry> {
    OPERATIONS.iter().find(|entry| entry.id() == id)
}

pub use secret::SecretKey;

#[cfg(feature = "client")]
#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
pub mod client;
pub mod webhook;

/// The examples of `ecommpay-core`'s items that this crate re-exports, doc-tested here with the
/// paths a merchant writes (`ecommpay_api::...`); `ecommpay-core` shows them but cannot test
/// them, as it cannot depend on this crate.
#[cfg(doctest)]
mod core_examples {
    #[doc = include_str!("../../ecommpay-core/examples-doc/facts.md")]
    struct Facts;
    #[doc = include_str!("../../ecommpay-core/examples-doc/form_encode.md")]
    struct FormEncode;
    #[doc = include_str!("../../ecommpay-core/examples-doc/param_text.md")]
    struct ParamText;
    #[doc = include_str!("../../ecommpay-core/examples-doc/payment_page_url.md")]
    struct PaymentPageUrl;
    #[doc = include_str!("../../ecommpay-core/examples-doc/parsed_payment_page_url.md")]
    struct ParsedPaymentPageUrl;
}
