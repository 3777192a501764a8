//! Generating the Rust of the whole spec (what `ecommpay-api`'s build script does) and of a
//! spec ten times larger (every method repeated under new ids, in memory), against the whole
//! spec as the floor: growth must stay linear (at most 10x the time for 10x the operations).

mod common;

use common::Bench;

use std::hint::black_box;
use std::time::Duration;

const GROUP: &str = "generation";

fn generate(files: &[(String, String)]) -> usize {
    let generated = ecommpay_codegen::Generator::from_sources(
        files.iter().map(|(n, t)| (n.as_str(), t.as_str())),
    )
    .rust()
    .expect("the spec generates");
    generated.iter().map(|f| f.contents.len()).sum()
}

fn main() {
    let mut criterion = common::criterion()
        .sample_size(10)
        .measurement_time(Duration::from_secs(3));
    let once = ecommpay_tests::multiplied_spec(1);
    let ten = ecommpay_tests::multiplied_spec(10);
    let (small, large) = (generate(&once), generate(&ten));

    let whole_spec = || {
        black_box(generate(black_box(&once)));
    };
    let ten_times = || {
        black_box(generate(black_box(&ten)));
    };
    common::compare(
        &mut criterion,
        GROUP,
        Bench::new("whole_spec", &whole_spec),
        &[Bench::new("spec_ten_times_larger", &ten_times).goal(10.0)],
    );
    println!(
        "  output: {small} bytes, then {large} ({:.1}x; shared types are generated once)",
        large as f64 / small as f64
    );
}
