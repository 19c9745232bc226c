#!/usr/bin/env bash
# Runs every Vigil test (unit, simulator, CLI) and prints one closing line "tests: N passed, N failed".
# Needs only the .NET SDK today; later issues add their system packages to .ci/run.
set -uo pipefail
cd "$(dirname "$0")"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
dotnet test Vigil.slnx -c Release --nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
sum() { grep -oE "$1: +[0-9]+" "$log" | awk '{ s += $2 } END { print s + 0 }'; }
passed=$(sum Passed)
failed=$(sum Failed)
echo "tests: ${passed:-0} passed, ${failed:-0} failed"
if [ "$status" -ne 0 ] || [ "${failed:-0}" != "0" ] || [ "${passed:-0}" = "0" ]; then
  exit 1
fi
