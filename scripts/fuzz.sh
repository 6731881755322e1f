#!/usr/bin/env bash
# Runs every reader fuzz target (fuzz/fuzz_targets: mha, nrrd, nifti, npy, dicom) for SECONDS
# each (default 60), seeded from fuzz/seeds (made by scripts/fuzz_seeds.sh) with the header-key
# dictionaries in fuzz/dict. Fails when a target finds a crash, a hang (> 10 s per input) or an
# allocation over 512 MB; the input is left in fuzz/artifacts/<target>/, the log in
# fuzz/logs/<target>.log. Needs the nightly
# toolchain and cargo-fuzz (`cargo install cargo-fuzz`); says so and exits 0 when missing.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
set -uo pipefail
secs="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(mha nrrd nifti npy dicom)
here="$(cd "$(dirname "$0")/.." && pwd)"
if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "fuzz.sh: no nightly toolchain (rustup toolchain install nightly): fuzzing skipped"
    exit 0
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz.sh: cargo-fuzz missing (cargo install cargo-fuzz): fuzzing skipped"
    exit 0
fi
cd "$here/fuzz" || exit 1
cargo +nightly fuzz build -O || exit 1
failed=()
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t"
    cp -n seeds/"$t"/* "corpus/$t/" 2>/dev/null || true
    echo "== $t: ${secs}s"
    mkdir -p logs
    if ! cargo +nightly fuzz run -O "$t" "corpus/$t" -- \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 \
        -dict="dict/$t.dict" -print_final_stats=1 >"logs/$t.log" 2>&1; then
        grep -E "ERROR|SUMMARY|panic escaped|panicked at|artifact|Test unit written" "logs/$t.log" | head -n 20
        failed+=("$t")
    fi
    grep -E "^stat::(number_of_executed_units|peak_rss_mb)|^Done" "logs/$t.log" || true
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz.sh: crashes in: ${failed[*]} (inputs in fuzz/artifacts/)"
    exit 1
fi
echo "fuzz.sh: no crash in ${targets[*]} (${secs}s each)"
