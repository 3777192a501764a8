//! The Gate's answer to a request: accepted, or what it said instead.

use std::fmt;

use serde_json::{Map, Value};

use crate::__private::{Excerpt, MessageExcerpt};
use crate::signature::SIGNATURE_KEY;
use crate::wire::IntOrString;

/// The body of an answer, kept whole.
///
/// `Debug` and `Display` show a short excerpt, with any `signature` value replaced by
/// `<redacted>`; [`AnswerBody::as_bytes`] gives the bytes as received.
#[derive(Clone, PartialEq)]
pub struct AnswerBody {
    raw: Vec<u8>,
    // Boxed, to keep `GateError` small.
    json: Option<Box<Map<String, Value>>>,
}

impl AnswerBody {
    pub(crate) fn new(raw: Vec<u8>) -> Self {
        let json = match serde_json::from_slice::<Value>(&raw) {
            Ok(Value::Object(mut map)) => {
                redact(&mut map);
                Some(Box::new(map))
            }
            _ => None,
        };
        Self { raw, json }
    }

    /// The bytes as received.
    pub fn as_bytes(&self) -> &[u8] {
        &self.raw
    }

    /// The body as a JSON object, when it is one, with any `signature` value replaced by
    /// `<redacted>`.
    pub fn json(&self) -> Option<&Map<String, Value>> {
        self.json.as_deref()
    }

    /// Its length in bytes.
    pub fn len(&self) -> usize {
        self.raw.len()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    fn text(&self) -> String {
        match &self.json {
            Some(map) => Value::Object((**map).clone()).to_string(),
            None => String::from_utf8_lossy(&self.raw).into_owned(),
        }
    }

    fn str_field(&self, key: &str) -> Option<String> {
        match self.json.as_ref()?.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }
}

fn redact(map: &mut Map<String, Value>) {
    for (key, value) in map.iter_mut() {
        if key == SIGNATURE_KEY {
            *value = Value::String("<redacted>".into());
        } else {
            redact_value(value);
        }
    }
}

fn redact_value(value: &mut Value) {
    match value {
        Value::Object(map) => redact(map),
        Value::Array(items) => items.iter_mut().for_each(redact_value),
        _ => {}
    }
}

impl fmt::Display for AnswerBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.raw.is_empty() {
            f.write_str("(empty)")
        } else {
            write!(f, "{}", Excerpt(&self.text()))
        }
    }
}

impl fmt::Debug for AnswerBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AnswerBody({self})")
    }
}

/// The Gate accepted the request for processing (HTTP 2xx, `"status": "success"`).
///
/// Acceptance is not the payment's result: that comes in callbacks (a redirect callback, then
/// the final one).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct GateAnswer {
    /// The HTTP status (200).
    pub http_status: u16,
    /// The answer's `status` (`success`).
    pub status: String,
    /// The Gate's id of the request (`request_id`), which callbacks repeat in
    /// `operation.request_id`.
    pub request_id: Option<String>,
    /// The project (`project_id`), as the Gate wrote it.
    pub project_id: Option<IntOrString>,
    /// The payment (`payment_id`).
    pub payment_id: Option<String>,
    /// The whole body.
    pub body: AnswerBody,
}

/// What the Gate said when it did not accept a request: HTTP status, `code`, `message`, and
/// the body.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct GateRejection {
    /// The HTTP status.
    pub http_status: u16,
    /// The answer's `code`, when it has one (numbers are kept as their digits).
    pub code: Option<String>,
    /// The answer's `message`, when it has one.
    pub message: Option<String>,
    /// The answer's `request_id`, when it has one.
    pub request_id: Option<String>,
    /// The whole body.
    pub body: AnswerBody,
}

impl GateRejection {
    /// Whether the Gate failed on its side (HTTP 5xx): the request may or may not have been
    /// processed.
    pub fn is_server_error(&self) -> bool {
        self.http_status >= 500
    }

    /// Whether the Gate answered with a redirect (HTTP 3xx), which the client does not follow:
    /// the request reached something that may have processed it.
    pub fn is_redirect(&self) -> bool {
        (300..400).contains(&self.http_status)
    }
}

