//! The golden files include one another from `OUT_DIR/generated/`, as `ecommpay-api`'s generated
//! code does: they are put there unchanged.

use std::path::Path;

fn main() {
    let golden = Path::new("generated");
    println!("cargo::rerun-if-changed={}", golden.display());
    let out_dir =
        Path::new(&std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("generated");
    std::fs::create_dir_all(&out_dir).expect("create OUT_DIR/generated");
    for entry in std::fs::read_dir(golden).expect("read the golden files") {
        let path = entry.expect("a golden file").path();
        std::fs::copy(&path, out_dir.join(path.file_name().expect("a file name")))
            .unwrap_or_else(|e| panic!("cannot copy {}: {e}", path.display()));
    }
}
