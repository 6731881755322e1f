#!/usr/bin/env bash
# A longer sweep of the hostile corpus (tests/hostile.rs): PER_SEED variants of each kind per
# seed (default 40; the cargo test uses 8). Prints the classes × outcomes table.
set -euo pipefail
cd "$(dirname "$0")/.."
HOSTILE_PER_SEED="${1:-40}" cargo test --release --test hostile -- --ignored --nocapture
