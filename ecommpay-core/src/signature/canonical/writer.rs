//! [`CanonicalWriter`]: collects the entries of one message, sorts them where needed, and hands
//! them to the HMAC or joins them into the string to sign.

use std::cmp::Ordering;

use super::{
    Canonical, FRAME_MODE_KEY, GENERAL_KEY, MAX_DEPTH, SIGNATURE_KEY, SignatureRemoval, SortOrder,
    fraction_text,
};
use crate::natural::strnatcmp;
use crate::secret::hmac512::MacState;
use crate::signature::error::CanonicalError;

/// Where the writer's path was before entering a child; give it back to [`CanonicalWriter::leave`].
#[derive(Clone, Copy, Debug)]
#[must_use = "give the mark back to `leave`"]
pub struct PathMark {
    len: usize,
    depth: usize,
}

/// One `path:value` entry: byte offsets into the writer's text.
#[derive(Clone, Copy, Debug)]
struct Entry {
    start: usize,
    path_end: usize,
    end: usize,
}

/// The start of an unordered region; give it back to [`CanonicalWriter::end_unordered`].
#[derive(Clone, Copy, Debug)]
#[must_use = "give the mark back to `end_unordered`"]
pub struct UnorderedMark {
    start: usize,
    /// Length of the path where the region began.
    path_len: usize,
}

/// Collects the entries of one message; reusable across messages (see [`CanonicalWriter::reset`]).
#[derive(Debug, Default, Clone)]
pub struct CanonicalWriter {
    order: SortOrder,
    removal: SignatureRemovalSetting,
    path: String,
    depth: usize,
    text: String,
    entries: Vec<Entry>,
    scratch: Vec<Entry>,
    finished: bool,
    /// Where settled entries go when signing; `None` when the writer only collects.
    sink: Option<MacState>,
    /// Settled entries on their way to the sink, handed over in large pieces (one update per
    /// entry piece cost more than the copy).
    pending: Vec<u8>,
    /// Entries already handed to the sink.
    flushed: usize,
    /// Unordered regions open (nothing is handed to the sink while one is).
    open: usize,
    /// A `sort_from` asked to sort entries already handed to the sink.
    sink_broken: bool,
}

/// `SignatureRemoval` with a default, kept private so the enum itself has no arbitrary default.
#[derive(Clone, Copy, Debug)]
struct SignatureRemovalSetting(SignatureRemoval);

impl Default for SignatureRemovalSetting {
    fn default() -> Self {
        Self(SignatureRemoval::Everywhere)
    }
}

impl CanonicalWriter {
    /// A writer with the natural order that leaves out every `signature` key, as signing and
    /// verifying do.
    pub fn new() -> Self {
        Self::default()
    }

    /// A writer with the given order and signature removal.
    pub fn with_options(order: SortOrder, removal: SignatureRemoval) -> Self {
        let mut writer = Self::new();
        writer.reset(order, removal);
        writer
    }

    /// Forgets the entries written so far, keeping the buffers' capacity. The message text they
    /// hold (a card number, say) is zeroed, so that a writer kept for the next message does not
    /// keep this one's; text handed to the MAC on the way was zeroed then, so this is cheap.
    ///
    /// No memory a writer gives back holds message text: besides this, a buffer that grows has
    /// its old allocation zeroed (see [`CanonicalWriter::leaf_with`] for the one exception) and a
    /// writer that is dropped zeroes its buffers. What is built from it (the string to sign) is
    /// the caller's.
    pub fn reset(&mut self, order: SortOrder, removal: SignatureRemoval) {
        self.order = order;
        self.removal = SignatureRemovalSetting(removal);
        zero_and_clear_text(&mut self.path);
        self.depth = 0;
        zero_and_clear_text(&mut self.text);
        self.entries.clear();
        self.finished = false;
        self.sink = None;
        zero_and_clear(&mut self.pending);
        self.flushed = 0;
        self.open = 0;
        self.sink_broken = false;
    }

