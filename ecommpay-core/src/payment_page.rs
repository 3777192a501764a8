//! Payment Page URLs: the signed link that opens Payment Page, the signed configuration of the
//! embedded widget, and the way back from a URL to its parameters and their signature.
//!
//! What the official PHP SDK does (`PaymentPage::getUrl`, `SignatureHandler::sign`), byte for
//! byte:
//!
//! 1. Every parameter becomes text ([`param_text`]): strings verbatim, integers in decimal,
//!    booleans `1` or `0`, objects and arrays as the JSON text PHP's `json_encode` writes with its
//!    default flags (the SDK sends `interface_type` as `json_encode(['id' => 23])`, i.e.
//!    `{"id":23}`).
//! 2. The signature is computed over those texts, as a JSON object of strings signed as Payment
//!    Page parameters ([`MessageKind::PaymentPage`], natural order): `frame_mode` travels in the
//!    URL but is not signed, and any `signature` the parameters carry is left out.
//! 3. The URL is the base URL, `?`, the parameters in their order as `name=value` joined with `&`
//!    (`http_build_query` with RFC 1738: only `A-Z a-z 0-9 - _ .` stay literal, a space becomes
//!    `+`, every other byte of the UTF-8 text is `%XX`), then `&signature=` and the encoded
//!    signature, last.
//!
//! [`PaymentPageUrl::from_params`] validates and signs a typed parameter set, as `Gate::send`
//! does a request; [`PaymentPageUrl`] builds both the URL and the widget configuration;
//! [`ParsedPaymentPageUrl`] decodes a URL and verifies its signature.

use std::collections::HashSet;
use std::str::FromStr;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode, utf8_percent_encode};
use serde_json::{Map, Number, Value};

use crate::excerpt::Excerpt;
use crate::operation::PaymentPageParams;
use crate::secret::SecretKey;
use crate::signature::{
    CanonicalError, MalformedSignature, MessageKind, SIGNATURE_KEY, UNSUPPORTED_NUMBER_REASON,
    VerifyError, fraction_text, shown_number,
};
use crate::validate::Violations;

/// The Payment Page URL that [`PaymentPageUrl`] uses unless told otherwise (the PHP SDK's base URL
/// followed by its `/payment`).
pub const DEFAULT_BASE_URL: &str = "https://paymentpage.ecommpay.com/payment";

/// The longest URL [`ParsedPaymentPageUrl::parse`] reads, in bytes (64 KiB); longer ones are
/// rejected before anything is decoded.
pub const MAX_URL_BYTES: usize = 64 * 1024;

/// The bytes written literally in a Payment Page URL: `A-Z a-z 0-9 - _ .`, as PHP's `urlencode`
/// and `http_build_query` (RFC 1738). Everything else, `~` and `*` included, is written `%XX`;
/// the space is encoded here as `%20` and written `+` by [`form_encode`].
pub const FORM_ENCODE_SET: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.');

/// The deepest nesting of arrays and objects that becomes JSON text, as PHP's `json_encode`
/// (its default depth, 512).
pub const MAX_JSON_DEPTH: usize = 512;

/// How many characters of a bad name or value an error quotes.
const QUOTE_CHARS: usize = 32;

/// Encodes text as PHP's `urlencode` does (`application/x-www-form-urlencoded`, RFC 1738):
/// only `A-Z a-z 0-9 - _ .` stay literal, a space becomes `+`, every other byte of the UTF-8 text
/// becomes `%XX` with upper-case hexadecimal digits.
///
// The example is doc-tested in `ecommpay-api`, with the paths a merchant writes.
#[cfg_attr(not(doctest), doc = include_str!("../examples-doc/form_encode.md"))]
pub fn form_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_form_encoded(&mut out, text);
    out
}

fn push_form_encoded(out: &mut String, text: &str) {
    // Each item is a run of literal bytes or one `%XX` triplet, so the space is a whole item.
    for chunk in utf8_percent_encode(text, FORM_ENCODE_SET) {
        if chunk == "%20" {
            out.push('+');
        } else {
            out.push_str(chunk);
        }
    }
}

