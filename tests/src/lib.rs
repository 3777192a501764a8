//! The tests live in `tests/`. This library carries the workspace README, so that `cargo test`
//! runs its Rust examples as doc-tests, and the bodies of the fuzz targets ([`fuzz`]), shared by
//! `fuzz/` and the ordinary tests that run them.

pub mod fuzz;
pub mod mutate;

#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeExamples;