    /// [`CanonicalWriter::reset`], then streams its settled entries into `mac` (natural order
    /// only: the bytewise orders sort everything at the end, so they collect).
    pub(crate) fn reset_streaming(
        &mut self,
        order: SortOrder,
        removal: SignatureRemoval,
        mac: MacState,
    ) {
        self.reset(order, removal);
        if order == SortOrder::Natural {
            self.sink = Some(mac);
        }
    }

    /// Hands what is still buffered to the sink and gives the MAC back; `None` when the writer
    /// was not streaming or could not stream this message (a `sort_from` over entries already
    /// handed on), in which case the caller signs through a collecting writer. Reset the writer
    /// before its next use.
    pub(crate) fn take_mac(&mut self) -> Option<MacState> {
        self.open = 0;
        self.flush();
        let mac = self.sink.take();
        if self.sink_broken {
            return None;
        }
        mac
    }

    fn flush(&mut self) {
        let Some(sink) = self.sink.as_mut() else {
            return;
        };
        // What is pending was settled before anything still in `entries`.
        if !self.pending.is_empty() {
            sink.update(&self.pending);
            zero_and_clear(&mut self.pending);
        }
        if self.open > 0 || self.entries.is_empty() {
            return;
        }
        for entry in &self.entries {
            if self.flushed > 0 {
                sink.update(b";");
            }
            sink.update(&self.text.as_bytes()[entry.start..entry.end]);
            self.flushed += 1;
        }
        self.entries.clear();
        zero_and_clear_text(&mut self.text);
    }

    /// The current depth: how many `enter_*` are not yet left.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// Refuses to go deeper than [`MAX_DEPTH`]: containers call it before writing children.
    pub fn check_depth(&self) -> Result<(), CanonicalError> {
        if self.depth >= MAX_DEPTH {
            return Err(CanonicalError::TooDeep {
                path: self.error_path(),
                limit: MAX_DEPTH,
            });
        }
        Ok(())
    }

    /// The sort order.
    pub fn order(&self) -> SortOrder {
        self.order
    }

    /// The current path, keys joined with `:` and colons inside keys doubled.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Enters a child whose key is already escaped (every `:` written `::`), as the derive does
    /// at compile time.
    pub fn enter_key(&mut self, escaped_key: &str) -> PathMark {
        let mark = self.mark();
        reserve_text(&mut self.path, escaped_key.len() + 1);
        self.push_separator();
        self.path.push_str(escaped_key);
        self.depth += 1;
        mark
    }

    /// Enters a child under a key as it appears in the message; colons are doubled here.
    pub fn enter_raw_key(&mut self, key: &str) -> PathMark {
        let mark = self.mark();
        // At most twice its length once its colons are doubled.
        reserve_text(&mut self.path, 2 * key.len() + 1);
        self.push_separator();
        push_escaped(&mut self.path, key);
        self.depth += 1;
        mark
    }

    /// Enters an array element.
    pub fn enter_index(&mut self, index: usize) -> PathMark {
        let mark = self.mark();
        let mut digits = itoa::Buffer::new();
        let index = digits.format(index);
        reserve_text(&mut self.path, index.len() + 1);
        self.push_separator();
        self.path.push_str(index);
        self.depth += 1;
        mark
    }

    /// Returns to where the path was before the matching `enter_*`.
    pub fn leave(&mut self, mark: PathMark) {
        self.path.truncate(mark.len);
        self.depth = mark.depth;
    }

    fn mark(&self) -> PathMark {
        PathMark {
            len: self.path.len(),
            depth: self.depth,
        }
    }

    // The official SDKs join with `:` only after a non-empty prefix (`prefix ? prefix . ':' : ''`),
    // so a top-level key `""` contributes no separator.
    fn push_separator(&mut self) {
        if !self.path.is_empty() {
            self.path.push(':');
        }
    }

    /// Whether the child `key` of the current object is left out of the canonical form:
    /// `frame_mode` always, `signature` where the writer's [`SignatureRemoval`] says.
    pub fn skips_key(&self, key: &str) -> bool {
        key == FRAME_MODE_KEY || (key == SIGNATURE_KEY && self.removes_signature_here())
    }