/// A Payment Page parameter set that cannot become the text of a URL.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PaymentPageError {
    /// The parameter set is not a JSON object.
    #[error("the Payment Page parameters are not a JSON object but {found}")]
    NotAnObject {
        /// What they are instead (`an array`, `a string`…).
        found: &'static str,
    },
    /// A parameter whose name is empty, which a URL cannot carry as `name=value`.
    #[error("a Payment Page parameter has an empty name")]
    EmptyName,
    /// A parameter whose value is `null`: PHP's `http_build_query` would leave it out of the URL
    /// while its `SignatureHandler` signs it as empty, so the URL could never verify.
    #[error("parameter {} is null; leave it out or give it a value", Excerpt(.parameter))]
    Null {
        /// The parameter's name.
        parameter: String,
    },
    /// A number, at the top or inside an object or array, that the official SDKs would write
    /// differently (`1.0`, `1e3`, `0.00001`, more than 14 significant digits, an integer beyond
    /// 64 bits): the signer refuses it by the same rule, with the same reason.
    #[error(
        "unsupported number {} in parameter {}: {}",
        Excerpt(.number), Excerpt(.parameter), UNSUPPORTED_NUMBER_REASON
    )]
    UnsupportedNumber {
        /// The parameter's name.
        parameter: String,
        /// The number as `serde_json` holds it (a double: `1.0`, `1e-5`).
        number: String,
    },
    /// An object or array value nested deeper than PHP's `json_encode` accepts.
    #[error(
        "parameter {} nests arrays and objects deeper than {MAX_JSON_DEPTH} levels, \
         which PHP's json_encode refuses",
        Excerpt(.parameter)
    )]
    TooDeep {
        /// The parameter's name.
        parameter: String,
    },
    /// A typed parameter set that breaks its operation's rules: nothing was signed.
    #[error(
        "{operation}: the Payment Page parameters are not valid, nothing was signed: {violations}"
    )]
    Invalid {
        /// The operation id (`astropay.payment_page.purchase`).
        operation: &'static str,
        /// Every violation, with its JSON path.
        violations: Violations,
    },
    /// `serde_json::to_value` failed on a typed parameter set.
    #[error("the Payment Page parameters cannot be turned into JSON: {0}")]
    Serialize(#[source] serde_json::Error),
    /// The text parameters could not be signed (not expected: every value is a string).
    #[error("the Payment Page parameters cannot be signed: {0}")]
    Canonical(#[from] CanonicalError),
}

/// The text a Payment Page parameter's value is sent as: strings verbatim, integers in decimal,
/// booleans `1` or `0`, objects and arrays as the JSON text of PHP's `json_encode` with its
/// default flags (no spaces, `/` written `\/`, every character outside ASCII written `\uXXXX` in
/// lower-case hexadecimal, UTF-16 surrogate pairs beyond the BMP; `null` inside them is `null`).
///
/// Numbers, at the top or inside, are written as the signer writes them: integers in decimal,
/// others as the official SDKs all write them (`1.5`, `0.0015`); a number they would write
/// differently (`1.0`, `1e3`, `0.00001`) is refused as the signer refuses it.
///
/// `parameter` only names the parameter in errors. A `null` value is an error too.
///
// The example is doc-tested in `ecommpay-api`, with the paths a merchant writes.
#[cfg_attr(not(doctest), doc = include_str!("../examples-doc/param_text.md"))]
pub fn param_text(parameter: &str, value: &Value) -> Result<String, PaymentPageError> {
    match value {
        Value::Null => Err(PaymentPageError::Null {
            parameter: parameter.to_owned(),
        }),
        Value::Bool(value) => Ok(if *value { "1" } else { "0" }.to_owned()),
        Value::Number(number) => number_text(parameter, number),
        Value::String(text) => Ok(text.clone()),
        Value::Array(_) | Value::Object(_) => {
            let mut out = String::new();
            write_php_json(&mut out, value, parameter, 0)?;
            Ok(out)
        }
    }
}

/// A number's text, the same at the top of the URL and inside JSON text: integers of at most 64
/// bits in decimal, other numbers as the signer writes them ([`fraction_text`]) or refused where
/// it refuses them. That text is what the PHP SDK sends and signs alike (PHP's `(string)` and
/// `http_build_query` write a double with 14 significant digits, `json_encode` the shortest text
/// that reads back: the same text for every number the SDKs agree on), and what the Python and
/// Node SDKs put into their URLs and sign for it.
fn number_text(parameter: &str, number: &Number) -> Result<String, PaymentPageError> {
    if let Some(value) = number.as_i64() {
        return Ok(itoa::Buffer::new().format(value).to_owned());
    }
    if let Some(value) = number.as_u64() {
        return Ok(itoa::Buffer::new().format(value).to_owned());
    }
    let value = number.as_f64().unwrap_or(f64::NAN);
    fraction_text(value).ok_or_else(|| PaymentPageError::UnsupportedNumber {
        parameter: parameter.to_owned(),
        number: shown_number(value),
    })
}

/// Writes `value` as PHP's `json_encode($value)` does with no flags.
fn write_php_json(
    out: &mut String,
    value: &Value,
    parameter: &str,
    depth: usize,
) -> Result<(), PaymentPageError> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
        Value::Number(number) => out.push_str(&number_text(parameter, number)?),
        Value::String(text) => write_php_json_string(out, text),
        Value::Array(items) => {
            check_depth(parameter, depth)?;
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_php_json(out, item, parameter, depth + 1)?;
            }
            out.push(']');
        }
        Value::Object(members) => {
            check_depth(parameter, depth)?;
            out.push('{');
            for (i, (key, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_php_json_string(out, key);
                out.push(':');
                write_php_json(out, item, parameter, depth + 1)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

fn check_depth(parameter: &str, depth: usize) -> Result<(), PaymentPageError> {
    if depth >= MAX_JSON_DEPTH {
        return Err(PaymentPageError::TooDeep {
            parameter: parameter.to_owned(),
        });
    }
    Ok(())
}

/// A JSON string as PHP's `php_json_escape_string` writes it without flags.
fn write_php_json_string(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let push_unit = |out: &mut String, unit: u16| {
        out.push_str("\\u");
        for shift in [12, 8, 4, 0] {
            out.push(char::from(HEX[usize::from((unit >> shift) & 0xf)]));
        }
    };
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            ' '..='\u{7f}' => out.push(c),
            _ => {
                let mut units = [0; 2];
                for unit in c.encode_utf16(&mut units) {
                    push_unit(out, *unit);
                }
            }
        }
    }
    out.push('"');
}

/// A Payment Page parameter set as text, ready to be signed into a URL or a widget
/// configuration.
///
/// The parameters keep their order (the JSON object's insertion order, or a typed parameter
/// set's field order); a `signature` among them is dropped, and the fresh one goes last.
///
// The example is doc-tested in `ecommpay-api`, with the paths a merchant writes.
#[cfg_attr(not(doctest), doc = include_str!("../examples-doc/payment_page_url.md"))]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentPageUrl {
    base_url: String,
    /// The parameters as text: every value is a `Value::String`.
    params: Map<String, Value>,
}

