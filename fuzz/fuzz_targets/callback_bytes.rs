//! `cargo +nightly fuzz run callback_bytes`: see `ecommpay_tests::fuzz::callback_bytes`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ecommpay_tests::fuzz::callback_bytes(data));