    /// Whether a key named `signature` directly under the current path is left out.
    pub fn removes_signature_here(&self) -> bool {
        let top = self.depth == 0;
        let general = self.depth == 1 && self.path == GENERAL_KEY;
        match self.removal.0 {
            SignatureRemoval::Nowhere => false,
            SignatureRemoval::TopLevel => top,
            SignatureRemoval::InGeneral => general,
            SignatureRemoval::TopLevelAndGeneral => top || general,
            SignatureRemoval::Everywhere => true,
        }
    }

    /// Writes a string leaf, verbatim.
    pub fn leaf_str(&mut self, value: &str) {
        if self.open == 0 && self.sink.is_some() {
            /// Enough for the MAC to compress whole blocks straight from the buffer.
            const HAND_OVER: usize = 1024;
            reserve_bytes(&mut self.pending, self.path.len() + value.len() + 2);
            if self.flushed > 0 {
                self.pending.push(b';');
            }
            self.pending.extend_from_slice(self.path.as_bytes());
            self.pending.push(b':');
            self.pending.extend_from_slice(value.as_bytes());
            self.flushed += 1;
            if self.pending.len() >= HAND_OVER
                && let Some(sink) = self.sink.as_mut()
            {
                sink.update(&self.pending);
                zero_and_clear(&mut self.pending);
            }
            return;
        }
        reserve_text(&mut self.text, self.path.len() + value.len() + 1);
        let start = self.begin_leaf();
        self.text.push_str(value);
        self.end_leaf(start);
    }

    /// Writes a boolean leaf: `1` or `0`.
    pub fn leaf_bool(&mut self, value: bool) {
        self.leaf_str(if value { "1" } else { "0" });
    }

    /// Writes a null leaf: the empty string.
    pub fn leaf_null(&mut self) {
        self.leaf_str("");
    }

    /// Writes a number that is not an integer as the official SDKs all write it, or refuses it
    /// where they would not agree (see [`CanonicalError::UnsupportedNumber`]).
    pub fn leaf_fraction(&mut self, value: f64) -> Result<(), CanonicalError> {
        match fraction_text(value) {
            Some(text) => {
                self.leaf_str(&text);
                Ok(())
            }
            None => Err(CanonicalError::UnsupportedNumber {
                path: self.error_path(),
                number: super::shown_number(value),
            }),
        }
    }

    /// Writes an integer leaf in decimal, exactly.
    pub fn leaf_integer<I: itoa::Integer>(&mut self, value: I) {
        self.leaf_str(itoa::Buffer::new().format(value));
    }

    /// Writes a leaf whose value is produced by `write` into the buffer. Room is made for 64
    /// bytes of it first; should `write` write more and the buffer grow, its old allocation is
    /// freed without being zeroed (the other `leaf_*` methods never let that happen).
    pub fn leaf_with(&mut self, write: impl FnOnce(&mut String)) {
        /// Room for any number's digits.
        const ROOM: usize = 64;
        reserve_text(&mut self.text, self.path.len() + ROOM + 1);
        let start = self.begin_leaf();
        write(&mut self.text);
        self.end_leaf(start);
        self.flush();
    }

    fn begin_leaf(&mut self) -> (usize, usize) {
        let start = self.text.len();
        self.text.push_str(&self.path);
        let path_end = self.text.len();
        self.text.push(':');
        (start, path_end)
    }

    fn end_leaf(&mut self, (start, path_end): (usize, usize)) {
        self.entries.push(Entry {
            start,
            path_end,
            end: self.text.len(),
        });
        self.finished = false;
    }

    /// Number of entries written so far; pass it to [`CanonicalWriter::sort_from`].
    pub fn entry_count(&self) -> usize {
        self.flushed + self.entries.len()
    }

