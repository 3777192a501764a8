//! Every refusal the mock answers, as one enum: its code, the field it is about, its HTTP status
//! and page title, the route that answers it, and whether the documents name that answer or it
//! is the mock's own choice (what the OpenAPI document marks `x-ecommpay-mock-choice`; a test
//! keeps the two in agreement).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// Why the mock refuses a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Refusal {
    // A Gate operation's path; the answer is JSON: `{"status": "error", "code", "message"}`,
    // with `errors` (each violation's path) for broken rules and the payment's state.
    /// A `Content-Type` other than `application/json`.
    UnsupportedMediaType,
    /// A body over [`MAX_REQUEST_BYTES`](crate::MAX_REQUEST_BYTES), not read (plain text).
    BodyTooLarge,
    /// A body that is not a JSON object.
    MalformedRequest,
    /// A missing or wrong signature.
    InvalidSignature,
    /// A body that breaks the documents' rules.
    InvalidRequest,
    /// A `payment_id` the project already used.
    PaymentIdReused,
    /// A follow-up of a payment the mock does not know.
    PaymentNotFound,
    /// A follow-up through another method than the one that opened the payment.
    WrongPaymentMethod,
    /// A follow-up the payment's status does not allow (a capture of a captured payment).
    WrongPaymentStatus,
    /// A refund of 0.
    RefundAmountZero,
    /// A refund beyond what is left of the payment.
    RefundExceedsPayment,
    /// A refund in another currency than the payment's.
    RefundCurrencyDiffers,
    /// A debit of a recurring payment never registered.
    RecurringNotFound,
    /// A payout completed with a `uuid` its registration did not give.
    UnknownUuid,
    /// An operation whose action the mock's ledger does not know: the mock's defect, not the
    /// request's (500; a test rules it out for every operation of the spec).
    UnknownOperation,
    /// A path with no Gate operation.
    UnknownPath,

    // `GET /payment`; the answer is an HTML page.
    /// A URL without parameters.
    PageWithoutParameters,
    /// A query the decoder refuses.
    PageUrlUndecodable,
    /// A URL over the decoder's limit.
    PageUrlTooLong,
    /// No signature, or one that is not Base64.
    PageSignatureUnreadable,
    /// A signature that does not match the parameters.
    PageSignatureMismatch,
    /// Parameters that break the rules of every operation they could be.
    PageInvalidParameters,
    /// A `payment_id` already opened with other parameters.
    PagePaymentIdReused,

    // A button, `POST /payment/{token}`; the answer is an HTML page.
    /// A form that cannot be read.
    PageFormUnreadable,
    /// An `outcome` other than `pay` or `decline`.
    PageUnknownButton,
    /// No method chosen where the page offered several.
    PageNoMethodChosen,
    /// A token of no payment the mock remembers.
    PageUnknownPayment,
    /// A payment the ledger refuses (its reason in the page: a `payment_id` a Gate operation
    /// took, a payout page without its registration).
    PagePaymentRefused,
    /// A payment forgotten while its callback was delivered.
    PagePaymentLost,
}

/// Which route answers a refusal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Route {
    /// A Gate operation's path (the OpenAPI document's `paths`).
    GateOperation,
    /// A path with no operation.
    Fallback,
    /// `GET /payment` (the OpenAPI document's `/payment`).
    PaymentPage,
    /// A Payment Page button, `POST /payment/{token}`: the mock's own page, which the OpenAPI
    /// document leaves out.
    PaymentPageButton,
}

/// Who decided a refusal's HTTP answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Basis {
    /// The documents name it, there (`001_6d33046829e36e91.txt:38`).
    Documents(&'static str),
    /// The documents name no answer for it: the mock's own choice (`x-ecommpay-mock-choice` in
    /// the OpenAPI document).
    MockChoice,
}

