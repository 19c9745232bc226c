#!/usr/bin/env bash
# The idle-CPU floor of this machine: what the least possible agent (heartbeat 50 ms, 3 nodes, 2 networks) costs per
# node, next to bench/agent.sh's figure for the real agent. Extra arguments go to the benchmark: --seconds N.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
dotnet build -c Release -v quiet -nologo bench/Vigil.IdleFloor >/dev/null
exec dotnet bench/Vigil.IdleFloor/bin/Release/net10.0/Vigil.IdleFloor.dll "$@"
