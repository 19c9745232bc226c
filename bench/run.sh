#!/usr/bin/env bash
# Runs the Vigil benchmarks in Release from the repository root (works from any directory).
# Extra arguments go to the benchmark, e.g.: bench/run.sh --trials 500 --warmup 50
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
exec dotnet run -c Release --project bench/Vigil.Bench -- "$@"
