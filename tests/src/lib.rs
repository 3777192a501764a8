//! The tests live in `tests/`. This library only carries the workspace README, so that
//! `cargo test` runs its Rust examples as doc-tests.

#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeExamples;