    /// Opens a region whose entries are sorted among themselves when it ends: containers whose
    /// children's order is not known in advance (maps, JSON objects) write their children
    /// between this and [`CanonicalWriter::end_unordered`]. Their paths share the container's
    /// prefix, so sorting them among themselves is enough. Regions nest.
    pub fn begin_unordered(&mut self) -> UnorderedMark {
        self.open += 1;
        UnorderedMark {
            start: self.entry_count(),
            path_len: self.path.len(),
        }
    }

    /// Closes the region `mark` opened: sorts its entries (see [`CanonicalWriter::sort_from`]).
    ///
    /// The entries of a region under the path `P` all begin with `P:`, and PHP's `strnatcmp`
    /// of two texts with a common prefix that ends in a non-digit, non-space byte is its
    /// comparison of the rests (no digit run or leading zeros span the `:`), so only the rests are
    /// compared: nested regions do not compare their common prefixes again at every level.
    pub fn end_unordered(&mut self, mark: UnorderedMark) {
        self.open = self.open.saturating_sub(1);
        let prefix = if mark.path_len > 0 && self.path.len() == mark.path_len {
            Some(mark.path_len + 1)
        } else {
            None
        };
        self.sort_entries(mark.start, prefix);
        self.flush();
    }

    /// Sorts the entries written since `start` by their full path in natural order, when that is
    /// the writer's order (the bytewise orders are applied once, by [`CanonicalWriter::finish`]).
    /// Prefer [`CanonicalWriter::begin_unordered`]: a writer that streams into the HMAC may have
    /// handed on entries written since an `entry_count` taken outside a region, and then signs
    /// the message again without streaming.
    pub fn sort_from(&mut self, start: usize) {
        self.sort_entries(start, None);
    }

    /// Sorts the entries since `start`; `prefix`: the length of a prefix `P:` they may share.
    fn sort_entries(&mut self, start: usize, prefix: Option<usize>) {
        if start < self.flushed {
            self.sink_broken = true;
            return;
        }
        let start = start - self.flushed;
        if self.order != SortOrder::Natural || start >= self.entries.len() {
            return;
        }
        let text = self.text.as_bytes();
        let region = &mut self.entries[start..];
        // The common prefix is skipped only where every entry really has it.
        let skip = prefix.filter(|&len| {
            let path = self.path.as_bytes();
            region.iter().all(|e| {
                let entry_path = &text[e.start..e.path_end];
                entry_path.len() >= len
                    && entry_path[..len - 1] == *path
                    && entry_path[len - 1] == b':'
            })
        });
        match skip {
            Some(len) => stable_sort(region, &mut self.scratch, |a, b| {
                natural_rest(
                    &text[a.start + len..a.path_end],
                    &text[b.start + len..b.path_end],
                )
            }),
            None => stable_sort(region, &mut self.scratch, |a, b| {
                strnatcmp(&text[a.start..a.path_end], &text[b.start..b.path_end])
            }),
        }
    }

    /// Applies the final order: nothing left to do for the natural order, a full sort for the
    /// bytewise ones. Called by the output methods; idempotent.
    pub fn finish(&mut self) {
        if self.finished {
            return;
        }
        let text = self.text.as_bytes();
        match self.order {
            SortOrder::Natural => {}
            SortOrder::BytewiseKey => stable_sort(&mut self.entries, &mut self.scratch, |a, b| {
                text[a.start..a.path_end].cmp(&text[b.start..b.path_end])
            }),
            SortOrder::BytewiseEntry => {
                stable_sort(&mut self.entries, &mut self.scratch, |a, b| {
                    text[a.start..a.end].cmp(&text[b.start..b.end])
                })
            }
        }
        self.finished = true;
    }

    /// The entries `path:value` in their final order.
    pub fn entries(&mut self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.finish();
        let text = &self.text;
        self.entries.iter().map(move |e| &text[e.start..e.end])
    }

    /// Appends the string to sign (the entries joined with `;`) to `out`.
    pub fn write_string_to_sign(&mut self, out: &mut String) {
        for (i, entry) in self.entries().enumerate() {
            if i > 0 {
                out.push(';');
            }
            out.push_str(entry);
        }
    }

