#!/usr/bin/env bash
# Parity of the resample examples with scipy.ndimage (see parity_resample.py).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/pyenv.sh
cargo build --release --examples
target_dir=${CARGO_TARGET_DIR:-target}
"$PY" scripts/parity_resample.py "$target_dir/release/examples"