impl fmt::Display for GateRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.http_status)?;
        if let Some(code) = &self.code {
            write!(f, ", code {}", Excerpt(code))?;
        }
        if let Some(message) = &self.message {
            write!(f, ", message {}", MessageExcerpt(message))?;
        }
        write!(f, "; body {}", self.body)
    }
}

/// How an HTTP answer reads.
pub(crate) enum Reading {
    Accepted(GateAnswer),
    Forbidden(GateRejection),
    Redirected(GateRejection),
    Rejected(GateRejection),
    Malformed {
        http_status: u16,
        reason: String,
        body: AnswerBody,
    },
}

/// Reads an answer. Any 2xx must be a JSON object with `"status": "success"` to be an
/// acceptance; `"status": "error"` in a 2xx is a rejection; anything else in a 2xx cannot be
/// understood, and so is an acceptance about another project or payment than `sent`'s. A 3xx
/// is a redirect; every other status is a rejection (403: forbidden), whatever its body.
pub(crate) fn read(http_status: u16, raw: Vec<u8>, sent: &SentIdentity) -> Reading {
    let body = AnswerBody::new(raw);
    let rejection = |body: AnswerBody| GateRejection {
        http_status,
        code: body.str_field("code"),
        message: body.str_field("message"),
        request_id: body.str_field("request_id"),
        body,
    };
    if !(200..300).contains(&http_status) {
        return match http_status {
            403 => Reading::Forbidden(rejection(body)),
            300..=399 => Reading::Redirected(rejection(body)),
            _ => Reading::Rejected(rejection(body)),
        };
    }
    let Some(json) = body.json() else {
        let reason = match serde_json::from_slice::<Value>(body.as_bytes()) {
            Ok(_) => "the body is JSON but not an object".to_owned(),
            Err(e) => format!("the body is not JSON ({e})"),
        };
        return Reading::Malformed {
            http_status,
            reason,
            body,
        };
    };
    match json.get("status").and_then(Value::as_str) {
        Some("success") => {
            let project_id = json
                .get("project_id")
                .and_then(|v| serde_json::from_value::<IntOrString>(v.clone()).ok());
            let payment_id = body.str_field("payment_id");
            if let Some(reason) = sent.mismatch(json, payment_id.as_deref()) {
                return Reading::Malformed {
                    http_status,
                    reason,
                    body,
                };
            }
            Reading::Accepted(GateAnswer {
                http_status,
                status: "success".into(),
                request_id: body.str_field("request_id"),
                project_id,
                payment_id,
                body,
            })
        }
        Some("error") => Reading::Rejected(rejection(body)),
        Some(other) => Reading::Malformed {
            http_status,
            reason: format!("its status is {}, not \"success\"", Excerpt(other)),
            body,
        },
        None => Reading::Malformed {
            http_status,
            reason: "it has no string `status`".to_owned(),
            body,
        },
    }
}

/// The `general.project_id` and `general.payment_id` of the request sent, which an acceptance
/// must repeat where it names them: an answer about another request (a proxy's cache, a mixed-up
/// connection) is not this request's acceptance.
#[derive(Debug, Default)]
pub(crate) struct SentIdentity {
    project_id: Option<String>,
    payment_id: Option<String>,
}

impl SentIdentity {
    /// Read from the request as it is sent.
    pub(crate) fn of(request: &Value) -> Self {
        let text = |pointer| match request.pointer(pointer)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        Self {
            project_id: text("/general/project_id"),
            payment_id: text("/general/payment_id"),
        }
    }

    fn mismatch(&self, answer: &Map<String, Value>, payment_id: Option<&str>) -> Option<String> {
        let answered_project = match answer.get("project_id") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        if let (Some(sent), Some(answered)) = (&self.project_id, &answered_project)
            && sent != answered
        {
            return Some(format!(
                "it is about project_id {}, not the {sent} the request was sent for",
                Excerpt(answered)
            ));
        }
        if let (Some(sent), Some(answered)) = (&self.payment_id, payment_id)
            && sent != answered
        {
            return Some(format!(
                "it is about payment_id {}, not the {} the request was sent for",
                Excerpt(answered),
                Excerpt(sent)
            ));
        }
        None
    }
}