    /// The string to sign: the entries joined with `;`.
    pub fn string_to_sign(&mut self) -> String {
        let mut out = String::with_capacity(self.text.len() + self.entries.len());
        self.write_string_to_sign(&mut out);
        out
    }

    /// Writes a whole message: its entries under the root.
    pub fn write<T: Canonical + ?Sized>(&mut self, message: &T) -> Result<(), CanonicalError> {
        message.write_canonical(self)
    }

    /// Builds the JSON-style location of the current path for error messages.
    pub(crate) fn error_path(&self) -> String {
        if self.path.is_empty() {
            "(root)".to_owned()
        } else {
            self.path.clone()
        }
    }
}

impl Drop for CanonicalWriter {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.path.zeroize();
        self.text.zeroize();
        self.pending.zeroize();
    }
}

thread_local! {
    static THREAD_WRITER: std::cell::RefCell<CanonicalWriter> = std::cell::RefCell::default();
}

/// Runs `work` with this thread's reusable writer, or a fresh one where it is already in use
/// (a `Canonical` impl that signs something itself). Its buffers keep their capacity from one
/// message to the next, so signing allocates nothing once warm; they hold message text only,
/// and when `work` ends, even by a panic, the text in use is zeroed and the writer reset, so
/// neither a message nor MAC state outlives it. Text left behind when a buffer grows (the first
/// messages on a thread) is zeroed too (see [`CanonicalWriter::reset`]); `tests/freed_memory.rs`
/// reads every block freed while a cold thread signs.
pub(crate) fn with_thread_writer<R>(work: impl FnOnce(&mut CanonicalWriter) -> R) -> R {
    struct ResetOnDrop<'w>(&'w mut CanonicalWriter);

    impl Drop for ResetOnDrop<'_> {
        fn drop(&mut self) {
            let (order, removal) = (self.0.order, self.0.removal.0);
            self.0.reset(order, removal);
        }
    }

    let mut work = Some(work);
    let mut run = |writer: &mut CanonicalWriter| {
        let guard = ResetOnDrop(writer);
        let work = work.take().expect("run once");
        work(&mut *guard.0)
    };
    THREAD_WRITER
        .try_with(|cell| match cell.try_borrow_mut() {
            Ok(mut writer) => Some(run(&mut writer)),
            Err(_) => None,
        })
        .ok()
        .flatten()
        .unwrap_or_else(|| run(&mut CanonicalWriter::new()))
}

/// `strnatcmp(P + a, P + b)` for a common non-empty prefix `P` ending in `:`: the comparison
/// of the rests, past the start of the string (no leading zeros skipped), with PHP's rule that
/// the shorter of two equal-so-far texts sorts first (an empty rest included).
fn natural_rest(a: &[u8], b: &[u8]) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => crate::natural::settled_by_first_difference(a, b)
            .unwrap_or_else(|| crate::natural::compare(a, b, false).unwrap_or(Ordering::Equal)),
    }
}

/// Zeroes message bytes as they leave use (their capacity is kept for the next message).
/// `zeroize`'s volatile writes: a plain `fill(0)` (memset) measured slower here, by a fifth of
/// signing a sale, for the 169 bytes it zeroes.
fn zero_and_clear(bytes: &mut Vec<u8>) {
    use zeroize::Zeroize;
    bytes.as_mut_slice().zeroize();
    bytes.clear();
}

fn zero_and_clear_text(text: &mut String) {
    use zeroize::Zeroize;
    text.as_mut_str().zeroize();
    text.clear();
}

/// Makes room for `additional` more bytes. Where the buffer must grow, the text is moved to a
/// larger allocation by hand and the old one zeroed (all of its capacity) before it is freed:
/// `Vec`'s own growth would free it as it is, with the message in it.
fn reserve_text(text: &mut String, additional: usize) {
    use zeroize::Zeroize;
    if text.capacity() - text.len() >= additional {
        return;
    }
    let mut grown = String::with_capacity(grown_capacity(text.len(), text.capacity(), additional));
    grown.push_str(text);
    std::mem::replace(text, grown).zeroize();
}

