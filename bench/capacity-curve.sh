#!/usr/bin/env bash
# Capacity curve of the local stack: for each fleet size, a fresh ./run.sh (bench/run-benchmark.sh)
# with a UDP port range wide enough for it, N phones × 30 s calls with batched RTP, every stored
# file checked sample-exact; one markdown table row per size. Stops after the first size at which
# not every call was recorded exactly (refused, lost or inexact), or the benchmark could not run.
#
# Usage: bench/capacity-curve.sh [sizes…]          (default: 500 1000 2000 3000 4000 5000)
#   e.g. bench/capacity-curve.sh 500 1000 2000 3000 3500 4000
# Settings (environment):
#   CURVE_DURATION  media per call                                                    [30s]
#   CURVE_RAMP      all starts spread over this long (stagger = ramp / N), well below
#                   the call length so that every call of a size overlaps              [10s]
#   CURVE_PORT_MIN  first UDP port of ingest's range; the range is sized per run as
#                   max(10000, 2 × N + 200) ports (released ports rest 30 s)           [40000]
#   CURVE_LOCK      a lock file: each size's run is wrapped in `flock $CURVE_LOCK`, so
#                   other load runs can go between two sizes                           [none]
#   CURVE_ARGS      more FleetBenchmark options for every run (e.g. "--rtp sockets")  [none]
# Also every variable of bench/run-benchmark.sh (BENCH_JAVA_OPTS, BENCH_SETTLE, …). The table is
# printed and saved to .local/bench/curve-<time>.md; each run's full report is under .local/bench/.
# Exit status: 0 every size exact, 1 the curve broke at some size, 3 a run could not start.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(500 1000 2000 3000 4000 5000)
DURATION=${CURVE_DURATION:-30s}
RAMP=${CURVE_RAMP:-10s}
PORT_MIN=${CURVE_PORT_MIN:-40000}
read -r -a EXTRA <<< "${CURVE_ARGS:-}"

OUT_DIR=$ROOT/.local/bench
mkdir -p "$OUT_DIR"
TABLE=$OUT_DIR/curve-$(date +%Y%m%d-%H%M%S).md
log() { printf '[curve] %s\n' "$*" >&2; }

[ -f benchmark/target/benchmark.jar ] || { log "benchmark/target/benchmark.jar missing: ./mvnw -B -DskipTests install first"; exit 3; }
# ramp in milliseconds (10s, 1500ms, 0.5m)
ramp_ms=$(awk -v r="$RAMP" 'BEGIN { v = r + 0; if (r ~ /ms$/) print v; else if (r ~ /m$/) print v * 60000; else print v * 1000 }')
{
  echo "Capacity curve, $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores;"
  echo "calls of $DURATION, starts spread over $RAMP, batched RTP${CURVE_ARGS:+, options: $CURVE_ARGS}; command: bench/capacity-curve.sh ${SIZES[*]}"
  echo
  "${JAVA:-java}" -cp benchmark/target/benchmark.jar org.callrec.benchmark.FleetBenchmark --curve-header
} > "$TABLE"
cat "$TABLE"

status=0
for n in "${SIZES[@]}"; do
  stagger=$(awk -v r="$ramp_ms" -v n="$n" 'BEGIN { printf "%.3fms", r / n }')
  ports=$((2 * n + 200)); [ "$ports" -ge 10000 ] || ports=10000
  port_max=$((PORT_MIN + ports - 1))
  if [ "$port_max" -gt 65535 ]; then log "$n calls need ports up to $port_max: lower CURVE_PORT_MIN"; exit 3; fi
  log "$n calls × $DURATION, stagger $stagger, UDP ports $PORT_MIN-$port_max"
  run=(bench/run-benchmark.sh "$n" "$DURATION" --stagger "$stagger" --rtp batched "${EXTRA[@]}")
  [ -z "${CURVE_LOCK:-}" ] || run=(flock "$CURVE_LOCK" "${run[@]}")
  out=$OUT_DIR/curve-run-$n.txt
  set +e
  CALLREC_UDP_PORT_MIN=$PORT_MIN CALLREC_UDP_PORT_MAX=$port_max "${run[@]}" > "$out" 2> "$out.err"
  rc=$?
  set -e
  row=$(sed -n 's/^curve row *//p' "$out" | tail -1)
  if [ -z "$row" ]; then
    log "the run of $n calls printed no report (exit $rc); see $out.err"; tail -20 "$out.err" >&2; exit 3
  fi
  echo "$row" | tee -a "$TABLE"
  if [ "$rc" -ne 0 ]; then
    log "$n calls: not every call was recorded exactly (exit $rc): the curve stops here; report: $out"
    status=1
    break
  fi
done
log "table saved to ${TABLE#"$ROOT"/}"
exit "$status"
