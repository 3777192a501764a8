//! The tests live in `tests/`. This library carries the workspace README, so that `cargo test`
//! runs its Rust examples as doc-tests, and the bodies of the fuzz targets ([`fuzz`]), shared by
//! `fuzz/` and the ordinary tests that run them.

pub mod fuzz;
pub mod mutate;

#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeExamples;

/// The spec `copies` times over, in memory: every method file repeated under new method ids
/// (`astropay` -> `astropay_x2`, ...) and document names, for the generation benchmark's growth
/// measurement. The facts of `common.yaml` keep their names.
pub fn multiplied_spec(copies: usize) -> Vec<(String, String)> {
    let common = ecommpay_spec::FILES
        .iter()
        .find(|f| f.name == "common.yaml")
        .map_or("", |f| f.text);
    let facts: Vec<&str> = common
        .lines()
        .filter_map(|line| line.trim().strip_prefix("- id: "))
        .collect();
    let mut files = Vec::new();
    for file in ecommpay_spec::FILES {
        files.push((file.name.to_owned(), file.text.to_owned()));
        if file.name == "common.yaml" {
            continue;
        }
        let id = file.name.trim_end_matches(".yaml");
        let document = file
            .text
            .lines()
            .find_map(|line| line.trim().strip_prefix("file: "))
            .unwrap_or("")
            .trim_end_matches(".txt");
        for copy in 2..=copies {
            let new_id = format!("{id}_x{copy}");
            let mut text = file.text.replace(id, &new_id);
            if id.contains('_') {
                // Spelt with a hyphen in names (`card-payout`).
                text = text.replace(&id.replace('_', "-"), &new_id.replace('_', "-"));
            }
            if !document.is_empty() {
                text = text.replace(document, &format!("{document}_x{copy}"));
            }
            for fact in &facts {
                text = text.replace(&fact.replace(id, &new_id), fact);
            }
            files.push((format!("{new_id}.yaml"), text));
        }
    }
    files
}
