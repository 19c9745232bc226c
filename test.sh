#!/usr/bin/env bash
# Runs every Vigil test (unit, simulator, CLI) and prints one closing line "tests: N passed, N failed".
# Needs only the .NET SDK; the real-cluster tests start agents on 127.0.0.1.
set -uo pipefail
cd "$(dirname "$0")"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Build in parallel, then run the test projects one at a time (-m:1): the real-cluster tests keep their
# timing honest instead of competing for 2 cores with the simulator's random runs.
dotnet build Vigil.slnx -c Release --nologo -v quiet 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if [ "$status" -eq 0 ]; then
  dotnet test Vigil.slnx -c Release --nologo --no-build -m:1 2>&1 | tee -a "$log"
  status=${PIPESTATUS[0]}
fi
sum() { grep -oE "$1: +[0-9]+" "$log" | awk '{ s += $2 } END { print s + 0 }'; }
passed=$(sum Passed)
failed=$(sum Failed)
echo "tests: ${passed:-0} passed, ${failed:-0} failed"
if [ "$status" -ne 0 ] || [ "${failed:-0}" != "0" ] || [ "${passed:-0}" = "0" ]; then
  exit 1
fi
