//! `cargo +nightly fuzz run callback_resigned`: see `ecommpay_tests::fuzz::callback_resigned`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ecommpay_tests::fuzz::callback_resigned(data));
