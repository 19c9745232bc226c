#!/usr/bin/env bash
# Interface failover figures, on real interfaces in network namespaces (tests/netns/lab.sh; needs root):
#  1. carrier loss -> the client's next successful ping to the data address: the client pings every 2 ms, the
#     bridge-side peer of the host's d0 is set down (d0 loses its carrier), the figure is the time from that
#     command's return (the carrier is gone then) to the first reply after it; the longest gap between two
#     replies around the cut is printed too. N trials (default 20), median and p99. Between trials d0 comes back
#     and the address fails back (auto, after 10 probe replies).
#  2. probe-based detection: the path behind d0 is cut while its carrier stays up; the figure is the time from
#     the cut to the address appearing on d1 (detection + the move), against failure_detection_time (FDT).
#   bench/ipfailover.sh            # 20 carrier trials, 10 probe trials, FDT 1s
#   bench/ipfailover.sh 30 10 2s
set -euo pipefail
carrier_trials="${1:-20}"
probe_trials="${2:-10}"
fdt="${3:-1s}"
if ! [[ "$carrier_trials" =~ ^[1-9][0-9]*$ && "$probe_trials" =~ ^[0-9]+$ && "$fdt" =~ ^[0-9]+(ms|s)$ ]]; then
    echo "usage: bench/ipfailover.sh [CARRIER_TRIALS] [PROBE_TRIALS] [FDT like 1s or 1500ms]" >&2
    exit 2
fi
[[ $(id -u) == 0 ]] || { echo "bench/ipfailover.sh: needs root (network namespaces)" >&2; exit 2; }
command -v ping >/dev/null || { echo "bench/ipfailover.sh: needs ping (apt-get install iputils-ping)" >&2; exit 2; }
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
fdt_ms=$([[ $fdt == *ms ]] && echo "${fdt%ms}" || echo "$((${fdt%s} * 1000))")

echo "building Release once..." >&2
dotnet build src/Vigil -c Release --nologo -v quiet >&2
vigil="$repo_root/src/Vigil/bin/Release/net10.0/vigil.dll"
lab=vb$((RANDOM % 9000 + 1000))
work="$(mktemp -d -t vigil-ip-bench-XXXXXX)"
agent_pid=""
cleanup() {
    [[ -n $agent_pid ]] && kill -9 "$agent_pid" 2>/dev/null || true
    bash tests/netns/lab.sh down "$lab"
    rm -rf "$work"
}
trap cleanup EXIT
bash tests/netns/lab.sh up "$lab"

head -c 32 /dev/urandom | base64 >"$work/cluster.key"
chmod 600 "$work/cluster.key"
printf '#!/bin/sh\nexit 0\n' >"$work/fence-ok"
chmod +x "$work/fence-ok"
cat >"$work/cluster.yaml" <<EOF
cluster: { name: ipbench, id: 78, key_file: cluster.key, timing: { heartbeat_interval: 100ms, dead_after: 5 } }
networks: [ { name: mgmt } ]
nodes:
  - { name: h1, addresses: { mgmt: 10.60.0.1:7400 }, api: 127.0.0.1:7501, fence: { device: fencer, port: h1 } }
fence_devices: [ { name: fencer, agent: script, params: { command: fence-ok, timeout: 5s } } ]
resources: [ { name: web-ip, type: ip_address, params: { address: 10.50.0.100/24, interface_group: public } } ]
failover_policies: [ { name: p, domain: [h1], script: ordered, failback: controlled } ]
resource_groups: [ { name: ipgroup, resources: [web-ip], policy: p } ]
interface_groups:
  - name: public
    node: h1
    interfaces:
      - { name: d0, test_address: 10.50.0.11/24, backup: d1 }
      - { name: d1, test_address: 10.50.0.12/24, backup: d0 }
    detection: { link: true, probes: true, failure_detection_time: $fdt, targets: [10.50.0.1] }
    failback: auto
EOF
(cd "$work" && exec ip netns exec "$lab-h1" dotnet "$vigil" agent --config cluster.yaml --node h1 >"$work/agent.log" 2>&1) &
agent_pid=$!

