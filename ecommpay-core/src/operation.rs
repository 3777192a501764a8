//! What every generated operation type tells about itself, and the registry of all operations.

use serde::Serialize;
use serde_json::Value;

use crate::secret::SecretKey;
use crate::signature::{Canonical, CanonicalError, MessageKind};
use crate::validate::{
    Facts, OperationSchema, OtherParameter, Validate, Violation, other_parameters, validate_value,
};

/// A typed payload of one operation of the spec.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a payload of an operation",
    label = "not an operation's payload",
    note = "a builder is not the request: call `.build()?` on it first"
)]
pub trait Operation {
    /// The operation id in the spec (`astropay.gate.sale`).
    const ID: &'static str;
    /// Its shape and rules.
    fn schema() -> &'static OperationSchema;
}

/// A Gate request: sent with `HTTP_METHOD` to `PATH`. It signs itself, validates itself and
/// serializes to its body: one bound for whatever sends it (`Gate::send`), so that a wrong
/// argument gets one message.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a Gate request",
    label = "not a Gate request",
    note = "a builder is not the request: call `.build()?` on it first",
    note = "the Gate requests are the `*Request` types of the method modules (`paypal::SaleRequest`)"
)]
pub trait GateRequest: Operation + SignedMessage + Validate + Serialize {
    /// The HTTP method the Gate takes it with (`POST`).
    const HTTP_METHOD: &'static str;
    /// The Gate path (`/v2/payment/card/sale`).
    const PATH: &'static str;
}

/// A Payment Page parameter set, opening the form in `MODE`. It carries its signature, validates
/// itself and serializes to its parameters: one bound for whatever signs it into a URL
/// (`PaymentPageUrl::from_params`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a Payment Page parameter set",
    label = "not a Payment Page parameter set",
    note = "a builder is not the parameter set: call `.build()?` on it first",
    note = "the parameter sets are the `*Params` types of the method modules (`astropay::PurchaseParams`)"
)]
pub trait PaymentPageParams: Operation + SignedMessage + Validate + Serialize {
    /// The Payment Page mode (`purchase`, `card_verify`).
    const MODE: &'static str;
}

/// A request that carries its own signature: signs itself from its derived canonical form and
/// puts the signature where its kind of message carries it (`general.signature` in Gate
/// requests, `signature` in Payment Page parameters).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a message that signs itself",
    label = "not a signed message",
    note = "a builder is not the request: call `.build()?` on it first"
)]
pub trait SignedMessage: Canonical {
    /// Where the signature goes, which decides what signing leaves out.
    const KIND: MessageKind;

    /// Stores a signature in the message.
    fn set_signature(&mut self, signature: String);

    /// Signs the message (any signature it carries is left out) and stores the signature.
    fn sign(&mut self, key: &SecretKey) -> Result<(), CanonicalError> {
        let signature = key.sign(self)?;
        self.set_signature(signature);
        Ok(())
    }
}

/// A payload that failed to deserialize into its type, with the JSON path of the failure.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct TypedError {
    /// The JSON path where deserializing failed (`customer.phone`).
    pub path: String,
    /// What serde reported there.
    pub message: String,
}

/// A function over a JSON payload that goes through the operation's typed value.
pub type PayloadFn<T> = fn(&Value) -> Result<T, TypedError>;

/// Deserializes a payload into an operation's typed value and validates that with the facts.
pub type TypedViolationsFn = fn(&Value, &Facts) -> Result<Vec<Violation>, TypedError>;

/// One operation of the registry.
#[derive(Clone, Copy, Debug)]
pub struct OperationEntry {
    /// Its body, rules and place (interface, path or mode).
    pub schema: &'static OperationSchema,
    /// The Rust type of its payload, as a path (`astropay::SaleRequest`).
    pub type_name: &'static str,
    /// Deserializes a payload into the typed value and serializes it back.
    pub roundtrip: PayloadFn<Value>,
    /// Requests: deserializes a payload into the typed value and returns the string to sign its
    /// derived `Canonical` implementation writes (natural order).
    pub derived_string_to_sign: Option<PayloadFn<String>>,
    /// Requests: deserializes a payload into the typed value and validates that (its generated
    /// `Validate`) with the facts.
    pub typed_violations: Option<TypedViolationsFn>,
}

impl OperationEntry {
    /// The operation id (`paypal.gate.sale`).
    pub fn id(&self) -> &'static str {
        self.schema.id
    }

    /// Every violation of a JSON payload.
    pub fn validate_json(&self, payload: &Value, facts: &Facts) -> Vec<Violation> {
        validate_value(self.schema, payload, facts)
    }

    /// The keys of a JSON payload that the operation does not declare (allowed, listed for typo
    /// checks).
    pub fn other_parameters(&self, payload: &Value) -> Vec<OtherParameter> {
        other_parameters(self.schema, payload)
    }
}

/// The functions the generated registry stores in each [`OperationEntry`], reached by
/// generated code through `__private`.
pub(crate) mod entry_fns {
    use serde::Serialize;
    use serde::de::DeserializeOwned;
    use serde_json::Value;

    use super::{SignedMessage, TypedError};
    use crate::signature::SortOrder;
    use crate::signature::low_level::string_to_sign;
    use crate::validate::{Facts, Validate, Violation};

    /// Deserializes `value` as `T` (reporting the path of a failure) and serializes it back.
    pub fn roundtrip<T: DeserializeOwned + Serialize>(value: &Value) -> Result<Value, TypedError> {
        let typed: T = serde_path_to_error::deserialize(value).map_err(|e| TypedError {
            path: e.path().to_string(),
            message: crate::excerpt::shorten(e.inner().to_string()),
        })?;
        serde_json::to_value(&typed).map_err(|e| TypedError {
            path: ".".into(),
            message: e.to_string(),
        })
    }

    /// The violations of the typed value `T` a payload deserializes into.
    pub fn typed_violations<T: DeserializeOwned + Validate>(
        value: &Value,
        facts: &Facts,
    ) -> Result<Vec<Violation>, TypedError> {
        let typed: T = serde_path_to_error::deserialize(value).map_err(|e| TypedError {
            path: e.path().to_string(),
            message: crate::excerpt::shorten(e.inner().to_string()),
        })?;
        Ok(typed
            .validate_with(facts)
            .err()
            .map(|v| v.0)
            .unwrap_or_default())
    }

    /// The string to sign of a payload, written by the derived `Canonical` implementation of `T`.
    pub fn derived_string_to_sign<T: DeserializeOwned + SignedMessage>(
        value: &Value,
    ) -> Result<String, TypedError> {
        let typed: T = serde_path_to_error::deserialize(value).map_err(|e| TypedError {
            path: e.path().to_string(),
            message: crate::excerpt::shorten(e.inner().to_string()),
        })?;
        string_to_sign(&typed, SortOrder::Natural).map_err(|e| TypedError {
            path: ".".into(),
            message: e.to_string(),
        })
    }
}
