#!/usr/bin/env bash
# Holds many idle connections on control's phone port, then floods it from clients that never
# read, and prints control's heap and RSS before and after each (BENCHMARKS.md, "Phone port
# under attack"). Runs control-service alone (no ingest node: every start would be no-capacity,
# which the attacks do not need), with -Xmx512m as in the issue's OutOfMemoryError report.
# Usage: bench/admission-flood.sh [IDLE_CONNECTIONS] [SOURCES] [FLOODERS] [FLOOD_SECONDS]
#   defaults 9000 connections from 20 sources (127.0.0.10…29), 20 flooders for 20 s
# Needs control-service/target/quarkus-app (./mvnw -B -pl control-service -am package -DskipTests).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-9000}; SOURCES=${2:-20}; FLOODERS=${3:-20}; SECONDS_=${4:-20}
PORT=${BENCH_CONTROL_PORT:-19000}; MGMT=${BENCH_CONTROL_MANAGEMENT:-19081}; HTTP=${BENCH_CONTROL_HTTP:-19080}
JAR=control-service/target/quarkus-app/quarkus-run.jar
[ -f "$JAR" ] || { echo "missing $JAR: ./mvnw -B -pl control-service -am package -DskipTests" >&2; exit 2; }
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
OUT=.local/bench; mkdir -p "$OUT"; LOG="$OUT/admission-control-$(date +%Y%m%d-%H%M%S).log"

java -Xmx512m -Dquarkus.http.port="$HTTP" -Dquarkus.management.port="$MGMT" -Dcontrol.port="$PORT" \
  -Dcontrol.ingest.nodes=http://127.0.0.1:9 -Dquarkus.log.console.json.enabled=false -jar "$JAR" > "$LOG" 2>&1 &
PID=$!
trap 'kill -TERM $PID 2>/dev/null || true; wait $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do (exec 3<>"/dev/tcp/127.0.0.1/$MGMT") 2>/dev/null && break; sleep 0.1; done

heap() { curl -s "http://127.0.0.1:$MGMT/q/metrics" | awk '/^jvm_memory_used_bytes\{area="heap"/ {s+=$NF} END {printf "%.1f MiB", s/1048576}'; }
rss() { awk '/VmRSS/ {printf "%.1f MiB", $2/1024}' "/proc/$PID/status"; }
gauge() { curl -s "http://127.0.0.1:$MGMT/q/metrics" | awk -v m="$1" '$1 ~ "^"m {print $NF; exit}'; }
report() { # label
  jcmd "$PID" GC.run > /dev/null 2>&1 || true
  printf '%-28s heap after GC %-10s RSS %-10s connections %s, paused %s\n' "$1" "$(heap)" "$(rss)" \
    "$(gauge callrec_control_connections_active)" "$(gauge callrec_control_connections_reading_paused)"
}
refusals() { curl -s "http://127.0.0.1:$MGMT/q/metrics" | grep '^callrec_control_admission_refusals_total' | grep -v ' 0.0$' || true; }

echo "control-service pid $PID, descriptor limit $(ulimit -n), limit in force $(gauge callrec_control_connections_limit)"
report "idle, nothing connected"
java bench/AdmissionFlood.java idle "$PORT" "$N" "$SOURCES" 15 | while read -r line; do
  echo "$line"
  if [ "$line" = HOLDING ]; then sleep 2; report "holding idle connections"; fi
done
sleep 2; report "idle connections closed"
java bench/AdmissionFlood.java flood "$PORT" "$FLOODERS" "$SECONDS_" | tail -3
report "after the small-command flood"
java bench/AdmissionFlood.java flood "$PORT" "$FLOODERS" "$SECONDS_" big | while read -r line; do
  echo "$line"
  case "$line" in *"so far"*) seen=$(( ${seen:-0} + 1 )); [ "$seen" = 5 ] && report "during the 4 KB flood (5 s)" ;; esac
done | grep -v "so far" || true
report "after the 4 KB flood"
echo "refusals:"; refusals
echo "control's log: $LOG"