on() { ip -n "$lab-h1" -o addr show dev "$1" | grep -q ' 10\.50\.0\.100/'; }
now_ms() { date +%s%3N; }
# wait_for SECONDS COMMAND…: polls every 10 ms
wait_for() {
    local deadline=$(($(now_ms) + $1 * 1000))
    shift
    until "$@"; do
        (($(now_ms) < deadline)) || return 1
        sleep 0.01
    done
}
home_and_reachable() { on d0 && ! on d1 && ip netns exec "$lab-c" ping -c 1 -W 1 10.50.0.100 >/dev/null 2>&1; }

wait_for 60 home_and_reachable || { echo "the address never came up on d0; agent log:" >&2; cat "$work/agent.log" >&2; exit 1; }
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), FDT $fdt"

stats() { # NAME: reads numbers (ms) on stdin, prints median, p99, min, max
    sort -n | awk -v name="$1" '{ v[NR] = $1 } END {
        if (NR == 0) { print name ": no data"; exit }
        p99 = int(0.99 * NR + 0.999); if (p99 < 1) p99 = 1; if (p99 > NR) p99 = NR
        med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%s: median %.1f ms, p99 %.1f ms, min %.1f ms, max %.1f ms (n=%d)\n", name, med, v[p99], v[1], v[NR], NR }'
}

carrier=()
for ((i = 1; i <= carrier_trials; i++)); do
    wait_for 30 home_and_reachable || { echo "trial $i: the address did not come home; agent log:" >&2; tail -30 "$work/agent.log" >&2; exit 1; }
    sleep 0.3
    ip netns exec "$lab-c" ping -D -n -i 0.002 -W 1 10.50.0.100 >"$work/ping.txt" 2>&1 &
    ping_pid=$!
    sleep 0.3
    ip -n "$lab-br" link set h1d0 down
    cut=$(date +%s.%N) # when ip returns, d0 has lost its carrier
    wait_for 10 on d1 || true
    sleep 0.3
    kill "$ping_pid" 2>/dev/null || true
    wait "$ping_pid" 2>/dev/null || true
    gap=$(awk -v cut="$cut" '/bytes from/ { t = substr($1, 2, length($1) - 2) + 0; if (t > cut) { printf "%.1f", (t - cut) * 1000; exit } }' "$work/ping.txt")
    outage=$(awk '/bytes from/ { t = substr($1, 2, length($1) - 2) + 0; if (p && t - p > g) g = t - p; p = t } END { printf "%.1f", g * 1000 }' "$work/ping.txt")
    printf 'carrier trial %2d: %s ms (longest gap between replies %s ms)\n' "$i" "${gap:-none}" "$outage"
    [[ -n $gap ]] && carrier+=("$gap")
    ip -n "$lab-br" link set h1d0 up
done

probe=()
for ((i = 1; i <= probe_trials; i++)); do
    wait_for 30 home_and_reachable || { echo "probe trial $i: the address did not come home; agent log:" >&2; tail -30 "$work/agent.log" >&2; exit 1; }
    sleep $((2 * fdt_ms / 1000 + 1)) # 10 probe replies since the repair, and a random probe phase
    sleep "0.$((RANDOM % 1000))"
    start=$(now_ms)
    ip -n "$lab-br" link set h1d0 nomaster
    if wait_for $((3 * fdt_ms / 1000 + 5)) on d1; then
        took=$(($(now_ms) - start))
        printf 'probe trial %2d: %d ms (%.2f x FDT)\n' "$i" "$took" "$(awk -v t="$took" -v f="$fdt_ms" 'BEGIN { print t / f }')"
        probe+=("$took")
    else
        printf 'probe trial %2d: not detected\n' "$i"
    fi
    ip -n "$lab-br" link set h1d0 master br0
done

echo
printf '%s\n' "${carrier[@]}" | stats "carrier loss -> client's next ping reply"
if ((${#probe[@]} > 0)); then
    printf '%s\n' "${probe[@]}" | stats "probe-based detection + move (FDT $fdt_ms ms)"
    printf '%s\n' "${probe[@]}" | sort -n | awk -v f="$fdt_ms" '{ v[NR] = $1 } END {
        med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "probe-based detection median / FDT = %.2f (target 0.80-1.20)\n", med / f }'
fi
