//! `check` passes on the real spec (`spec/`), every reference read against the vendor documents
//! when the seeds directory is there. `ECOMMPAY_SEEDS` names a candidate set of documents
//! instead (as it does for `ecommpay-codegen check`).

use std::path::Path;

use ecommpay_codegen::Generator;
use ecommpay_codegen::diagnostics::Severity;

#[test]
fn the_real_spec_checks_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let spec = root.join("../spec");
    let seeds = std::env::var_os("ECOMMPAY_SEEDS")
        .filter(|dir| !dir.is_empty())
        .map_or_else(|| root.join("../../shared/seeds"), std::path::PathBuf::from);
    let seeds = seeds.is_dir().then_some(seeds.as_path());
    if seeds.is_none() {
        eprintln!("note: no seeds directory; the references are not read against the documents");
    }
    let generator = Generator::from_dir(&spec);
    let headlines: Vec<String> = generator
        .diagnostics(seeds)
        .expect("the spec directory loads")
        .iter()
        .map(|d| d.headline())
        .collect();
    assert!(
        headlines.is_empty(),
        "the spec has diagnostics:\n{}",
        headlines.join("\n")
    );
}

/// A change made to a document's text.
type Edit = Box<dyn Fn(&str) -> String>;

/// The vendor documents, where they are.
fn real_seeds() -> Option<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seeds = std::env::var_os("ECOMMPAY_SEEDS")
        .filter(|dir| !dir.is_empty())
        .map_or_else(|| root.join("../../shared/seeds"), std::path::PathBuf::from);
    seeds.is_dir().then_some(seeds)
}

/// Edits to a copy of the PayPal document, each a change a maintainer meets, and what `check`
/// must name for it at its document line (the spec untouched): a row removed whose words stand
/// in other sections, a row moved from the optional list to the required one, a value added to
/// an enum's line in a section with a twin.
#[test]
fn vendor_changes_are_named_at_their_lines() {
    let Some(seeds) = real_seeds() else {
        eprintln!("note: no seeds directory; the vendor changes are not tried");
        return;
    };
    let paypal = "002_c6d548ecabfc01b0.txt";
    let original = std::fs::read_to_string(seeds.join(paypal)).expect("the PayPal document");
    let auth_start = original
        .find("Формат запросов на блокировку средств")
        .expect("the auth section");
    let cases: [(&str, Edit, &str); 3] = [
        (
            "removed",
            Box::new(move |doc: &str| {
                let row = "      • phone — номер телефона.\n";
                let at = auth_start + doc[auth_start..].find(row).expect("auth's phone row");
                let mut edited = doc.to_owned();
                edited.replace_range(at..at + row.len(), "");
                edited.replace(
                    "      • country — код страны в формате ISO 3166-1 alpha-2;,\n      • additional_data",
                    "      • country — код страны в формате ISO 3166-1 alpha-2.\n      • additional_data",
                )
            }),
            "002_c6d548ecabfc01b0.txt:628: operations[3].params[12] (`customer.phone`): the text of \
             source `628` is no longer at its lines (removed?)",
        ),
        (
            "required",
            Box::new(move |doc: &str| {
                let row = "      • email — адрес электронной почты;,\n";
                let at = auth_start + doc[auth_start..].find(row).expect("auth's email row");
                let mut edited = doc.to_owned();
                edited.replace_range(at..at + row.len(), "");
                let ip = "      • ip_address — IP-адрес пользователя, актуальный для инициируемого платежа.\n";
                let at = auth_start + edited[auth_start..].find(ip).expect("auth's ip row");
                edited.insert_str(at + ip.len(), "      • email — адрес электронной почты.\n");
                edited
            }),
            "operations[3].params[8] (`customer.email`): its row moved alone",
        ),
        (
            "enum",
            Box::new(|doc: &str| {
                doc.replacen(
                    "или U (для автооплаты)",
                    "U (для автооплаты) или M (для смешанной оплаты)",
                    1,
                )
            }),
            "002_c6d548ecabfc01b0.txt:1256: operations[2].variants[1].params[2] (`recurring.type`): \
             the text changed",
        ),
    ];
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let generator = Generator::from_dir(&spec);
    for (name, edit, expected) in cases {
        let copy = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("vendor-change-{name}"));
        let _ = std::fs::remove_dir_all(&copy);
        std::fs::create_dir_all(&copy).expect("a scratch directory");
        for entry in std::fs::read_dir(&seeds).expect("the seeds") {
            let path = entry.expect("an entry").path();
            std::fs::copy(&path, copy.join(path.file_name().unwrap())).expect("copy a document");
        }
        let edited = edit(&original);
        assert_ne!(edited, original, "{name}: the edit applies");
        std::fs::write(copy.join(paypal), edited).expect("write the edited document");
        let diagnostics = generator.diagnostics(Some(&copy)).expect("the spec loads");
        assert!(
            diagnostics.iter().any(|d| d.severity == Severity::Error),
            "{name}: check must fail"
        );
        let headlines: Vec<String> = diagnostics.iter().map(|d| d.headline()).collect();
        assert!(
            headlines.iter().any(|h| h.contains(expected)),
            "{name}: expected {expected:?} among:\n{}",
            headlines.join("\n")
        );
        assert!(headlines.len() <= 6, "{name}: {}", headlines.join("\n"));
    }
}
