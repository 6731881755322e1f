#!/usr/bin/env bash
# Every parity script in turn (volume-io, morph3d, resample, lungseg, geometry, seeds); fails if any fails.
# Needs ../shared (data and the oracle); creates the Python venv on first use.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ ! -d ../shared/data ]; then
  echo "parity: ../shared/data is absent; skipping the parity scripts"
  exit 0
fi
source scripts/pyenv.sh || exit 1
status=0
for area in io morph3d resample lungseg geometry seeds; do
  if [ -f "scripts/parity_$area.sh" ]; then
    echo "=== parity: $area"
    start=$SECONDS
    bash "scripts/parity_$area.sh" || { echo "=== parity: $area FAILED"; status=1; }
    echo "=== parity: $area took $((SECONDS - start)) s"
  fi
done
exit $status
