//! Shared by the benchmarks: short criterion settings, the spec's examples, and the comparison
//! of each benchmark with the floor measured in the same run.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

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
    let spec = ecommpay_codegen::__private::load_dir(&spec_dir()).expect("the spec loads");
    spec.files
        .iter()
        .flat_map(|f| &f.content.examples)
        .find(|e| e.id == id)
        .map(|e| serde_json::from_str(e.json_text()).expect("examples are JSON"))
        .unwrap_or_else(|| panic!("no example {id}"))
}

/// One benchmark of a comparison: its id, the largest ratio to the floor its goal allows, and
/// one run of the work.
pub struct Bench<'a> {
    pub id: &'static str,
    pub goal: Option<f64>,
    pub run: &'a dyn Fn(),
}

impl<'a> Bench<'a> {
    pub fn new(id: &'static str, run: &'a dyn Fn()) -> Self {
        Self {
            id,
            goal: None,
            run,
        }
    }

    /// At most `ratio` times the floor.
    pub fn goal(mut self, ratio: f64) -> Self {
        self.goal = Some(ratio);
        self
    }
}

/// Measures `floor` and each of `rows` with criterion in group `group`, then each row against
/// the floor in alternating rounds, and prints one table: criterion's time, its ratio to the
/// floor's, and the paired ratio the goal is judged by.
pub fn compare(criterion: &mut Criterion, group: &str, floor: Bench<'_>, rows: &[Bench<'_>]) {
    let mut benchmarks = criterion.benchmark_group(group);
    for bench in std::iter::once(&floor).chain(rows) {
        benchmarks.bench_function(bench.id, |b| b.iter(bench.run));
    }
    benchmarks.finish();
    criterion.final_summary();

    let floor_ns = nanoseconds(group, floor.id);
    println!(
        "\n{group}: against the floor `{}` ({}) of this run",
        floor.id,
        floor_ns.map_or_else(|| "no estimate".to_owned(), human)
    );
    println!(
        "  {:<26} {:>10} {:>8} {:>8} {:>13}  goal",
        "benchmark", "time", "ratio", "paired", "(p25-p75)"
    );
    for row in rows {
        let ns = nanoseconds(group, row.id);
        let paired = paired_ratios(floor.run, row.run);
        let goal = match row.goal {
            Some(max) if paired.median <= max => format!("<= {max}x: met"),
            Some(max) => format!(
                "<= {max}x: MISSED by {:.0}%",
                (paired.median / max - 1.0) * 100.0
            ),
            None => String::new(),
        };
        let ratio = ns.zip(floor_ns).map(|(ns, floor)| ns / floor);
        println!(
            "  {:<26} {:>10} {:>8} {:>7.2}x {:>13}  {goal}",
            row.id,
            ns.map_or_else(|| "-".to_owned(), human),
            ratio.map_or_else(|| "-".to_owned(), |r| format!("{r:.2}x")),
            paired.median,
            format!("({:.2}-{:.2})", paired.p25, paired.p75),
        );
    }
    println!(
        "  ratio: of criterion's estimates, taken seconds apart; paired: the median of up to \
         {MAX_ROUNDS} rounds that time a batch of each side back to back (the order alternating), \
         so load that drifts over seconds moves both sides of a round alike"
    );
}

const MAX_ROUNDS: usize = 201;

struct Paired {
    median: f64,
    p25: f64,
    p75: f64,
}

/// Per round, the candidate's time per run over the floor's, each from a batch of about
/// 0.2 ms (at least one run); their quartiles over the rounds.
fn paired_ratios(floor: &dyn Fn(), candidate: &dyn Fn()) -> Paired {
    fn batch(run: &dyn Fn(), runs: u32) -> f64 {
        let start = Instant::now();
        for _ in 0..runs {
            run();
        }
        start.elapsed().as_secs_f64() / f64::from(runs)
    }
    /// Runs per batch, and the batch's time.
    fn runs_per_batch(run: &dyn Fn()) -> (u32, f64) {
        let once = (0..3).map(|_| batch(run, 1)).fold(f64::MAX, f64::min);
        let runs = ((200e-6 / once) as u32).clamp(1, 1_000_000);
        (runs, once * f64::from(runs))
    }
    let (floor_runs, floor_batch) = runs_per_batch(floor);
    let (candidate_runs, candidate_batch) = runs_per_batch(candidate);
    // Slow work (generation) gets fewer rounds: about two seconds of them, at least 21.
    let rounds = ((2.0 / (floor_batch + candidate_batch)) as usize).clamp(21, MAX_ROUNDS);
    let mut ratios: Vec<f64> = (0..rounds)
        .map(|round| {
            let (floor_time, candidate_time) = if round % 2 == 0 {
                let floor_time = batch(floor, floor_runs);
                (floor_time, batch(candidate, candidate_runs))
            } else {
                let candidate_time = batch(candidate, candidate_runs);
                (batch(floor, floor_runs), candidate_time)
            };
            candidate_time / floor_time
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    let at = |q: f64| ratios[((ratios.len() - 1) as f64 * q).round() as usize];
    Paired {
        median: at(0.5),
        p25: at(0.25),
        p75: at(0.75),
    }
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
