#!/usr/bin/env bash
# Parity of examples/read_volume with the oracle's loaders (pydicom / SimpleITK) on every
# DICOM series and volume in ../shared/data; exits non-zero on any mismatch.
#   LUNGPREP_VENV=/path/to/venv scripts/parity_io.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ ! -d "$root/../shared/data" ]; then
  echo "parity_io: $root/../shared/data is absent; skipping"
  exit 0
fi
# shellcheck source=/dev/null
source "$root/scripts/pyenv.sh"
cd "$root"
cargo build --release --examples
target=${CARGO_TARGET_DIR:-$root/target}
"$PY" "$root/scripts/parity_io.py" "$target/release/examples/read_volume" --data "$root/../shared/data" "$@"
