//! `cargo +nightly fuzz run formats`: see `ecommpay_tests::fuzz::formats`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ecommpay_tests::fuzz::formats(data));
