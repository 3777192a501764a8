#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for SECONDS each (default 30) from seed corpora
# written from the spec's examples. Needs a nightly toolchain (it installs the pinned cargo-fuzz
# itself); without nightly, or when cargo-fuzz cannot be installed, it says so and exits 0, so that
# CI can call it everywhere:
#   fuzz/run.sh [SECONDS] [TARGET...]
# Findings are left in fuzz/artifacts/<target>/ and make the script fail.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-30}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(callback_bytes callback_resigned validate_json canonical_writer formats payment_page_url)
fi

if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    echo "fuzz: skipped: no nightly toolchain (rustup toolchain install nightly); the targets' bodies ran as tests/tests/fuzz_bodies.rs"
    exit 0
fi
# cargo-fuzz is installed here, pinned, so that a fresh machine runs the targets too; cargo
# install does nothing when this version is already there.
cargo_fuzz_version=0.13.2
if [ "$(cargo +nightly fuzz --version 2>/dev/null)" != "cargo-fuzz $cargo_fuzz_version" ]; then
    echo "fuzz: installing cargo-fuzz $cargo_fuzz_version (cargo install --locked)"
    if ! cargo install --quiet --locked --version "$cargo_fuzz_version" cargo-fuzz; then
        echo "fuzz: skipped: cargo install cargo-fuzz $cargo_fuzz_version failed (see above); the targets' bodies ran as tests/tests/fuzz_bodies.rs"
        exit 0
    fi
fi

echo "fuzz: writing the seed corpora from the spec's examples"
cargo test --quiet -p ecommpay-tests --test fuzz_bodies -- --ignored write_seed_corpora >/dev/null

cd fuzz
echo "fuzz: building the targets (nightly, sanitizers)"
cargo +nightly fuzz build --release >build.log 2>&1 || {
    tail -n 30 build.log
    exit 1
}
for target in "${targets[@]}"; do
    echo "fuzz: $target for ${seconds}s"
    mkdir -p "corpus/$target" "artifacts/$target"
    # -rss_limit_mb bounds memory per input; -max_len lets callbacks grow past a few KiB.
    status=0
    cargo +nightly fuzz run --release "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 >"run-$target.log" 2>&1 || status=$?
    grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' "run-$target.log" || true
    if [ "$status" -ne 0 ] || compgen -G "artifacts/$target/*" >/dev/null; then
        grep -E 'panicked|ERROR|SUMMARY' "run-$target.log" | head -n 20 >&2 || true
        echo "fuzz: $target: FINDING (exit $status), see fuzz/artifacts/$target/ and fuzz/run-$target.log" >&2
        exit 1
    fi
done
echo "fuzz: no finding"
