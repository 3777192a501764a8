//! Deterministic pseudo-random mutations, for the stable runs of the fuzz bodies and the
//! differential test: of bytes (as a fuzzer would) and of JSON payloads (as a user would get
//! them wrong).

use serde_json::{Map, Number, Value};

/// SplitMix64: small, fast, and the same sequence on every machine.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Fragments a fuzzer's dictionary would hold for these inputs.
const TOKENS: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"\"",
    b"\\",
    b"\\u0000",
    b"\\ud800",
    b"\"signature\"",
    b"\"frame_mode\"",
    b"\"general\"",
    b"null",
    b"true",
    b"false",
    b"1e999",
    b"-0",
    b"0.0",
    b"18446744073709551616",
    b"-9223372036854775809",
    b"1.0",
    b"1e30",
    b"{}",
    b"[]",
    b"\"\"",
    b"%",
    b"%ZZ",
    b"%C3%A9",
    b"%FF",
    b"&",
    b"=",
    b"+",
    b"\xff",
    b"\xc3",
    b"https://",
    b"?",
    b"&signature=",
    b"::",
    b" ",
    b"\n",
];

/// One to four byte-level mutations of `input`: bit flips, interesting bytes, dictionary tokens
/// inserted or overwritten, ranges deleted or duplicated, splices from `other`.
pub fn mutate_bytes(rng: &mut Rng, input: &[u8], other: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..=rng.below(4) {
        let len = out.len();
        match rng.below(7) {
            0 if len > 0 => {
                let i = rng.below(len);
                out[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                out[i] = *rng.pick(&[0u8, 0x7f, 0x80, 0xff, b'"', b'0', b'9', b'-', b'{']);
            }
            2 => {
                let i = rng.below(len + 1);
                let token = rng.pick(TOKENS);
                out.splice(i..i, token.iter().copied());
            }
            3 if len > 0 => {
                let i = rng.below(len);
                let n = rng.below((len - i).min(16)) + 1;
                out.drain(i..i + n);
            }
            4 if len > 0 && len < 64 * 1024 => {
                let i = rng.below(len);
                let n = rng.below((len - i).min(64)) + 1;
                let chunk = out[i..i + n].to_vec();
                let at = rng.below(len + 1);
                out.splice(at..at, chunk);
            }
            5 if !other.is_empty() => {
                let i = rng.below(other.len());
                let n = rng.below((other.len() - i).min(64)) + 1;
                let at = rng.below(len + 1);
                out.splice(at..at, other[i..i + n].iter().copied());
            }
            _ => {
                let i = rng.below(len + 1);
                let token = rng.pick(TOKENS);
                let end = (i + token.len()).min(len);
                out.splice(i..end, token.iter().copied());
            }
        }
    }
    out
}

/// What a JSON mutation did, where the outcome depends on it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MutationNotes {
    /// A number with a zero fraction within the 64-bit range (`1.0`, `1e3`) was written: an
    /// integer to JSON Schema, not to the Rust validator (see the README).
    pub zero_fraction_in_range: bool,
    /// A number with more than the 14 significant digits the signature covers was written
    /// (`0.30000000000000004`): JSON Schema cannot count digits (see the README).
    pub more_than_14_digits: bool,
}

impl MutationNotes {
    /// What two mutations of one payload wrote.
    pub fn and(self, other: MutationNotes) -> MutationNotes {
        MutationNotes {
            zero_fraction_in_range: self.zero_fraction_in_range || other.zero_fraction_in_range,
            more_than_14_digits: self.more_than_14_digits || other.more_than_14_digits,
        }
    }

    /// Whether the payload may hold a number the Rust validator refuses and JSON Schema accepts.
    pub fn beyond_json_schema(self) -> bool {
        self.zero_fraction_in_range || self.more_than_14_digits
    }
}

/// Numbers JSON Schema and the validator read differently, out of range, or that the signature
/// cannot cover (`0.00001`, more than 14 significant digits), and ones it covers (`1.5`,
/// `0.0015`).
const NUMBERS: [f64; 9] = [
    1.0,
    200.0,
    1e30,
    18_446_744_073_709_551_616.0,
    -1e19,
    1.5,
    0.0015,
    0.00001,
    0.300_000_000_000_000_04,
];

/// A number of [`NUMBERS`], with what it is.
fn number(rng: &mut Rng, notes: &mut MutationNotes) -> Value {
    let x = *rng.pick(&NUMBERS);
    notes.zero_fraction_in_range |= zero_fraction_in_range(x);
    notes.more_than_14_digits |=
        x.to_string().trim_start_matches(['-', '0', '.']).len() > 14 && x.fract() != 0.0;
    float(x)
}

