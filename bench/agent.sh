#!/usr/bin/env bash
# Agent benchmarks: leader failover, config commit latency, RSS and idle CPU (3 real agents on loopback).
# Extra arguments go to the benchmark, e.g.: bench/agent.sh --trials 30 --idle-seconds 60
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
exec dotnet run -c Release --project bench/Vigil.AgentBench -- "$@"
