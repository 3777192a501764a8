//! Quoting values in messages: at most a short prefix, so that a 10 MB string gives a short error.

use std::fmt;

/// How many characters of a value a message quotes.
pub const EXCERPT_CHARS: usize = 32;

/// A value as messages quote it: Rust-escaped, at most [`EXCERPT_CHARS`] characters, and the
/// total length when it was cut (`"abc…" (10485760 bytes)`).
#[derive(Clone, Copy)]
pub struct Excerpt<'a>(pub &'a str);

impl fmt::Display for Excerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        quote(f, self.0, EXCERPT_CHARS)
    }
}

fn quote(f: &mut fmt::Formatter<'_>, text: &str, max_chars: usize) -> fmt::Result {
    match text.char_indices().nth(max_chars) {
        None => write!(f, "{text:?}"),
        Some((cut, _)) => {
            let prefix = format!("{:?}", &text[..cut]);
            let open = prefix.strip_suffix('"').unwrap_or(&prefix);
            write!(f, "{open}…\" ({} bytes)", text.len())
        }
    }
}

/// A message written by someone else (the Gate's `message`), quoted as [`Excerpt`] quotes a
/// value but up to [`MESSAGE_CHARS`] characters, so that the sentence that says what to fix is
/// kept.
#[derive(Clone, Copy)]
pub struct MessageExcerpt<'a>(pub &'a str);

impl fmt::Display for MessageExcerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        quote(f, self.0, MESSAGE_CHARS)
    }
}

impl fmt::Debug for MessageExcerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Debug for Excerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// How many characters of a whole message (one that may quote a value, such as a `serde`
/// error) [`shorten`] and [`MessageExcerpt`] keep.
pub const MESSAGE_CHARS: usize = 200;

/// At most [`MESSAGE_CHARS`] characters of a message, cut on a character boundary, `…` after a
/// cut: for messages written by others (`serde_json` quotes a whole bad string).
pub fn shorten(mut message: String) -> String {
    if let Some((cut, _)) = message.char_indices().nth(MESSAGE_CHARS) {
        message.truncate(cut);
        message.push('…');
    }
    message
}

/// How many characters of a JSON path a message shows: paths name the spec's fields, but a
/// payload's own keys (an unknown parameter, a key of a free-form object) can be any length.
pub const PATH_CHARS: usize = 120;

/// A JSON path as messages show it: verbatim up to [`PATH_CHARS`] characters, then cut with
/// `…` and the total length (`general.xxxx… (1048576 bytes)`).
#[derive(Clone, Copy)]
pub struct PathExcerpt<'a>(pub &'a str);

impl fmt::Display for PathExcerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.char_indices().nth(PATH_CHARS) {
            None => f.write_str(self.0),
            Some((cut, _)) => write!(f, "{}… ({} bytes)", &self.0[..cut], self.0.len()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{
        EXCERPT_CHARS, Excerpt, MESSAGE_CHARS, MessageExcerpt, PATH_CHARS, PathExcerpt, shorten,
    };

    #[test]
    fn messages_of_others_keep_their_sentence() {
        let sentence = "The refund asks for 5000; 1000 is left to refund on this payment.";
        assert_eq!(
            MessageExcerpt(sentence).to_string(),
            format!("{sentence:?}")
        );
        let long = "x".repeat(10_000);
        let quoted = MessageExcerpt(&long).to_string();
        assert!(quoted.ends_with("…\" (10000 bytes)"), "{quoted}");
        assert_eq!(quoted.matches('x').count(), MESSAGE_CHARS);
    }

    #[test]
    fn paths_are_shown_verbatim_or_cut() {
        assert_eq!(
            PathExcerpt("customer.identify.doc_number").to_string(),
            "customer.identify.doc_number"
        );
        let long = format!("general.{}", "k".repeat(1 << 20));
        let shown = PathExcerpt(&long).to_string();
        assert_eq!(
            shown,
            format!(
                "general.{}… ({} bytes)",
                "k".repeat(PATH_CHARS - 8),
                long.len()
            )
        );
    }

    #[test]
    fn messages_are_shortened() {
        assert_eq!(shorten("short".into()), "short");
        let long = shorten(format!("invalid type: string {:?}", "я".repeat(1_000_000)));
        assert_eq!(long.chars().count(), MESSAGE_CHARS + 1);
        assert!(long.ends_with('…'));
    }

    #[test]
    fn short_values_are_quoted_whole() {
        assert_eq!(Excerpt("usd").to_string(), "\"usd\"");
        assert_eq!(Excerpt("a\"b").to_string(), "\"a\\\"b\"");
    }

    #[test]
    fn long_values_are_cut_on_a_character_boundary() {
        let long = "я".repeat(5_000_000);
        let quoted = Excerpt(&long).to_string();
        assert!(quoted.len() < 120, "{quoted}");
        assert!(quoted.starts_with(&format!("\"{}", "я".repeat(EXCERPT_CHARS))));
        assert!(quoted.ends_with("…\" (10000000 bytes)"), "{quoted}");
    }
}