impl PaymentPageUrl {
    /// The parameters of a JSON object, in its order; see [`param_text`] for how each value
    /// becomes text.
    pub fn from_map(params: &Map<String, Value>) -> Result<Self, PaymentPageError> {
        let mut text = Map::with_capacity(params.len());
        for (name, value) in params {
            if name == SIGNATURE_KEY {
                continue;
            }
            if name.is_empty() {
                return Err(PaymentPageError::EmptyName);
            }
            text.insert(name.clone(), Value::String(param_text(name, value)?));
        }
        Ok(Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            params: text,
        })
    }

    /// The parameters of a JSON value, which must be an object.
    pub fn from_value(params: &Value) -> Result<Self, PaymentPageError> {
        match params {
            Value::Object(members) => Self::from_map(members),
            other => Err(PaymentPageError::NotAnObject {
                found: json_kind(other),
            }),
        }
    }

    /// A typed parameter set, signed and validated as `Gate::send` does a request: the
    /// parameters, in the order of their fields, are signed with `key` and the signature put in
    /// the set, which is then validated; a violation of the operation's rules is an error
    /// ([`PaymentPageError::Invalid`]) and no URL is made. Taken by value because it is signed
    /// here, as `Gate::send` takes a request. Untyped JSON goes through
    /// [`from_map`](Self::from_map) or [`from_value`](Self::from_value).
    pub fn from_params<P: PaymentPageParams>(
        mut params: P,
        key: &SecretKey,
    ) -> Result<SignedPaymentPageUrl, PaymentPageError> {
        let value = serde_json::to_value(&params).map_err(PaymentPageError::Serialize)?;
        let signed = Self::from_value(&value)?.sign(key)?;
        params.set_signature(signed.signature.clone());
        params
            .validate()
            .map_err(|violations| PaymentPageError::Invalid {
                operation: P::ID,
                violations,
            })?;
        Ok(signed)
    }

    /// Signs the parameters' texts (`frame_mode` left out) with `key`.
    pub fn sign(self, key: &SecretKey) -> Result<SignedPaymentPageUrl, PaymentPageError> {
        let signature = key.sign(&self.params)?;
        Ok(SignedPaymentPageUrl {
            unsigned: self,
            signature,
        })
    }

    /// The same parameters under another Payment Page URL (everything before the `?`), e.g. a
    /// sandbox's. The text is used as given.
    #[must_use]
    pub fn with_base_url(self, base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            ..self
        }
    }

    /// The Payment Page URL the parameters are appended to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The parameters as text, in their order, without the signature.
    pub fn params(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        self.params
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str().unwrap_or_default()))
    }

    /// The signature of the parameters' texts (`frame_mode` left out): Base64 of HMAC-SHA512.
    pub fn signature(&self, key: &SecretKey) -> Result<String, PaymentPageError> {
        Ok(key.sign(&self.params)?)
    }

    /// The signed URL: the base URL, `?`, the encoded parameters in their order, and the encoded
    /// signature last, byte for byte as the PHP SDK's `PaymentPage::getUrl`.
    pub fn to_url(&self, key: &SecretKey) -> Result<String, PaymentPageError> {
        Ok(self.clone().sign(key)?.to_url())
    }

    /// The signed configuration of the embedded widget (`EPayWidget.run(config)` of
    /// `merchant.js`): the parameters in their order, each as the text that was signed, and
    /// `signature` last.
    pub fn widget_config(&self, key: &SecretKey) -> Result<Value, PaymentPageError> {
        Ok(self.clone().sign(key)?.widget_config())
    }
}

