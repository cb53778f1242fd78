#!/usr/bin/env bash
# The side-by-side benchmark (see Benchmarks/run.py): one command from a fresh clone.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 Benchmarks/run.py "$@"