/// [`reserve_text`] for bytes.
fn reserve_bytes(bytes: &mut Vec<u8>, additional: usize) {
    use zeroize::Zeroize;
    if bytes.capacity() - bytes.len() >= additional {
        return;
    }
    let mut grown = Vec::with_capacity(grown_capacity(bytes.len(), bytes.capacity(), additional));
    grown.extend_from_slice(bytes);
    std::mem::replace(bytes, grown).zeroize();
}

/// Doubling, as `Vec` grows, and at least 256 bytes.
fn grown_capacity(len: usize, capacity: usize, additional: usize) -> usize {
    len.saturating_add(additional)
        .max(capacity.saturating_mul(2))
        .max(256)
}

fn push_escaped(out: &mut String, key: &str) {
    if key.contains(':') {
        out.push_str(&key.replace(':', "::"));
    } else {
        out.push_str(key);
    }
}

/// A stable merge sort that never panics, whatever the comparison does. `slice::sort_by` may panic
/// when the order is not total, and `strnatcmp` is not transitive on every input (whitespace and
/// leading zeros), while the input of a callback is chosen by whoever sends it.
fn stable_sort<T: Copy>(
    v: &mut [T],
    scratch: &mut Vec<T>,
    mut cmp: impl FnMut(&T, &T) -> Ordering,
) {
    const RUN: usize = 16;
    let n = v.len();
    if n < 2 || v.windows(2).all(|w| cmp(&w[0], &w[1]) != Ordering::Greater) {
        return;
    }
    for run in v.chunks_mut(RUN) {
        for i in 1..run.len() {
            let mut j = i;
            while j > 0 && cmp(&run[j - 1], &run[j]) == Ordering::Greater {
                run.swap(j - 1, j);
                j -= 1;
            }
        }
    }
    scratch.clear();
    scratch.extend_from_slice(v);
    let mut width = RUN;
    while width < n {
        let mut lo = 0;
        while lo < n {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut i, mut j, mut k) = (lo, mid, lo);
            while i < mid && j < hi {
                if cmp(&v[j], &v[i]) == Ordering::Less {
                    scratch[k] = v[j];
                    j += 1;
                } else {
                    scratch[k] = v[i];
                    i += 1;
                }
                k += 1;
            }
            scratch[k..k + (mid - i)].copy_from_slice(&v[i..mid]);
            k += mid - i;
            scratch[k..k + (hi - j)].copy_from_slice(&v[j..hi]);
            lo = hi;
        }
        v.copy_from_slice(scratch);
        width *= 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use serde_json::{Map, Value};

    fn canonical(value: &Value, order: SortOrder) -> String {
        let mut writer = CanonicalWriter::with_options(order, SignatureRemoval::TopLevelAndGeneral);
        writer.write(value).unwrap();
        writer.string_to_sign()
    }

    #[test]
    fn no_message_text_outlives_the_thread_writer() {
        const PAN: &str = "4111111111111111";
        /// Settled entries (streamed, handed to the MAC past 1 KiB), then an object whose
        /// entries wait in the text buffer for their sort.
        struct Message(Value);
        impl Canonical for Message {
            fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
                for i in 0..200 {
                    let mark = out.enter_index(i);
                    out.leaf_str(PAN);
                    out.leave(mark);
                }
                let mark = out.enter_key("z");
                self.0.write_canonical(out)?;
                out.leave(mark);
                Ok(())
            }
        }
        /// Every byte a buffer can hold, once its capacity was filled and it did not grow.
        fn held(buffer: &[u8], capacity: usize, filled: usize) -> &[u8] {
            assert_eq!(capacity, filled, "no reallocation since the fill");
            // SAFETY: the whole capacity was initialised by the fill and never reallocated.
            unsafe { std::slice::from_raw_parts(buffer.as_ptr(), capacity) }
        }
        let filled = THREAD_WRITER.with(|writer| {
            let writer = &mut *writer.borrow_mut();
            let mut filled = [0; 3];
            for (text, filled) in [&mut writer.path, &mut writer.text]
                .into_iter()
                .zip(&mut filled)
            {
                text.reserve_exact(1 << 16);
                *filled = text.capacity();
                text.extend(std::iter::repeat_n('.', *filled));
                text.clear();
            }
            writer.pending.reserve_exact(1 << 16);
            filled[2] = writer.pending.capacity();
            writer.pending.resize(filled[2], b'.');
            writer.pending.clear();
            filled
        });
        let members: Map<String, Value> = (0..50)
            .map(|i| (format!("k{}", 50 - i), json!(PAN)))
            .collect();
        let key = crate::SecretKey::new("test-key").unwrap();
        let message = Message(Value::Object(members));
        // Streamed (natural order), and collected, reset and written again (a bytewise order).
        for order in [SortOrder::Natural, SortOrder::BytewiseKey] {
            key.signer().with_order(order).sign(&message).unwrap();
        }
        THREAD_WRITER.with(|writer| {
            let writer = writer.borrow();
            let buffers = [
                (
                    "path",
                    held(writer.path.as_bytes(), writer.path.capacity(), filled[0]),
                ),
                (
                    "text",
                    held(writer.text.as_bytes(), writer.text.capacity(), filled[1]),
                ),
                (
                    "pending",
                    held(&writer.pending, writer.pending.capacity(), filled[2]),
                ),
            ];
            for (name, bytes) in buffers {
                let left = bytes.windows(4).filter(|w| *w == b"4111").count();
                assert_eq!(left, 0, "{name} still holds the card number");
            }
        });
    }

    #[test]
    fn stable_sort_matches_std_on_a_total_order() {
        let mut scratch = Vec::new();
        for n in [0usize, 1, 2, 15, 16, 17, 33, 100, 257] {
            let mut v: Vec<(u32, usize)> = (0..n).map(|i| (((i * 7919) % 13) as u32, i)).collect();
            let mut expected = v.clone();
            expected.sort_by_key(|e| e.0);
            stable_sort(&mut v, &mut scratch, |a, b| a.0.cmp(&b.0));
            assert_eq!(v, expected, "n = {n}");
        }
    }

    #[test]
    fn stable_sort_survives_an_inconsistent_comparison() {
        let mut scratch = Vec::new();
        let mut v: Vec<u32> = (0..100).collect();
        let mut calls = 0u32;
        stable_sort(&mut v, &mut scratch, |_, _| {
            calls += 1;
            if calls.is_multiple_of(3) {
                Ordering::Less
            } else {
                Ordering::Greater
            }
        });
        v.sort_unstable();
        assert_eq!(
            v,
            (0..100).collect::<Vec<_>>(),
            "a permutation of the input"
        );
    }

    #[test]
    fn bytewise_orders_differ_on_prefixes() {
        let value = json!({"a": "x", "a:b": 1, "a0": 2});
        // paths: `a`, `a::b`, `a0`
        assert_eq!(canonical(&value, SortOrder::BytewiseKey), "a:x;a0:2;a::b:1");
        assert_eq!(
            canonical(&value, SortOrder::BytewiseEntry),
            "a0:2;a::b:1;a:x"
        );
        assert_eq!(canonical(&value, SortOrder::Natural), "a:x;a0:2;a::b:1");
    }

    #[test]
    fn reset_reuses_the_writer() {
        let mut writer = CanonicalWriter::new();
        writer.write(&json!({"b": 1, "a": 2})).unwrap();
        assert_eq!(writer.string_to_sign(), "a:2;b:1");
        writer.reset(SortOrder::Natural, SignatureRemoval::Nowhere);
        writer.write(&json!({"signature": "s"})).unwrap();
        assert_eq!(writer.string_to_sign(), "signature:s");
    }

    #[test]
    fn comparing_past_a_common_prefix_is_comparing_the_whole() {
        let alphabet: &[u8] = b"0 1:a9";
        let mut texts: Vec<Vec<u8>> = vec![Vec::new()];
        for len in 1..=3 {
            let mut more = Vec::new();
            for t in texts.iter().filter(|t| t.len() == len - 1) {
                for &c in alphabet {
                    let mut t = t.clone();
                    t.push(c);
                    more.push(t);
                }
            }
            texts.extend(more);
        }
        for prefix in [&b"a:"[..], b"0:", b"01:", b"a 1:", b"x0 :", b"1:2:", b" :"] {
            for a in &texts {
                for b in &texts {
                    let whole = |t: &[u8]| [prefix, t].concat();
                    assert_eq!(
                        natural_rest(a, b),
                        strnatcmp(&whole(a), &whole(b)),
                        "{:?} {:?} {:?}",
                        String::from_utf8_lossy(prefix),
                        String::from_utf8_lossy(a),
                        String::from_utf8_lossy(b)
                    );
                }
            }
        }
    }
}

