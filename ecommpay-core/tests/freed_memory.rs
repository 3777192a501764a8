//! What signing gives back to the allocator holds no message text: every block freed while a
//! thread signs for the first time (its writer cold, so every buffer grows) and until the
//! thread ends (its writer dropped) is read before it is freed. The allocator below is this
//! test binary's own; `payment_page.rs` and the unit tests run with the system's.
//!
//! What it does not claim, as the docs say: a verified callback's tree and the values handed out
//! hold copies of the body's strings that are freed as they are.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use ecommpay_core::SecretKey;
use ecommpay_core::signature::{Canonical, CanonicalError, CanonicalWriter, SortOrder};
use serde_json::{Map, Value, json};

/// The card number the messages carry; its digits never appear elsewhere in this test.
const PAN: &[u8] = b"4276380012345678";

struct Watching;

static WATCHING: AtomicBool = AtomicBool::new(false);
static FREED_WITH_PAN: AtomicUsize = AtomicUsize::new(0);
static FREED: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed on to `System` unchanged; `dealloc` only reads the block first,
// which is still allocated and `layout.size()` bytes long. `realloc` is left to the default,
// which allocates, copies and deallocates, so that the old block is read too.
unsafe impl GlobalAlloc for Watching {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if WATCHING.load(Ordering::SeqCst) {
            // SAFETY: see above.
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            FREED.fetch_add(1, Ordering::SeqCst);
            if block.windows(PAN.len()).any(|w| w == PAN) {
                FREED_WITH_PAN.fetch_add(1, Ordering::SeqCst);
            }
        }
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Watching = Watching;

/// Settled entries streamed to the MAC (past its 1 KiB hand-over), then an object whose entries
/// wait in the writer's text for their sort: both buffers grow from nothing.
struct Message(Value);

impl Canonical for Message {
    fn write_canonical(&self, out: &mut CanonicalWriter) -> Result<(), CanonicalError> {
        let pan = std::str::from_utf8(PAN).expect("ASCII");
        for i in 0..300 {
            let mark = out.enter_index(i);
            out.leaf_str(pan);
            out.leave(mark);
        }
        let mark = out.enter_key("z");
        self.0.write_canonical(out)?;
        out.leave(mark);
        Ok(())
    }
}

#[test]
fn signing_frees_no_memory_holding_message_text() {
    let pan = std::str::from_utf8(PAN).expect("ASCII");
    // Built before watching, dropped after: only what signing frees is read.
    let members: Map<String, Value> = (0..400)
        .map(|i| (format!("card{}", 400 - i), json!(pan)))
        .collect();
    let message = Message(Value::Object(members.clone()));
    let json = json!({"card": members, "general": {"signature": "old"}});
    let key = SecretKey::new("freed-memory-key").unwrap();

    WATCHING.store(true, Ordering::SeqCst);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            // The thread's writer is cold: streamed (natural order), collected (a bytewise
            // order), and a writer of its own (the JSON path), each growing its buffers.
            for order in [SortOrder::Natural, SortOrder::BytewiseKey] {
                key.signer().with_order(order).sign(&message).unwrap();
            }
            key.sign_json(&json).unwrap();
        });
    });
    WATCHING.store(false, Ordering::SeqCst);

    assert!(
        FREED.load(Ordering::SeqCst) > 10,
        "the buffers grew and the thread's writer was dropped"
    );
    assert_eq!(
        FREED_WITH_PAN.load(Ordering::SeqCst),
        0,
        "blocks freed holding the card number"
    );
    drop((message, json));
}
