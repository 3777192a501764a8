//! Every fuzz target's body (`ecommpay_tests::fuzz`, what `fuzz/` runs under libFuzzer) over its
//! seed corpus (the spec's examples) and a few thousand deterministic pseudo-random mutations of
//! it: no panic, no failed property, in bounded time. The stable stand-in for `cargo fuzz`
//! where no nightly toolchain is installed; CI runs the real fuzzer briefly when one is.

mod support;

use std::time::{Duration, Instant};

use ecommpay_api::SecretKey;
use ecommpay_api::signature::MessageKind;
use ecommpay_api::signature::low_level::embed;
use ecommpay_tests::fuzz;
use ecommpay_tests::mutate::{Rng, mutate_bytes};
use serde_json::Value;

use support::{cases, load_spec};

const MUTATIONS: usize = 3_000;
/// Far above what a run takes in debug on a slow machine: a time bound, not a speed test.
const BOUND: Duration = Duration::from_secs(60);

/// The spec's examples as bodies, the callbacks also signed as the platform would sign them.
fn json_seeds() -> Vec<Vec<u8>> {
    let key = SecretKey::new(fuzz::FUZZ_KEY).unwrap();
    let mut seeds = Vec::new();
    for case in cases(&load_spec()) {
        seeds.push(serde_json::to_vec(&case.json).unwrap());
        if case.kind == ecommpay_codegen::__private::ExampleKind::Callback {
            let mut signed = case.json.clone();
            if let Ok(signature) = key.sign_json(&signed)
                && embed(&mut signed, MessageKind::Callback, &signature).is_ok()
            {
                seeds.push(serde_json::to_vec(&signed).unwrap());
            }
        }
    }
    seeds
}

fn run(name: &str, seeds: &[Vec<u8>], body: fn(&[u8])) {
    run_n(name, seeds, body, MUTATIONS);
}

fn run_n(name: &str, seeds: &[Vec<u8>], body: fn(&[u8]), mutations: usize) {
    assert!(!seeds.is_empty(), "{name}: no seeds");
    let started = Instant::now();
    let mut rng = Rng::new(0x5eed ^ name.len() as u64);
    for seed in seeds {
        body(seed);
    }
    for _ in 0..mutations {
        let input = rng.pick(seeds).clone();
        let other = rng.pick(seeds).clone();
        let mutated = mutate_bytes(&mut rng, &input, &other);
        // Mutate again now and then, as a fuzzer stacks mutations on its finds.
        let mutated = if rng.below(3) == 0 {
            mutate_bytes(&mut rng, &mutated, &other)
        } else {
            mutated
        };
        body(&mutated);
    }
    let took = started.elapsed();
    assert!(took < BOUND, "{name}: {took:?}");
    eprintln!(
        "{name}: {} seeds and {mutations} mutations in {took:?}",
        seeds.len()
    );
}

/// Seeds of the `validate_json` target: the first byte picks the operation, so each example
/// is prefixed with its own operation's index.
fn validate_seeds() -> Vec<Vec<u8>> {
    let spec = load_spec();
    cases(&spec)
        .into_iter()
        .filter_map(|case| {
            let index = ecommpay_api::OPERATIONS
                .iter()
                .position(|e| e.id() == case.operation)?;
            let mut seed = vec![u8::try_from(index).ok()?];
            seed.extend(serde_json::to_vec(&case.json).unwrap());
            Some(seed)
        })
        .collect()
}

/// Seeds of the `canonical_writer` target: JSON messages, and writer operations.
fn writer_seeds() -> Vec<Vec<u8>> {
    let mut seeds = json_seeds();
    seeds.extend([
        vec![12, 0, 5, 9, 16, 21, 9, 13],
        (0u8..=255).collect(),
        vec![14, 1, 5, 9, 17, 8, 9, 15],
    ]);
    seeds
}

/// Seeds of the `formats` target: every string of the examples.
fn format_seeds() -> Vec<Vec<u8>> {
    let mut seeds: Vec<Vec<u8>> = Vec::new();
    fn strings(value: &Value, out: &mut Vec<Vec<u8>>) {
        match value {
            Value::String(s) => out.push(s.as_bytes().to_vec()),
            Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
            Value::Object(members) => members.values().for_each(|v| strings(v, out)),
            _ => {}
        }
    }
    for case in cases(&load_spec()) {
        strings(&case.json, &mut seeds);
    }
    seeds.sort();
    seeds.dedup();
    seeds
}

/// Seeds of the `payment_page_url` target: the Payment Page examples as signed URLs.
fn url_seeds() -> Vec<Vec<u8>> {
    let key = SecretKey::new(fuzz::FUZZ_KEY).unwrap();
    let spec = load_spec();
    let mut seeds = Vec::new();
    for case in cases(&spec) {
        if let Ok(url) = ecommpay_api::payment_page::PaymentPageUrl::from_value(&case.json)
            .and_then(|u| u.to_url(&key))
        {
            seeds.push(url.into_bytes());
        }
    }
    seeds.push(b"https://paymentpage.ecommpay.com/payment?project_id=1&signature=x".to_vec());
    seeds
}

#[test]
fn callback_bytes() {
    run("callback_bytes", &json_seeds(), fuzz::callback_bytes);
}

#[test]
fn callback_resigned() {
    run("callback_resigned", &json_seeds(), fuzz::callback_resigned);
}

#[test]
fn validate_json() {
    run("validate_json", &validate_seeds(), fuzz::validate_json);
}

#[test]
fn canonical_writer() {
    // Each input is written and signed ten times over (orders, kinds, streaming or not).
    run_n(
        "canonical_writer",
        &writer_seeds(),
        fuzz::canonical_writer,
        500,
    );
}

#[test]
fn formats() {
    run("formats", &format_seeds(), fuzz::formats);
}

#[test]
fn payment_page_url() {
    run("payment_page_url", &url_seeds(), fuzz::payment_page_url);
}

/// Writes the seed corpora of `fuzz/` (`fuzz/corpus/<target>/`), from the spec's examples:
/// `cargo test -p ecommpay-tests --test fuzz_bodies -- --ignored write_seed_corpora`
/// (`fuzz/run.sh` does it before fuzzing).
#[test]
#[ignore = "writes files; run by fuzz/run.sh"]
fn write_seed_corpora() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus");
    let corpora: [(&str, Vec<Vec<u8>>); 6] = [
        ("callback_bytes", json_seeds()),
        ("callback_resigned", json_seeds()),
        ("validate_json", validate_seeds()),
        ("canonical_writer", writer_seeds()),
        ("formats", format_seeds()),
        ("payment_page_url", url_seeds()),
    ];
    for (target, seeds) in corpora {
        let dir = root.join(target);
        std::fs::create_dir_all(&dir).unwrap();
        for (i, seed) in seeds.iter().enumerate() {
            std::fs::write(dir.join(format!("seed-{i:04}")), seed).unwrap();
        }
    }
}