/// A Payment Page parameter set as text with its signature: what
/// [`PaymentPageUrl::from_params`] and [`PaymentPageUrl::sign`] give.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedPaymentPageUrl {
    unsigned: PaymentPageUrl,
    signature: String,
}

impl SignedPaymentPageUrl {
    /// The same parameters under another Payment Page URL (everything before the `?`), e.g. a
    /// sandbox's; the signature does not cover it. The text is used as given.
    #[must_use]
    pub fn with_base_url(self, base_url: impl Into<String>) -> Self {
        Self {
            unsigned: self.unsigned.with_base_url(base_url),
            ..self
        }
    }

    /// The Payment Page URL the parameters are appended to.
    pub fn base_url(&self) -> &str {
        self.unsigned.base_url()
    }

    /// The parameters as text, in their order, without the signature.
    pub fn params(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        self.unsigned.params()
    }

    /// The signature of the parameters' texts: Base64 of HMAC-SHA512.
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// The signed URL: the base URL, `?`, the encoded parameters in their order, and the encoded
    /// signature last, byte for byte as the PHP SDK's `PaymentPage::getUrl`.
    pub fn to_url(&self) -> String {
        let base_url = self.base_url();
        let mut url = String::with_capacity(base_url.len() + 128 + 8 * self.params().len());
        url.push_str(base_url);
        url.push('?');
        for (name, value) in self.params() {
            push_form_encoded(&mut url, name);
            url.push('=');
            push_form_encoded(&mut url, value);
            url.push('&');
        }
        url.push_str(SIGNATURE_KEY);
        url.push('=');
        push_form_encoded(&mut url, &self.signature);
        url
    }

