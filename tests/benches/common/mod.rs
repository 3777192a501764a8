//! Shared by the benchmarks: short criterion settings, the spec's examples, and the report of
//! each benchmark as a ratio to the floor measured in the same run.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::Criterion;
use serde_json::Value;

/// Short runs, so that `cargo bench` and `clippy --all-targets` stay quick.
pub fn criterion() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(1500))
        .sample_size(20)
        .configure_from_args()
}

pub fn spec_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec")
}

/// The JSON of the spec's example `id`.
pub fn example(id: &str) -> Value {
    let spec = ecommpay_codegen::load::load_dir(&spec_dir()).expect("the spec loads");
    spec.files
        .iter()
        .flat_map(|f| &f.content.examples)
        .find(|e| e.id == id)
        .map(|e| serde_json::from_str(e.json_text()).expect("examples are JSON"))
        .unwrap_or_else(|| panic!("no example {id}"))
}

/// Time of one iteration in nanoseconds, from criterion's estimates of this run: the slope of
/// the linear fit, or the mean where there is none.
pub fn nanoseconds(group: &str, id: &str) -> Option<f64> {
    let dir = std::env::var_os("CRITERION_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
                .join("criterion")
        });
    let text = std::fs::read_to_string(dir.join(group).join(id).join("new/estimates.json")).ok()?;
    let estimates: Value = serde_json::from_str(&text).ok()?;
    estimates["slope"]["point_estimate"]
        .as_f64()
        .or_else(|| estimates["mean"]["point_estimate"].as_f64())
}

fn human(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

/// Prints each benchmark of `group` against `floor`: time, floor, ratio, and the goal where
/// there is one (`Some(max ratio)`).
pub fn report(group: &str, floor: &str, rows: &[(&str, Option<f64>)]) {
    let Some(floor_ns) = nanoseconds(group, floor) else {
        println!("{group}: no estimate for the floor {floor} (run with `cargo bench`)");
        return;
    };
    println!(
        "\n{group}: against the floor `{floor}` ({}) of this run",
        human(floor_ns)
    );
    println!("  {:<34} {:>12} {:>10}  goal", "benchmark", "time", "ratio");
    for (id, goal) in rows {
        let Some(ns) = nanoseconds(group, id) else {
            continue;
        };
        let ratio = ns / floor_ns;
        let goal = match goal {
            Some(max) if ratio <= *max => format!("<= {max}x: met"),
            Some(max) => format!("<= {max}x: MISSED by {:.0}%", (ratio / max - 1.0) * 100.0),
            None => String::new(),
        };
        println!("  {id:<34} {:>12} {ratio:>9.2}x  {goal}", human(ns));
    }
}
