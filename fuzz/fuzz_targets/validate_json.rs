//! `cargo +nightly fuzz run validate_json`: see `ecommpay_tests::fuzz::validate_json`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ecommpay_tests::fuzz::validate_json(data));
