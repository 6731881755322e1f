#!/usr/bin/env bash
# Parity of the morph3d examples with scipy / scikit-image; exits non-zero on any mismatch.
#   LUNGPREP_VENV=/path/to/venv scripts/parity_morph3d.sh [--quick]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=/dev/null
source "$root/scripts/pyenv.sh"
cd "$root"
cargo build --release --examples
target=${CARGO_TARGET_DIR:-$root/target}
"$PY" "$root/scripts/parity_morph3d.py" "$target/release/examples" --data "$root/../shared/data" "$@"