    /// The signed configuration of the embedded widget (`EPayWidget.run(config)` of
    /// `merchant.js`): the parameters in their order, each as the text that was signed, and
    /// `signature` last.
    pub fn widget_config(&self) -> Value {
        let mut config = self.unsigned.params.clone();
        config.insert(
            SIGNATURE_KEY.to_owned(),
            Value::String(self.signature.clone()),
        );
        Value::Object(config)
    }
}

/// A Payment Page URL that cannot be decoded, or whose signature does not check out.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PaymentPageUrlError {
    /// The URL is longer than [`MAX_URL_BYTES`]; nothing of it was decoded.
    #[error("the URL has {bytes} bytes, more than the {MAX_URL_BYTES} a Payment Page URL may have")]
    TooLong {
        /// Its length in bytes.
        bytes: usize,
    },
    /// Not an `http://` or `https://` URL with a query.
    #[error("not a Payment Page URL: {reason}")]
    NotAPaymentPageUrl {
        /// What is missing.
        reason: &'static str,
    },
    /// A parameter with no name: an empty `&&`, a trailing `&`, or `=value`.
    #[error("parameter {position} of the query has no name (near {near})")]
    EmptyName {
        /// The parameter's position in the query, from 1.
        position: usize,
        /// The start of the raw text, quoted.
        near: String,
    },
    /// A `%` not followed by two hexadecimal digits.
    #[error("bad percent-encoding in the {part} of parameter {position}: {raw}")]
    BadPercentEncoding {
        /// The parameter's position in the query, from 1.
        position: usize,
        /// `name` or `value`.
        part: &'static str,
        /// The start of the raw text, quoted.
        raw: String,
    },
    /// Percent-encoded bytes that are not UTF-8 text.
    #[error("the {part} of parameter {position} does not decode to UTF-8 text: {raw}")]
    NotUtf8 {
        /// The parameter's position in the query, from 1.
        position: usize,
        /// `name` or `value`.
        part: &'static str,
        /// The start of the raw text, quoted.
        raw: String,
    },
    /// The same parameter twice: which of the two the platform reads is not defined.
    #[error("parameter {name} appears more than once")]
    DuplicateParameter {
        /// The start of its decoded name, quoted.
        name: String,
    },
    /// No `signature` parameter.
    #[error("the URL carries no signature")]
    MissingSignature,
    /// A `signature` that cannot be an HMAC-SHA512 signature.
    #[error("the URL's signature is malformed: {reason}")]
    MalformedSignature {
        /// What is wrong with it.
        reason: MalformedSignature,
    },
    /// A well-formed signature that is not the parameters' under this key: the URL was altered,
    /// or signed with another key.
    #[error("the URL's signature does not match its parameters")]
    WrongSignature,
    /// The signature does not match the parameters as the URL sends them, but does with each
    /// parameter named here signed as `1` or `0` where the URL sends `True`/`true` or
    /// `False`/`false`: what the official Python (`ecommpay-sdk`) and Node (`ecommpay`) SDKs do
    /// with a boolean. The documents do not say how the platform reads such a URL, so it is
    /// refused, with what the merchant can do.
    #[error(
        "the URL's signature does not match its parameters as sent: it matches only with {} \
         (the URL sends the text, the signature covers the digit). The official Python SDK \
         (ecommpay-sdk) and Node SDK (ecommpay) do this with a boolean parameter: they sign it as \
         1 or 0 but write True/False or true/false into the URL. How the platform reads such a \
         URL is not documented, so it is refused: give the SDK the parameter as the number 1 or \
         0 (or the text \"1\"/\"0\") instead of a boolean, so that the URL sends what is signed",
        BooleanList(parameters)
    )]
    BooleanSpelling {
        /// Each boolean parameter, as sent and as signed.
        parameters: Vec<BooleanSpelling>,
    },
    /// The parameters could not be put in canonical form (not expected: every value is text).
    #[error("the URL cannot be verified: {0}")]
    Canonical(#[source] CanonicalError),
}

