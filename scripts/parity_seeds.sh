#!/usr/bin/env bash
# The seeds' methods other than grt123 (seeds_ref.py) against `lungprep`: runs every
# scripts/parity_seeds_*.py in turn and fails if any fails. Arguments go to each script
# (e.g. --oracle-cache DIR).
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/pyenv.sh || exit 1
cargo build --release --bin lungprep || exit 1
status=0
for s in scripts/parity_seeds_*.py; do
  [ -f "$s" ] || continue
  echo "--- $s"
  "$PY" "$s" --bin target/release/lungprep "$@" || { echo "--- $s FAILED"; status=1; }
done
exit $status