/// The writer's order, sorted region by region and streamed where settled, is PHP's: every
/// entry flattened, then one sort of them all by path with `strnatcmp` (the SDK's
/// `ksort(SORT_NATURAL)`), on random nested messages whose keys mix letters, digits and `:`.
#[cfg(test)]
mod against_one_global_sort {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    fn flatten(value: &Value, path: &str, out: &mut Vec<(String, String)>) {
        let child = |key: &str| {
            let key = key.replace(':', "::");
            if path.is_empty() {
                key
            } else {
                format!("{path}:{key}")
            }
        };
        match value {
            Value::Object(members) => {
                for (key, value) in members {
                    if key != FRAME_MODE_KEY && key != SIGNATURE_KEY {
                        flatten(value, &child(key), out);
                    }
                }
            }
            Value::Array(elements) => {
                for (i, element) in elements.iter().enumerate() {
                    flatten(element, &child(&i.to_string()), out);
                }
            }
            Value::String(text) => out.push((path.to_owned(), text.clone())),
            Value::Number(n) => out.push((path.to_owned(), n.to_string())),
            Value::Bool(b) => out.push((path.to_owned(), u8::from(*b).to_string())),
            Value::Null => out.push((path.to_owned(), String::new())),
        }
    }

    fn message() -> impl Strategy<Value = Value> {
        let key = "[ab019:]{1,3}".prop_filter("not ambiguous", |k: &String| {
            !k.starts_with(':') && !k.ends_with(':')
        });
        let leaf = prop_oneof![
            any::<u16>().prop_map(Value::from),
            "[xy]{0,2}".prop_map(Value::from),
            Just(Value::Null),
        ];
        let tree = leaf.prop_recursive(4, 40, 5, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(key.clone(), inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        });
        prop::collection::btree_map("[ab019]{1,3}", tree, 1..5)
            .prop_map(|m| Value::Object(m.into_iter().collect()))
    }

    proptest! {
        #[test]
        fn the_writer_sorts_as_one_global_natural_sort(message in message()) {
            let mut entries = Vec::new();
            flatten(&message, "", &mut entries);
            entries.sort_by(|a, b| strnatcmp(a.0.as_bytes(), b.0.as_bytes()));
            let expected: Vec<String> =
                entries.into_iter().map(|(path, value)| format!("{path}:{value}")).collect();
            let mut writer =
                CanonicalWriter::with_options(SortOrder::Natural, SignatureRemoval::Everywhere);
            writer.write(&message).unwrap();
            prop_assert_eq!(writer.string_to_sign(), expected.join(";"));
            // Streamed into the MAC, the same.
            let key = crate::SecretKey::new("k").unwrap();
            writer.reset_streaming(SortOrder::Natural, SignatureRemoval::Everywhere, key.mac());
            writer.write(&message).unwrap();
            let streamed = writer.take_mac().expect("the natural order streams").finalize();
            let mut whole = key.mac();
            whole.update(expected.join(";").as_bytes());
            prop_assert_eq!(streamed, whole.finalize());
        }
    }
}