impl PaymentPageUrlError {
    /// Whether the URL was decoded and only its signature is missing, malformed or wrong (as
    /// opposed to a URL that cannot be decoded at all).
    pub fn is_signature_error(&self) -> bool {
        matches!(
            self,
            Self::MissingSignature
                | Self::MalformedSignature { .. }
                | Self::WrongSignature
                | Self::BooleanSpelling { .. }
        )
    }
}

impl From<VerifyError> for PaymentPageUrlError {
    fn from(error: VerifyError) -> Self {
        match error {
            VerifyError::MissingSignature { .. } => Self::MissingSignature,
            VerifyError::MalformedSignature { reason, .. } => Self::MalformedSignature { reason },
            VerifyError::Mismatch => Self::WrongSignature,
            VerifyError::Canonical(error) => Self::Canonical(error),
        }
    }
}

/// A parameter the URL sends as `True`/`true`/`False`/`false` that its signature covers as
/// `1`/`0` (see [`PaymentPageUrlError::BooleanSpelling`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BooleanSpelling {
    /// Its name, quoted (at most a short prefix).
    pub name: String,
    /// The text the URL sends (`True`, `true`, `False`, `false`).
    pub sent: &'static str,
    /// The text the signature covers (`1` or `0`).
    pub signed: &'static str,
}

/// `name (sent True, signed 1), ...` for the error message.
struct BooleanList<'a>(&'a [BooleanSpelling]);

impl std::fmt::Display for BooleanList<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (index, parameter) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            write!(
                f,
                "{} signed as {} where the URL sends {}",
                parameter.name, parameter.signed, parameter.sent
            )?;
        }
        Ok(())
    }
}

/// How the official SDKs write a boolean into the URL, and what they sign for it.
const BOOLEAN_TEXTS: [(&str, &str); 4] =
    [("True", "1"), ("False", "0"), ("true", "1"), ("false", "0")];

/// A decoded Payment Page URL: its base, its parameters in their order, and its signature.
///
/// Decoding does not check the signature: call [`ParsedPaymentPageUrl::verify`] (or use
/// [`verify_url`]) before trusting any parameter.
///
// The example is doc-tested in `ecommpay-api`, with the paths a merchant writes.
#[cfg_attr(not(doctest), doc = include_str!("../examples-doc/parsed_payment_page_url.md"))]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedPaymentPageUrl {
    base_url: String,
    params: Vec<(String, String)>,
    signature: Option<String>,
}