fn float(x: f64) -> Value {
    Value::Number(Number::from_f64(x).expect("finite"))
}

fn zero_fraction_in_range(x: f64) -> bool {
    x.fract() == 0.0 && x >= i64::MIN as f64 && x < 18_446_744_073_709_551_616.0
}

/// Paths of every node (the root excluded), as lists of keys and indices.
fn node_paths(value: &Value, path: &mut Vec<PathStep>, out: &mut Vec<Vec<PathStep>>) {
    match value {
        Value::Object(members) => {
            for (key, child) in members {
                path.push(PathStep::Key(key.clone()));
                out.push(path.clone());
                node_paths(child, path, out);
                path.pop();
            }
        }
        Value::Array(elements) => {
            for (i, child) in elements.iter().enumerate() {
                path.push(PathStep::Index(i));
                out.push(path.clone());
                node_paths(child, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

#[derive(Clone, Debug)]
enum PathStep {
    Key(String),
    Index(usize),
}

fn node_at<'v>(value: &'v mut Value, path: &[PathStep]) -> Option<&'v mut Value> {
    path.iter().try_fold(value, |v, step| match step {
        PathStep::Key(k) => v.get_mut(k.as_str()),
        PathStep::Index(i) => v.get_mut(*i),
    })
}

/// One JSON mutation of `payload`: a field dropped, a type changed, a value out of range or
/// wrongly formatted, `1.0`, `1e30`, an integer beyond 64 bits, `0.00001`, an unknown field
/// (holding text or such a number).
pub fn mutate_json(rng: &mut Rng, payload: &mut Value) -> MutationNotes {
    let mut notes = MutationNotes::default();
    let mut paths = Vec::new();
    node_paths(payload, &mut Vec::new(), &mut paths);
    if paths.is_empty() {
        if let Value::Object(members) = payload {
            members.insert("unknown".into(), Value::from(1));
        }
        return notes;
    }
    let path = rng.pick(&paths).clone();
    let kind = rng.below(9);
    if kind == 0 {
        // Drop the field (or the array element).
        let (last, parents) = path.split_last().expect("non-empty");
        if let Some(parent) = node_at(payload, parents) {
            match (parent, last) {
                (Value::Object(members), PathStep::Key(k)) => {
                    members.shift_remove(k);
                }
                (Value::Array(elements), PathStep::Index(i)) => {
                    elements.remove(*i);
                }
                _ => {}
            }
        }
        return notes;
    }
    let Some(node) = node_at(payload, &path) else {
        return notes;
    };
    let replacement = match kind {
        // Another type.
        1 => rng
            .pick(&[
                Value::from("text"),
                Value::from(12345),
                Value::from(true),
                Value::Null,
                Value::Object(Map::new()),
                Value::Array(vec![]),
                Value::Array(vec![node.clone()]),
            ])
            .clone(),
        // Out of range.
        2 => rng
            .pick(&[
                Value::from(-1),
                Value::from(0),
                Value::from(u64::MAX),
                Value::from(i64::MIN),
                Value::from(1u64 << 63),
                Value::from(""),
                Value::from("x".repeat(300)),
            ])
            .clone(),
        // Wrongly formatted.
        3 => rng
            .pick(&[
                "??",
                "2023-13-45T99:99:99+0000",
                "usd",
                "abc@",
                " USD",
                "12-34",
                "１２３",
                "-5",
                "0x10",
                "1.5",
            ])
            .to_string()
            .into(),
        4 => number(rng, &mut notes),
        // The same value as a string, or a string's content as a number.
        5 => match &*node {
            Value::Number(n) => Value::String(n.to_string()),
            Value::String(s) => s
                .parse::<i64>()
                .map(Value::from)
                .unwrap_or_else(|_| Value::from(s.to_lowercase())),
            Value::Bool(b) => Value::from(i64::from(*b)),
            other => other.clone(),
        },
        // An unknown field in an object (another parameter: text or a number), or the object
        // emptied.
        6 => match &*node {
            Value::Object(members) => {
                let mut members = members.clone();
                match rng.below(3) {
                    0 => {
                        members.insert("unknown_field".into(), Value::from("x"));
                    }
                    1 => {
                        let value = number(rng, &mut notes);
                        members.insert("unknown_number".into(), value);
                    }
                    _ => members.clear(),
                }
                Value::Object(members)
            }
            other => other.clone(),
        },
        // A neighbouring integer.
        7 => match node.as_i64() {
            Some(n) => Value::from(n.saturating_add(*rng.pick(&[-1, 1, 100, -100]))),
            None => node.clone(),
        },
        // The value moved into an array.
        _ => Value::Array(vec![node.clone(), node.clone()]),
    };
    *node = replacement;
    notes
}
