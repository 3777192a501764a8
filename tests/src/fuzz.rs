//! The bodies of the fuzz targets (`fuzz/fuzz_targets/*.rs` call these), so that the same code
//! also runs as ordinary tests over the seed corpus and deterministic mutations
//! (`tests/tests/fuzz_bodies.rs`) where no nightly toolchain or `cargo-fuzz` is available.
//!
//! Each body must never panic on any input; where the input allows, it also checks a property
//! (a re-signed body always verifies, streaming and collecting signers agree, ...), and panics
//! when the property fails, which the fuzzer reports as a finding.

use ecommpay_api::SecretKey;
use ecommpay_api::callback::Callback;
use ecommpay_api::payment_page::ParsedPaymentPageUrl;
use ecommpay_api::signature::low_level::{
    embed, sign_string, sign_writer, string_to_sign, string_to_sign_json,
};
use ecommpay_api::signature::{
    CallbackError, CallbackVerifier, Canonical, CanonicalError, CanonicalWriter, MessageKind,
    SignatureRemoval, SortOrder,
};
use ecommpay_api::{Facts, OPERATIONS};
use serde_json::Value;

/// The key every target signs with.
pub const FUZZ_KEY: &str = "fuzz-key";

fn key() -> SecretKey {
    SecretKey::new(FUZZ_KEY).unwrap()
}

/// Arbitrary bytes as a callback body: no panic, and a body that verifies hands out only what
/// the signature covers (verifying what was handed out, re-serialized, succeeds again).
pub fn callback_bytes(data: &[u8]) {
    let key = key();
    let _ = CallbackVerifier::new(key.clone()).verify_into::<Callback>(data);
    if let Ok(verified) = CallbackVerifier::new(key.clone()).verify(data) {
        let again = serde_json::to_vec(verified.body()).expect("a body serializes");
        let reverified = CallbackVerifier::new(key.clone())
            .verify(&again)
            .unwrap_or_else(|e| panic!("the pruned body no longer verifies: {e}"));
        assert!(reverified.unsigned().is_empty(), "pruning is idempotent");
    }
}

/// Arbitrary bytes as JSON, signed the way a verifier reads it and sent as a callback: the
/// signature always verifies, so everything past it (pruning, the typed value) is exercised.
pub fn callback_resigned(data: &[u8]) {
    let Ok(mut value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    if !value.is_object() {
        return;
    }
    let key = key();
    let mut writer =
        CanonicalWriter::with_options(SortOrder::Natural, SignatureRemoval::Everywhere);
    if writer.write(&value).is_err() {
        return; // a number that cannot be signed, or too deep
    }
    let signature = sign_writer(&mut writer, &key);
    if embed(&mut value, MessageKind::Callback, &signature).is_err() {
        return; // `general` is not an object
    }
    let raw = serde_json::to_vec(&value).expect("a value serializes");
    match CallbackVerifier::new(key.clone()).verify_into::<Callback>(&raw) {
        Ok(_)
        | Err(
            CallbackError::Deserialize { .. }
            | CallbackError::AmbiguousKey { .. }
            | CallbackError::TooDeep { .. }
            | CallbackError::TooManyValues { .. }
            | CallbackError::CanonicalTooLong { .. }
            | CallbackError::TooLarge(_),
        ) => {}
        Err(error) => panic!("a correctly signed callback was refused: {error}"),
    }
}

/// Arbitrary bytes as the JSON payload of an operation (the first byte picks it): validation
/// and the typed round trip never panic.
pub fn validate_json(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let entry = &OPERATIONS[usize::from(pick) % OPERATIONS.len()];
    let Ok(payload) = serde_json::from_slice::<Value>(rest) else {
        return;
    };
    validate_operation(entry.id(), &payload);
}

/// Validates a payload against one operation, every way the registry offers.
pub fn validate_operation(id: &str, payload: &Value) {
    let Some(entry) = OPERATIONS.iter().find(|e| e.id() == id) else {
        return;
    };
    let violations = entry.validate_json(payload, &Facts::none());
    for violation in &violations {
        assert!(
            violation.message.len() < 2_000,
            "{id}: a message of {} bytes",
            violation.message.len()
        );
    }
    if let Ok(back) = (entry.roundtrip)(payload) {
        let _ = entry.validate_json(&back, &Facts::none());
    }
    if let Some(derived) = entry.derived_string_to_sign {
        let _ = derived(payload);
    }
}

/// Writer operations driven by bytes: enter keys and indices, leaves, leave, unordered regions,
/// and the old `entry_count`/`sort_from` pair.
struct Ops<'a>(&'a [u8]);

const KEYS: [&str; 8] = ["a", "a0", "a10", "a2", "b:c", "signature", "general", "x 1"];

