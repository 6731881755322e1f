#!/usr/bin/env bash
# Every scripts/parity_seeds_*.py in turn (issue 13: the seed documents' methods against
# ../shared/reference/seeds_ref.py); fails if any fails.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/pyenv.sh || exit 1
cargo build --release --bin lungprep || exit 1
status=0
for f in scripts/parity_seeds_*.py; do
  [ -f "$f" ] || continue
  echo "=== $f"
  "$PY" "$f" --bin target/release/lungprep "$@" || { echo "=== $f FAILED"; status=1; }
done
exit $status