impl ParsedPaymentPageUrl {
    /// Decodes a Payment Page URL: an `http://` or `https://` URL whose query is `name=value`
    /// pairs joined with `&`, form-encoded (`+` is a space, `%XX` a byte, the decoded bytes
    /// UTF-8). A fragment (`#…`), which a browser never sends, is ignored; a pair without `=`
    /// has the empty value. Every name must be non-empty and appear once. URLs longer than
    /// [`MAX_URL_BYTES`] are rejected before anything is decoded.
    pub fn parse(url: &str) -> Result<Self, PaymentPageUrlError> {
        if url.len() > MAX_URL_BYTES {
            return Err(PaymentPageUrlError::TooLong { bytes: url.len() });
        }
        let url = url.split_once('#').map_or(url, |(before, _)| before);
        let scheme_end = url
            .find("://")
            .ok_or(PaymentPageUrlError::NotAPaymentPageUrl {
                reason: "it does not start with http:// or https://",
            })?;
        let scheme = &url[..scheme_end];
        if !scheme.eq_ignore_ascii_case("https") && !scheme.eq_ignore_ascii_case("http") {
            return Err(PaymentPageUrlError::NotAPaymentPageUrl {
                reason: "it does not start with http:// or https://",
            });
        }
        let (base_url, query) =
            url.split_once('?')
                .ok_or(PaymentPageUrlError::NotAPaymentPageUrl {
                    reason: "it has no query (no `?` after the address)",
                })?;
        if query.is_empty() {
            return Err(PaymentPageUrlError::NotAPaymentPageUrl {
                reason: "its query is empty",
            });
        }
        let mut params = Vec::new();
        let mut signature = None;
        let mut seen = HashSet::new();
        for (index, pair) in query.split('&').enumerate() {
            let position = index + 1;
            let (raw_name, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
            if raw_name.is_empty() {
                return Err(PaymentPageUrlError::EmptyName {
                    position,
                    near: quote(pair),
                });
            }
            let name = form_decode(raw_name, position, "name")?;
            let value = form_decode(raw_value, position, "value")?;
            if !seen.insert(name.clone()) {
                return Err(PaymentPageUrlError::DuplicateParameter { name: quote(&name) });
            }
            if name == SIGNATURE_KEY {
                signature = Some(value);
            } else {
                params.push((name, value));
            }
        }
        Ok(Self {
            base_url: base_url.to_owned(),
            params,
            signature,
        })
    }

    /// Everything before the `?`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The decoded parameters in their order, without the signature.
    pub fn params(&self) -> &[(String, String)] {
        &self.params
    }

    /// The decoded value of a parameter (never the signature: see
    /// [`ParsedPaymentPageUrl::signature`]).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, value)| value.as_str())
    }

    /// The decoded `signature` parameter, if the URL has one.
    pub fn signature(&self) -> Option<&str> {
        self.signature.as_deref()
    }

    /// The parameters as a JSON object of strings in their order, with `signature` last when
    /// the URL has one.
    pub fn to_value(&self) -> Value {
        let mut members: Map<String, Value> = self
            .params
            .iter()
            .map(|(name, value)| (name.clone(), Value::String(value.clone())))
            .collect();
        if let Some(signature) = &self.signature {
            members.insert(SIGNATURE_KEY.to_owned(), Value::String(signature.clone()));
        }
        Value::Object(members)
    }

    /// Checks the signature against the parameters under `key`, in constant time (through
    /// [`SecretKey::verify_json`], as Payment Page parameters: `frame_mode` is not signed).
    pub fn verify(&self, key: &SecretKey) -> Result<(), PaymentPageUrlError> {
        if self.signature.is_none() {
            return Err(PaymentPageUrlError::MissingSignature);
        }
        match key.verify_json(&self.to_value(), MessageKind::PaymentPage) {
            Ok(()) => Ok(()),
            Err(VerifyError::Mismatch) => Err(self.explain_mismatch(key)),
            Err(error) => Err(error.into()),
        }
    }

    /// Why a signature does not match: [`PaymentPageUrlError::BooleanSpelling`] when it matches
    /// with every parameter sent as a boolean's text signed as `1`/`0` instead (one more HMAC,
    /// only for a URL that has such a parameter), otherwise
    /// [`PaymentPageUrlError::WrongSignature`].
    fn explain_mismatch(&self, key: &SecretKey) -> PaymentPageUrlError {
        let mut respelled = self.clone();
        let mut parameters = Vec::new();
        for (name, value) in &mut respelled.params {
            if let Some(&(sent, signed)) = BOOLEAN_TEXTS.iter().find(|(sent, _)| value == sent) {
                *value = signed.to_owned();
                parameters.push(BooleanSpelling {
                    name: quote(name),
                    sent,
                    signed,
                });
            }
        }
        let matches_respelled = !parameters.is_empty()
            && key
                .verify_json(&respelled.to_value(), MessageKind::PaymentPage)
                .is_ok();
        if matches_respelled {
            PaymentPageUrlError::BooleanSpelling { parameters }
        } else {
            PaymentPageUrlError::WrongSignature
        }
    }
}