impl Canonical for Ops<'_> {
    fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
        let mut marks = Vec::new();
        let mut regions: Vec<(usize, ecommpay_api::signature::UnorderedMark)> = Vec::new();
        let mut old_starts = Vec::new();
        // Regions nest and each one sorts its entries: bound the work per input.
        for &op in self.0.iter().take(512) {
            let arg = usize::from(op >> 4);
            match op & 15 {
                0..=3 if marks.len() < 20 => marks.push(out.enter_key(KEYS[arg % KEYS.len()])),
                4 if marks.len() < 20 => marks.push(out.enter_index(arg)),
                5..=7 => out.leaf_str(KEYS[arg % KEYS.len()]),
                8 => out.leaf_integer(arg),
                9..=11 => {
                    // Not out of an open region's container.
                    if marks.len() > regions.last().map_or(0, |r| r.0)
                        && let Some(mark) = marks.pop()
                    {
                        out.leave(mark);
                    }
                }
                // Regions belong to containers, as in every `Canonical` impl: at most eight
                // open, each closed where it was opened.
                12 if regions.len() < 8 => regions.push((marks.len(), out.begin_unordered())),
                13 => {
                    if let Some((depth, region)) = regions.pop() {
                        while marks.len() > depth {
                            out.leave(marks.pop().expect("deeper than the region"));
                        }
                        out.end_unordered(region);
                    }
                }
                14 => old_starts.push(out.entry_count()),
                _ => {
                    if let Some(start) = old_starts.pop() {
                        out.sort_from(start);
                    }
                }
            }
        }
        while let Some((depth, region)) = regions.pop() {
            while marks.len() > depth {
                out.leave(marks.pop().expect("deeper than the region"));
            }
            out.end_unordered(region);
        }
        Ok(())
    }
}

/// The canonical writer: bytes as writer operations, and bytes as a JSON message. The streaming
/// signer signs exactly the collected string to sign, under every order (what is signed is the
/// same for every kind of message).
pub fn canonical_writer(data: &[u8]) {
    let key = key();
    let orders = [
        SortOrder::Natural,
        SortOrder::BytewiseKey,
        SortOrder::BytewiseEntry,
    ];
    let ops = Ops(data);
    for order in orders {
        let string = string_to_sign(&ops, order).expect("ops always write");
        assert_eq!(
            key.signer()
                .with_order(order)
                .sign(&ops)
                .expect("ops always write"),
            sign_string(&string, &key),
            "{order:?}"
        );
    }
    // The canonical form repeats a path before every value, so its length can grow with the
    // square of the input's (a 32 KB key over 16,000 numbers is 512 MB): such inputs took the
    // fuzzer's time, six writes each, at the expense of variety. Bounded, as the ops are.
    if let Ok(value) = serde_json::from_slice::<Value>(data)
        && value.is_object()
        && canonical_len_within(&value, 0, &mut { MAX_FUZZED_CANONICAL_BYTES })
    {
        for order in orders {
            if let Ok(string) = string_to_sign_json(&value, order) {
                assert_eq!(
                    key.signer()
                        .with_order(order)
                        .sign_json(&value)
                        .expect("it wrote once"),
                    sign_string(&string, &key)
                );
            }
        }
    }
}

/// The longest canonical form the `canonical_writer` target writes from a JSON input.
const MAX_FUZZED_CANONICAL_BYTES: usize = 1 << 18;

/// Whether the canonical form of `value` under `path_len` bytes of path fits in `budget`
/// (decreased by what it takes): each leaf costs its path, its value and two separators.
fn canonical_len_within(value: &Value, path_len: usize, budget: &mut usize) -> bool {
    let child = |segment: usize| path_len + usize::from(path_len > 0) + segment;
    let cost = match value {
        Value::Object(members) => {
            return members
                .iter()
                .all(|(key, value)| canonical_len_within(value, child(2 * key.len()), budget));
        }
        Value::Array(elements) => {
            return elements.iter().enumerate().all(|(i, element)| {
                canonical_len_within(element, child(i.to_string().len()), budget)
            });
        }
        Value::String(text) => text.len(),
        _ => 20,
    };
    match budget.checked_sub(path_len + cost + 2) {
        Some(left) => {
            *budget = left;
            true
        }
        None => false,
    }
}

/// Every format's check, and every format newtype's parser, on arbitrary text.
pub fn formats(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for format in ecommpay_api::formats::Format::ALL {
        if let Err(message) = format.check_str(&text) {
            assert!(
                message.len() < 400,
                "{}: {} bytes",
                format.name(),
                message.len()
            );
        }
    }
    use ecommpay_api::formats::*;
    macro_rules! parse_all {
        ($($t:ty),*) => {$(
            if let Ok(value) = <$t>::new(text.as_ref()) {
                assert_eq!(value.as_str(), text.as_ref());
            }
        )*};
    }
    parse_all!(
        CurrencyCode,
        CountryCode,
        SubdivisionCode,
        LanguageCode,
        Email,
        IpAddress,
        Url,
        Phone,
        Pan,
        Cpf,
        DateDmy,
        TimeHms,
        DateTime,
        YnFlag,
        Indicator,
        FourIndicators,
        JsonString
    );
}

/// The Payment Page URL decoder on arbitrary text: no panic; a URL that decodes verifies or
/// fails with an error, and one signed here verifies.
pub fn payment_page_url(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let key = key();
    if let Ok(parsed) = ParsedPaymentPageUrl::parse(&text) {
        let _ = parsed.verify(&key);
        let _ = parsed.params().len();
    }
}
