//! `cargo +nightly fuzz run payment_page_url`: see `ecommpay_tests::fuzz::payment_page_url`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ecommpay_tests::fuzz::payment_page_url(data));
