#!/usr/bin/env bash
# Runs every Vigil test (unit, simulator, CLI) and prints one closing line "tests: N passed, N failed".
# Needs the .NET SDK (and root with apt for the agent packages below); the real-cluster tests start agents on 127.0.0.1.
set -uo pipefail
cd "$(dirname "$0")"
# The tests run real OCF agents (resource-agents: Dummy, IPaddr2, ethmonitor — which needs arping) and fence
# agents (fence-agents: fence_dummy), and the interface tests ping from a network namespace (iputils-ping); as root with apt they are installed here when missing, else those tests fail saying what to install.
if [ ! -x /usr/lib/ocf/resource.d/heartbeat/Dummy ] || [ ! -x /usr/sbin/fence_dummy ] || ! command -v ip >/dev/null 2>&1 \
   || ! command -v arping >/dev/null 2>&1 || ! command -v ping >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing resource-agents fence-agents iproute2 iputils-arping iputils-ping (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq resource-agents fence-agents iproute2 iputils-arping iputils-ping >/dev/null \
      || echo "test.sh: apt-get failed; the OCF and fence agent tests will fail"
  else
    echo "test.sh: resource-agents, fence-agents, iproute2, arping or ping missing and cannot install them (needs root and apt-get)"
  fi
fi
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
