//! The spec: the YAML transcription of the vendor's documents, embedded so that the generator
//! can run in `ecommpay-api`'s build script wherever the crate is built (a checkout, a git
//! dependency, a packaged crate). The files themselves are the source of truth; see `README.md`.

/// One spec file.
#[derive(Clone, Copy, Debug)]
pub struct SpecFile {
    /// The file's name (`astropay.yaml`).
    pub name: &'static str,
    /// Its text.
    pub text: &'static str,
}

macro_rules! spec_files {
    ($($name:literal),* $(,)?) => {
        /// Every spec file, `common.yaml` first, then by name (the loader's order).
        pub const FILES: &[SpecFile] = &[$(SpecFile { name: $name, text: include_str!($name) }),*];
    };
}

spec_files!(
    "common.yaml",
    "astropay.yaml",
    "card_payout.yaml",
    "paypal.yaml",
    "upi.yaml",
);

#[cfg(test)]
mod tests {
    /// The embedded list is the directory's `*.yaml`, in the loader's order.
    #[test]
    fn embeds_every_spec_file() {
        let dir = env!("CARGO_MANIFEST_DIR");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .expect("spec directory")
            .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
            .filter(|name| name.ends_with(".yaml"))
            .collect();
        on_disk.sort_by_key(|name| (name != "common.yaml", name.clone()));
        let embedded: Vec<&str> = super::FILES.iter().map(|file| file.name).collect();
        assert_eq!(embedded, on_disk);
    }
}
