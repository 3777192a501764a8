//! `cargo +nightly fuzz run canonical_writer`: see `ecommpay_tests::fuzz::canonical_writer`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ecommpay_tests::fuzz::canonical_writer(data));
