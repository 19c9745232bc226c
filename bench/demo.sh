#!/usr/bin/env bash
# The demo's failover figures: runs `vigil demo --headless --json` N times (default 10) and prints each run's
# figures, then the median and p90 of each step — "HTTP answering again" is the one in the README.
#   bench/demo.sh        # 10 runs
#   bench/demo.sh 20     # 20 runs
# Needs only the .NET SDK (and bash, awk, sort). Exit 1 if a run failed (its output is kept and named).
set -euo pipefail
runs="${1:-10}"
if ! [[ "$runs" =~ ^[1-9][0-9]*$ ]]; then echo "usage: bench/demo.sh [RUNS]   (RUNS >= 1, default 10)" >&2; exit 2; fi
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

echo "building Release once..." >&2
dotnet build src/Vigil -c Release --nologo -v quiet >&2
vigil=(dotnet "$repo_root/src/Vigil/bin/Release/net10.0/vigil.dll")
logs="$(mktemp -d -t vigil-demo-bench-XXXXXX)"
steps=(failure_detected fenced started_elsewhere http_answering http_lost rejoined failback_running failback_http failback_http_gap)

# The number after "NAME": in a run's one-line JSON, or "-" when the run has no such figure.
figure() { grep -o "\"$1\":[^,}]*" <<<"$2" | head -1 | cut -d: -f2- | tr -d '"' || true; }

echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(dotnet --version)"
printf '%-4s %-7s' run leader
for step in "${steps[@]}"; do printf ' %s' "$step"; done
printf '\n'
failed=0
for ((i = 1; i <= runs; i++)); do
    if json="$("${vigil[@]}" demo --headless --json 2>"$logs/run-$i.log")"; then status=ok; else status=FAILED; fi
    echo "$json" >"$logs/run-$i.json"
    if [[ "$status" != ok ]] || [[ "$(figure ok "$json")" != true ]]; then
        failed=$((failed + 1))
        echo "run $i FAILED ($(figure failed_step "$json")): see $logs/run-$i.log"
        continue
    fi
    printf '%-4s %-7s' "$i" "$(figure leader_at_kill "$json")"
    for step in "${steps[@]}"; do
        value="$(figure "${step}_ms" "$json")"
        printf ' %*s' "${#step}" "${value:--}"
        if [[ -n "$value" ]]; then echo "$value" >>"$logs/$step"; fi
        if [[ -n "$value" && "$step" == http_answering ]]; then
            if [[ "$(figure leader_at_kill "$json")" == n1 ]]; then echo "$value" >>"$logs/http_answering.leader"; else echo "$value" >>"$logs/http_answering.follower"; fi
        fi
    done
    printf '\n'
done

# Median (mean of the two middle values for an even count) and nearest-rank p90 of a file of numbers.
stats() {
    sort -g "$1" | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "-"; exit }
        median = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        p90 = v[int(0.9 * NR + 0.999999)]
        printf "n %2d  median %7.0f ms  p90 %7.0f ms  min %7.0f ms  max %7.0f ms\n", NR, median, p90, v[1], v[NR] }'
}

echo
echo "times after SIGKILL of n1's agent (failover) and after its restart (rejoin), from the agents' event times and the demo's HTTP prober"
for step in "${steps[@]}"; do
    if [[ -f "$logs/$step" ]]; then printf '%-24s %s\n' "$step" "$(stats "$logs/$step")"; fi
done
for kind in leader follower; do
    if [[ -f "$logs/http_answering.$kind" ]]; then printf '%-24s %s\n' "  (n1 was the $kind)" "$(stats "$logs/http_answering.$kind")"; fi
done
if [[ "$failed" -gt 0 ]]; then
    echo "$failed of $runs runs FAILED; their output: $logs"
    exit 1
fi
rm -rf "$logs"
