//! Writes the payloads the benchmarks use (`tests/benches/`), for `bench/compare-sdks.sh`:
//! `callback.json` (the AstroPay purchase success callback, without its signature) and
//! `request.json` (the AstroPay Gate sale request), into the directory given.

use std::path::Path;

fn example(id: &str) -> serde_json::Value {
    let spec_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let spec = ecommpay_codegen::__private::load_dir(&spec_dir).expect("the spec loads");
    spec.files
        .iter()
        .flat_map(|f| &f.content.examples)
        .find(|e| e.id == id)
        .map(|e| serde_json::from_str(e.json_text()).expect("examples are JSON"))
        .unwrap_or_else(|| panic!("no example {id}"))
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: sdk_payloads DIR");
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir).expect("the directory can be made");
    let mut callback = example("astropay-pp-callback-success");
    if let Some(members) = callback.as_object_mut() {
        members.remove("signature");
    }
    let request = example("astropay-gate-sale-request");
    std::fs::write(dir.join("callback.json"), callback.to_string()).expect("written");
    std::fs::write(dir.join("request.json"), request.to_string()).expect("written");
}
