//! The mock Payment Page's HTML. Every value from a URL or a callback goes through [`escape`].

use std::fmt::Write as _;

use axum::http::StatusCode;
use ecommpay_api::OperationEntry;
use ecommpay_api::payment_page::ParsedPaymentPageUrl;

use super::{PressResult, Problems};
use crate::payment_page::PageOutcome;

const STYLE: &str = "body{font-family:sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#222}\
h1{font-size:1.4rem}dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem 1rem}dt{color:#666}\
dd{margin:0}button{font-size:1rem;padding:.5rem 1.5rem;margin-right:1rem}\
.pay{background:#1a7f37;color:#fff;border:0}.decline{background:#fff;border:1px solid #b42318;color:#b42318}\
.error{color:#b42318}code{background:#f3f3f3;padding:0 .2rem}";

/// Text made safe for HTML content and double-quoted attributes.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

fn document(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · mock ecommpay Payment Page</title><style>{STYLE}</style></head>\
         <body>{body}</body></html>\n",
        title = escape(title),
    )
}

/// The amount as the URL gives it: minor units, with the currency (the spec does not say how
/// many minor units each currency has, so they are not converted).
fn amount(params: &ParsedPaymentPageUrl) -> String {
    let value = params.get("payment_amount").unwrap_or("?");
    let currency = params.get("payment_currency").unwrap_or("");
    format!("{value} {currency} (minor units)")
}

fn summary(params: &ParsedPaymentPageUrl, method: &str) -> String {
    let row = |name: &str, value: &str| {
        format!(
            "<dt>{}</dt><dd id=\"{}\">{}</dd>",
            escape(name),
            escape(&name.to_lowercase().replace(' ', "-")),
            escape(value)
        )
    };
    let mut out = String::from("<dl>");
    out.push_str(&row("Amount", &amount(params)));
    out.push_str(&row("Method", method));
    out.push_str(&row(
        "Payment",
        params.get("payment_id").unwrap_or_default(),
    ));
    if let Some(description) = params.get("payment_description") {
        out.push_str(&row("Description", description));
    }
    out.push_str("</dl>");
    out
}

fn method_label(entry: &OperationEntry) -> String {
    format!("{} ({})", entry.schema.method, entry.schema.title)
}

/// The payment with its buttons; a choice of method when the parameters fit several.
pub(crate) fn payment(
    params: &ParsedPaymentPageUrl,
    token: u64,
    operations: &[&'static OperationEntry],
) -> String {
    let method = match operations {
        [only] => method_label(only),
        _ => "to choose below".to_owned(),
    };
    let mut body = format!("<h1>Payment</h1>{}", summary(params, &method));
    let _ = write!(body, "<form method=\"post\" action=\"/payment/{token}\">");
    if operations.len() > 1 {
        body.push_str("<p><label for=\"operation\">Payment method</label> <select id=\"operation\" name=\"operation\">");
        for entry in operations {
            let _ = write!(
                body,
                "<option value=\"{}\">{}</option>",
                escape(entry.id()),
                escape(&method_label(entry))
            );
        }
        body.push_str("</select></p>");
    }
    body.push_str(
        "<p><button class=\"pay\" type=\"submit\" name=\"outcome\" value=\"pay\">Pay</button>\
         <button class=\"decline\" type=\"submit\" name=\"outcome\" value=\"decline\">Decline</button></p></form>",
    );
    document("Payment", &body)
}

/// The outcome of a press, with the merchant's answer to its callback.
pub(crate) fn result(params: &ParsedPaymentPageUrl, result: &PressResult) -> String {
    let headline = match result.outcome {
        PageOutcome::Paid => "Payment succeeded",
        PageOutcome::Declined => "Payment declined",
    };
    let operation = ecommpay_api::operation(result.operation)
        .map_or_else(|| result.operation.to_owned(), method_label);
    let mut body = format!(
        "<h1 id=\"result\">{}</h1>{}",
        escape(headline),
        summary(params, &operation)
    );
    let answer = match result.merchant_answer {
        None => "The callback is being delivered to the merchant.".to_owned(),
        Some(Some(status)) => format!("The merchant answered the callback with HTTP {status}."),
        Some(None) => {
            "No callback was answered (no callback URL is set, or the merchant did not answer)."
                .to_owned()
        }
    };
    let _ = write!(body, "<p id=\"merchant-answer\">{}</p>", escape(&answer));
    if result.earlier {
        body.push_str(
            "<p id=\"earlier\">This payment's outcome was decided earlier; no other callback was sent.</p>",
        );
    }
    document(headline, &body)
}

/// A refused URL or press.
pub(crate) fn error(status: StatusCode, title: &str, detail: &str) -> String {
    let body = format!(
        "<h1 class=\"error\">{}</h1><p id=\"status\">HTTP {}</p><p id=\"detail\">{}</p>",
        escape(title),
        status.as_u16(),
        escape(detail)
    );
    document(title, &body)
}

/// Parameters that fit no Payment Page operation, each violation with its parameter path.
pub(crate) fn invalid_params(problems: &Problems) -> String {
    let mut body = String::from(
        "<h1 class=\"error\">The parameters break the documents' rules</h1><p id=\"status\">HTTP 400</p>",
    );
    for (entry, violations) in problems {
        if let Some(entry) = entry {
            let _ = write!(
                body,
                "<h2>As {} <code>{}</code></h2>",
                escape(entry.schema.title),
                escape(entry.id())
            );
        }
        body.push_str("<ul class=\"violations\">");
        for violation in violations {
            let _ = write!(
                body,
                "<li><code class=\"path\">{}</code>: {} [{}]</li>",
                escape(if violation.path.is_empty() {
                    "(parameters)"
                } else {
                    &violation.path
                }),
                escape(&violation.message),
                violation.kind.as_str()
            );
        }
        body.push_str("</ul>");
    }
    document("Invalid parameters", &body)
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escape_covers_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