impl FromStr for ParsedPaymentPageUrl {
    type Err = PaymentPageUrlError;

    fn from_str(url: &str) -> Result<Self, Self::Err> {
        Self::parse(url)
    }
}

/// Decodes a Payment Page URL and verifies its signature under `key`; only a URL that checks out
/// is returned.
pub fn verify_url(url: &str, key: &SecretKey) -> Result<ParsedPaymentPageUrl, PaymentPageUrlError> {
    let parsed = ParsedPaymentPageUrl::parse(url)?;
    parsed.verify(key)?;
    Ok(parsed)
}

/// Form-decodes one name or value: `+` is a space, `%XX` a byte, and the bytes must be UTF-8.
fn form_decode(
    raw: &str,
    position: usize,
    part: &'static str,
) -> Result<String, PaymentPageUrlError> {
    let bytes = raw.as_bytes();
    let mut i = 0;
    while let Some(offset) = bytes[i..].iter().position(|&b| b == b'%') {
        let at = i + offset;
        let valid = bytes
            .get(at + 1..at + 3)
            .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit));
        if !valid {
            return Err(PaymentPageUrlError::BadPercentEncoding {
                position,
                part,
                raw: quote(&raw[at..]),
            });
        }
        i = at + 3;
    }
    let spaced;
    let input = if raw.contains('+') {
        spaced = raw.replace('+', " ");
        spaced.as_bytes()
    } else {
        bytes
    };
    let decoded: Vec<u8> = percent_decode(input).collect();
    String::from_utf8(decoded).map_err(|_| PaymentPageUrlError::NotUtf8 {
        position,
        part,
        raw: quote(raw),
    })
}

/// At most [`QUOTE_CHARS`] characters of `text`, quoted with Rust's escapes, `…` when cut.
fn quote(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(QUOTE_CHARS).collect();
    if chars.next().is_some() {
        format!("{head:?}…")
    } else {
        format!("{head:?}")
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn php_json_matches_json_encode_defaults() {
        let value = serde_json::json!({
            "a/b": ["x\"y\\z", "é", "😀", "\u{1}\u{7f}\t\n\r\u{8}\u{c}", null, true, false, -7],
            "e": {},
            "l": []
        });
        let mut out = String::new();
        write_php_json(&mut out, &value, "p", 0).unwrap();
        assert_eq!(
            out,
            r#"{"a\/b":["x\"y\\z","\u00e9","\ud83d\ude00","\u0001\u007f\t\n\r\b\f",null,true,false,-7],"e":{},"l":[]}"#
                .replace("\\u007f", "\u{7f}")
        );
    }

    #[test]
    fn depth_is_bounded() {
        let mut value = Value::from(1);
        for _ in 0..MAX_JSON_DEPTH {
            value = Value::Array(vec![value]);
        }
        assert!(param_text("p", &value).is_ok());
        let value = Value::Array(vec![value]);
        assert!(matches!(
            param_text("p", &value),
            Err(PaymentPageError::TooDeep { parameter }) if parameter == "p"
        ));
    }

    #[test]
    fn quote_cuts_long_text() {
        assert_eq!(quote("abc"), "\"abc\"");
        let long = "x".repeat(100);
        assert_eq!(quote(&long), format!("\"{}\"…", "x".repeat(QUOTE_CHARS)));
        assert_eq!(quote("a\nb"), "\"a\\nb\"");
    }
}