impl Refusal {
    /// Every refusal.
    pub const ALL: &'static [Refusal] = &[
        Refusal::UnsupportedMediaType,
        Refusal::BodyTooLarge,
        Refusal::MalformedRequest,
        Refusal::InvalidSignature,
        Refusal::InvalidRequest,
        Refusal::PaymentIdReused,
        Refusal::PaymentNotFound,
        Refusal::WrongPaymentMethod,
        Refusal::WrongPaymentStatus,
        Refusal::RefundAmountZero,
        Refusal::RefundExceedsPayment,
        Refusal::RefundCurrencyDiffers,
        Refusal::RecurringNotFound,
        Refusal::UnknownUuid,
        Refusal::UnknownOperation,
        Refusal::UnknownPath,
        Refusal::PageWithoutParameters,
        Refusal::PageUrlUndecodable,
        Refusal::PageUrlTooLong,
        Refusal::PageSignatureUnreadable,
        Refusal::PageSignatureMismatch,
        Refusal::PageInvalidParameters,
        Refusal::PagePaymentIdReused,
        Refusal::PageFormUnreadable,
        Refusal::PageUnknownButton,
        Refusal::PageNoMethodChosen,
        Refusal::PageUnknownPayment,
        Refusal::PagePaymentRefused,
        Refusal::PagePaymentLost,
    ];

    /// Its code: the Gate answer's `code`, a visit's and a log line's.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::UnsupportedMediaType => "unsupported_media_type",
            Refusal::BodyTooLarge => "body_too_large",
            Refusal::MalformedRequest => "malformed_request",
            Refusal::InvalidSignature => "invalid_signature",
            Refusal::InvalidRequest => "invalid_request",
            Refusal::PaymentIdReused | Refusal::PagePaymentIdReused => "payment_id_reused",
            Refusal::PaymentNotFound => "payment_not_found",
            Refusal::WrongPaymentMethod => "wrong_payment_method",
            Refusal::WrongPaymentStatus => "wrong_payment_status",
            Refusal::RefundAmountZero => "refund_amount_zero",
            Refusal::RefundExceedsPayment => "refund_exceeds_payment",
            Refusal::RefundCurrencyDiffers => "refund_currency_differs",
            Refusal::RecurringNotFound => "recurring_not_found",
            Refusal::UnknownUuid => "unknown_uuid",
            Refusal::UnknownOperation => "unknown_operation",
            Refusal::UnknownPath => "unknown_path",
            Refusal::PageWithoutParameters => "no_parameters",
            Refusal::PageUrlUndecodable => "undecodable_url",
            Refusal::PageUrlTooLong => "url_too_long",
            Refusal::PageSignatureUnreadable => "unreadable_signature",
            Refusal::PageSignatureMismatch => "signature_mismatch",
            Refusal::PageInvalidParameters => "invalid_parameters",
            Refusal::PageFormUnreadable => "unreadable_form",
            Refusal::PageUnknownButton => "unknown_button",
            Refusal::PageNoMethodChosen => "no_method_chosen",
            Refusal::PageUnknownPayment => "unknown_payment",
            Refusal::PagePaymentRefused => "payment_refused",
            Refusal::PagePaymentLost => "payment_lost",
        }
    }

    /// The HTTP status it is answered with.
    pub fn status(self) -> u16 {
        match self {
            Refusal::UnsupportedMediaType => 415,
            Refusal::BodyTooLarge => 413,
            Refusal::UnknownPath | Refusal::PageUnknownPayment => 404,
            Refusal::PageUrlTooLong => 414,
            Refusal::PageSignatureMismatch => 403,
            Refusal::PagePaymentIdReused | Refusal::PagePaymentRefused => 409,
            Refusal::UnknownOperation | Refusal::PagePaymentLost => 500,
            _ => 400,
        }
    }

    /// The field it is about (a JSON path, or a Payment Page parameter), when it is about one;
    /// a broken rule names each violation's path instead.
    pub fn path(self) -> Option<&'static str> {
        match self {
            Refusal::PaymentIdReused
            | Refusal::PaymentNotFound
            | Refusal::WrongPaymentMethod
            | Refusal::WrongPaymentStatus => Some("general.payment_id"),
            Refusal::RefundAmountZero | Refusal::RefundExceedsPayment => Some("payment.amount"),
            Refusal::RefundCurrencyDiffers => Some("payment.currency"),
            Refusal::RecurringNotFound => Some("recurring.id"),
            Refusal::UnknownUuid => Some("uuid"),
            Refusal::PageSignatureUnreadable | Refusal::PageSignatureMismatch => Some("signature"),
            Refusal::PagePaymentIdReused => Some("payment_id"),
            Refusal::PageUnknownButton => Some("outcome"),
            Refusal::PageNoMethodChosen => Some("operation"),
            _ => None,
        }
    }

    /// The route that answers it.
    pub fn route(self) -> Route {
        match self {
            Refusal::UnknownPath => Route::Fallback,
            Refusal::PageWithoutParameters
            | Refusal::PageUrlUndecodable
            | Refusal::PageUrlTooLong
            | Refusal::PageSignatureUnreadable
            | Refusal::PageSignatureMismatch
            | Refusal::PageInvalidParameters
            | Refusal::PagePaymentIdReused => Route::PaymentPage,
            Refusal::PageFormUnreadable
            | Refusal::PageUnknownButton
            | Refusal::PageNoMethodChosen
            | Refusal::PageUnknownPayment
            | Refusal::PagePaymentRefused
            | Refusal::PagePaymentLost => Route::PaymentPageButton,
            _ => Route::GateOperation,
        }
    }

    /// Who decided its answer. The documents name one refusal, a card payout registration
    /// from an IP address not on the allow-list (403, `001_6d33046829e36e91.txt:38`), which the
    /// mock, without an allow-list, never answers; every answer here is the mock's choice.
    pub fn basis(self) -> Basis {
        Basis::MockChoice
    }

    /// The heading of its Payment Page, and the Gate answer's message where the refusal says it
    /// all.
    pub fn title(self) -> &'static str {
        match self {
            Refusal::UnsupportedMediaType => "the Gate takes application/json",
            Refusal::BodyTooLarge => "the body is over 1 MiB",
            Refusal::MalformedRequest => "the body is not a JSON object",
            Refusal::InvalidSignature => "the signature is missing or wrong",
            Refusal::InvalidRequest => "the request breaks the rules of the documents",
            Refusal::PaymentIdReused => "the payment_id is already used",
            Refusal::PaymentNotFound => "no payment with this payment_id",
            Refusal::WrongPaymentMethod => "the payment was opened through another method",
            Refusal::WrongPaymentStatus => "the payment's status does not allow this operation",
            Refusal::RefundAmountZero => "a refund of 0",
            Refusal::RefundExceedsPayment => "the refund exceeds what is left",
            Refusal::RefundCurrencyDiffers => "the refund's currency is not the payment's",
            Refusal::RecurringNotFound => "no such recurring payment",
            Refusal::UnknownUuid => "an unknown uuid",
            Refusal::UnknownOperation => "the mock does not know what this operation does",
            Refusal::UnknownPath => "no Gate operation at this path",
            Refusal::PageWithoutParameters => "The URL has no parameters",
            Refusal::PageUrlUndecodable => "The URL cannot be decoded",
            Refusal::PageUrlTooLong => "The URL is too long",
            Refusal::PageSignatureUnreadable | Refusal::PageSignatureMismatch => {
                "The URL's signature is refused"
            }
            Refusal::PageInvalidParameters => "The parameters break the rules",
            Refusal::PagePaymentIdReused => "This payment_id is already used",
            Refusal::PageFormUnreadable => "The form cannot be read",
            Refusal::PageUnknownButton => "Unknown button",
            Refusal::PageNoMethodChosen => "No payment method chosen",
            Refusal::PageUnknownPayment => "Unknown payment",
            Refusal::PagePaymentRefused => "The payment cannot be made",
            Refusal::PagePaymentLost => "The payment was lost",
        }
    }

    pub(crate) fn status_code(self) -> StatusCode {
        StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// The Gate's JSON answer: `message`, and `errors` when there are paths to name (each
    /// violation's; the refusal's own field otherwise).
    pub(crate) fn gate_answer(self, message: &str, errors: Option<Value>) -> Response {
        if self == Refusal::BodyTooLarge {
            return (self.status_code(), message.to_owned()).into_response();
        }
        let mut body = json!({"status": "error", "code": self.code(), "message": message});
        let errors = errors.or_else(|| {
            self.path()
                .map(|path| json!([{"path": path, "kind": self.code(), "message": message}]))
        });
        if let Some(errors) = errors {
            body["errors"] = errors;
        }
        (self.status_code(), axum::Json(body)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_refusal_is_listed_once_with_a_distinct_code_per_route() {
        let listed: HashSet<_> = Refusal::ALL.iter().collect();
        assert_eq!(listed.len(), Refusal::ALL.len());
        let codes: HashSet<_> = Refusal::ALL.iter().map(|r| (r.route(), r.code())).collect();
        assert_eq!(codes.len(), Refusal::ALL.len());
        for refusal in Refusal::ALL {
            assert!(
                (400..600).contains(&refusal.status()),
                "{refusal:?}: {}",
                refusal.status()
            );
        }
    }
}
