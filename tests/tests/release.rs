//! Release readiness: the license files match the workspace's `license`, every published crate
//! packages them, and the changelog has a section for what is not released yet.

use std::path::{Path, PathBuf};

/// The crates published to crates.io, in publish order.
const PUBLISHED: [&str; 5] = [
    "spec",
    "ecommpay-core",
    "codegen",
    "ecommpay-macros",
    "ecommpay-api",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_license_files_match_the_license_and_every_published_crate_has_them() {
    let manifest = read(&root().join("Cargo.toml"));
    assert!(
        manifest.contains("license = \"MIT OR Apache-2.0\""),
        "the workspace's license changed: change LICENSE-* with it"
    );
    let mit = read(&root().join("LICENSE-MIT"));
    let apache = read(&root().join("LICENSE-APACHE"));
    assert!(mit.contains("Permission is hereby granted, free of charge"));
    assert!(apache.contains("Apache License") && apache.contains("Version 2.0, January 2004"));
    for krate in PUBLISHED {
        let dir = root().join(krate);
        assert_eq!(read(&dir.join("LICENSE-MIT")), mit, "{krate}/LICENSE-MIT");
        assert_eq!(
            read(&dir.join("LICENSE-APACHE")),
            apache,
            "{krate}/LICENSE-APACHE"
        );
        let manifest = read(&dir.join("Cargo.toml"));
        // A crate with an `include` list must name the license files in it.
        if manifest.lines().any(|l| l.starts_with("include = ")) {
            assert!(
                manifest.contains("\"LICENSE-*\""),
                "{krate}: include the license files"
            );
        }
    }
}

#[test]
fn the_changelog_has_an_unreleased_section() {
    let changelog = read(&root().join("CHANGELOG.md"));
    assert!(
        changelog.contains("\n## [Unreleased]\n"),
        "CHANGELOG.md: no Unreleased section"
    );
}
