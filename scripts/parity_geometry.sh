#!/usr/bin/env bash
# World-geometry parity: every input kind and orientation in ../shared/data (plus NIfTI made
# with SimpleITK at run time) converted to every output format and run through
# `prep --masks --clean-nifti`; outputs resampled onto the source in world space with
# SimpleITK. Prints a table; exits non-zero on any miss. Skips when ../shared/data is absent.
#   LUNGPREP_VENV=/path/to/venv scripts/parity_geometry.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ ! -d "$root/../shared/data" ]; then
  echo "parity_geometry: $root/../shared/data is absent; skipping"
  exit 0
fi
# shellcheck source=/dev/null
source "$root/scripts/pyenv.sh"
cd "$root"
cargo build --release --bin lungprep
target=${CARGO_TARGET_DIR:-$root/target}
"$PY" "$root/scripts/parity_geometry.py" --bin "$target/release/lungprep" --data "$root/../shared/data" "$@"
