#!/usr/bin/env bash
# grt123 oracle vs `lungprep` on every real scan in ../shared/data and the phantom.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pyenv.sh
cargo build --release --bin lungprep
"$PY" scripts/parity_lungseg.py --bin target/release/lungprep "$@"
