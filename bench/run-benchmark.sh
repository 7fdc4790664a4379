#!/usr/bin/env bash
# Fleet benchmark of the local stack: starts ./run.sh (Kafka + S3 + PostgreSQL and the services),
# waits for READY, runs N simulated phones with FleetBenchmark, prints its report, saves every
# service's metrics beside it, stops the stack.
#
# Usage: bench/run-benchmark.sh [phones=200] [duration=20s] [extra FleetBenchmark options…]
#   e.g. bench/run-benchmark.sh 50 10s --stagger 10ms --codec PCMU
#
# Ports and credentials come from the same variables as run.sh (CALLREC_CONTROL_PORT,
# CALLREC_KAFKA_PORT, CALLREC_S3_HOST, CALLREC_S3_PORT, CALLREC_S3_BUCKET,
# CALLREC_S3_ACCESS_KEY, CALLREC_S3_SECRET_KEY, and the management ports
# CALLREC_CONTROL_MANAGEMENT_PORT, CALLREC_INGEST_MANAGEMENT_PORT, CALLREC_STORAGE_MANAGEMENT_PORT,
# CALLREC_CATALOG_MANAGEMENT_PORT).
# Also:
#   BENCH_READY_TIMEOUT  seconds to wait for run.sh's READY line     [300]
#   BENCH_STOP_TIMEOUT   seconds to wait for run.sh to stop            [120]
#   BENCH_SETTLE         at most this many seconds after READY, wait until the stack's processes
#                        together use less than BENCH_SETTLE_CPU % of one core (the fresh JVMs
#                        are still compiling and creating topics)               [90]
#   BENCH_SETTLE_CPU     see BENCH_SETTLE                                       [25]
#   BENCH_WARMUP         "phones duration stagger" of a warm-up fleet run first on the same stack
#                        (JIT), its report saved beside the run's, not judged; empty: none   []
#   BENCH_JAVA_OPTS      JVM options of the benchmark                  [-XX:+UseSerialGC]
#   CONTROL_ADMISSION_START_BURST  control's start burst per source        [10000]
#     (every simulated phone calls from 127.0.0.1: control's default burst of 100 starts per
#     source would refuse most of a fleet started 25 ms apart as rate-limited; this measures
#     capacity, not admission control — bench/admission-flood.sh does that)
#   CONTROL_ADMISSION_MAX_CONNECTIONS_PER_SOURCE, CONTROL_ADMISSION_MAX_OPEN_RECORDINGS_PER_SOURCE
#     control's per-source caps (500 connections, 400 open recordings): for the same reason
#     raised to                                                              [100000]
# The report (text + one JSON line) is also saved under .local/bench/. The exit status is the
# benchmark's: 0 every call recorded and verified, 1 not, 2 usage error, 3 could not run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

PHONES=${1:-200}
DURATION=${2:-20s}
shift $(( $# < 2 ? $# : 2 ))

# shellcheck source=../scripts/local-env.sh
. "$ROOT/scripts/local-env.sh"   # the same settings as run.sh
READY_TIMEOUT=${BENCH_READY_TIMEOUT:-300}
STOP_TIMEOUT=${BENCH_STOP_TIMEOUT:-120}
read -r -a JAVA_OPTS <<< "${BENCH_JAVA_OPTS:--XX:+UseSerialGC}"

OUT_DIR=$STATE_DIR/bench
mkdir -p "$OUT_DIR" "$LOG_DIR"
STAMP=$(date +%Y%m%d-%H%M%S)
STACK_LOG=$OUT_DIR/run-$STAMP.log
REPORT=$OUT_DIR/benchmark-$STAMP.txt

log() { printf '[bench] %s\n' "$*" >&2; }

# A stack that is already up would hold the ports and skew the CPU figures: refuse.
for f in "$RUN_DIR"/*.pid; do
  [ -f "$f" ] || continue
  if kill -0 "$(cat "$f")" 2>/dev/null; then
    log "a stack is already running ($(basename "$f" .pid), pid $(cat "$f")): stop it first (Ctrl-C in its ./run.sh)"
    exit 3
  fi
done

# Build only when something is missing (the jars run.sh needs, and the benchmark's).
needed=(benchmark/target/benchmark.jar
        phone-simulator/target/phone-simulator.jar
        control-service/target/quarkus-app/quarkus-run.jar
        media-ingest-service/target/quarkus-app/quarkus-run.jar
        storage-service/target/quarkus-app/quarkus-run.jar
        embedded-infra/target/classpath.txt)
missing=()
for f in "${needed[@]}"; do [ -f "$f" ] || missing+=("$f"); done
if [ ${#missing[@]} -gt 0 ]; then
  log "building (missing: ${missing[*]}): ./mvnw -B -DskipTests package"
  if ! ./mvnw -B -DskipTests package > "$LOG_DIR/bench-build.log" 2>&1; then
    log "build failed, see $LOG_DIR/bench-build.log"; tail -30 "$LOG_DIR/bench-build.log" >&2; exit 3
  fi
fi

# Start the stack in the background; whatever happens next, stop it on the way out.
RUN_PID=
stop_stack() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$RUN_PID" ] && kill -0 "$RUN_PID" 2>/dev/null; then
    log "stopping the stack (run.sh pid $RUN_PID) …"
    kill -TERM "$RUN_PID" 2>/dev/null || true
    local waited=0
    while kill -0 "$RUN_PID" 2>/dev/null && [ "$waited" -lt $((STOP_TIMEOUT * 10)) ]; do
      sleep 0.1; waited=$((waited + 1))
    done
    if kill -0 "$RUN_PID" 2>/dev/null; then
      log "run.sh (pid $RUN_PID) still running after ${STOP_TIMEOUT} s; services: $(cat "$RUN_DIR"/*.pid 2>/dev/null | tr '\n' ' ')"
    else
      wait "$RUN_PID" 2>/dev/null || true
      log "stack stopped"
    fi
  fi
  exit "$status"
}
trap stop_stack EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export CONTROL_ADMISSION_START_BURST=${CONTROL_ADMISSION_START_BURST:-10000}
export CONTROL_ADMISSION_MAX_CONNECTIONS_PER_SOURCE=${CONTROL_ADMISSION_MAX_CONNECTIONS_PER_SOURCE:-100000}
export CONTROL_ADMISSION_MAX_OPEN_RECORDINGS_PER_SOURCE=${CONTROL_ADMISSION_MAX_OPEN_RECORDINGS_PER_SOURCE:-100000}
log "starting ./run.sh (log: ${STACK_LOG#"$ROOT"/}; control.admission.start-burst $CONTROL_ADMISSION_START_BURST)"
./run.sh > "$STACK_LOG" 2>&1 &
RUN_PID=$!

# Wait for its READY line (LocalInfra's own "INFRA READY" goes to the infra log, not here).
deadline=$((SECONDS + READY_TIMEOUT))
until grep -v 'INFRA READY' "$STACK_LOG" 2>/dev/null | grep -q 'READY'; do
  if ! kill -0 "$RUN_PID" 2>/dev/null; then
    log "run.sh exited before READY; last lines of its output:"; tail -30 "$STACK_LOG" >&2
    RUN_PID=; exit 3
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    log "no READY from run.sh within ${READY_TIMEOUT} s; last lines of its output:"; tail -30 "$STACK_LOG" >&2
    exit 3
  fi
  sleep 0.5
done
# A fresh stack keeps compiling (JIT) and creating topics for a while after READY, enough to
# saturate two cores: wait until its processes together use less than BENCH_SETTLE_CPU % of one
# core over 2 s (at most BENCH_SETTLE s), so the run measures the calls, not the start-up.
stack_ticks() {
  local sum=0 f pid
  for f in "$RUN_DIR"/*.pid; do
    pid=$(cat "$f" 2>/dev/null) || continue
    [ -r "/proc/$pid/stat" ] || continue
    # utime + stime: fields 14 and 15, counted after the ')' that ends the command name
    sum=$((sum + $(sed 's/.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')))
  done
  echo "$sum"
}
SETTLE=${BENCH_SETTLE:-90}
SETTLE_CPU=${BENCH_SETTLE_CPU:-25}
HZ=$(getconf CLK_TCK)
# settle MAX_SECONDS: waits until the stack is under SETTLE_CPU % of one core; sets settled, pct
settle() {
  settled=0
  while [ "$settled" -lt "$1" ]; do
    before=$(stack_ticks); sleep 2; after=$(stack_ticks); settled=$((settled + 2))
    pct=$(( (after - before) * 100 / (2 * HZ) ))
    [ "$pct" -lt "$SETTLE_CPU" ] && break
  done
}
settle "$SETTLE"
log "stack is READY and settled after ${settled} s (its processes at ${pct} % of one core)"

# Warm-up (BENCH_WARMUP="phones duration stagger", empty: none): a first fleet on the same stack,
# so that the measured one finds the call path compiled (JIT). Its report is saved beside the
# run's, not judged; the run is then measured as above, after the stack settled again.
BENCH_OPTS=(--control "127.0.0.1:$CONTROL_PORT" --kafka "127.0.0.1:$KAFKA_PORT" --s3 "http://$S3_HOST:$S3_PORT"
  --bucket "$S3_BUCKET" --access-key "$S3_ACCESS_KEY" --secret-key-file "$S3_SECRET_FILE" --pid-dir "$RUN_DIR")
if [ -n "${BENCH_WARMUP:-}" ]; then
  read -r w_phones w_duration w_stagger <<< "$BENCH_WARMUP"
  log "warm-up: $w_phones phones × $w_duration, stagger $w_stagger (report: ${REPORT%.txt}-warmup.txt)"
  "$JAVA" "${JAVA_OPTS[@]}" -cp benchmark/target/benchmark.jar org.callrec.benchmark.FleetBenchmark "${BENCH_OPTS[@]}" \
    --phones "$w_phones" --duration "$w_duration" --stagger "$w_stagger" > "${REPORT%.txt}-warmup.txt" 2>&1 || true
  log "warm-up: $(grep -m1 'calls succeeded' "${REPORT%.txt}-warmup.txt" | tr -s ' ')"
  settle "$SETTLE"
fi
log "running $PHONES phones × $DURATION"

set +e
"$JAVA" "${JAVA_OPTS[@]}" -cp benchmark/target/benchmark.jar org.callrec.benchmark.FleetBenchmark \
  --control "127.0.0.1:$CONTROL_PORT" --phones "$PHONES" --duration "$DURATION" \
  --kafka "127.0.0.1:$KAFKA_PORT" --s3 "http://$S3_HOST:$S3_PORT" --bucket "$S3_BUCKET" \
  --access-key "$S3_ACCESS_KEY" --secret-key-file "$S3_SECRET_FILE" --pid-dir "$RUN_DIR" "$@" | tee "$REPORT"
status=${PIPESTATUS[0]}
# every service's metrics as the run left them (where the time went: e.g. storage's
# callrec_storage_upload_stage_seconds), before the stack is stopped
for port in "$CONTROL_MANAGEMENT" "$INGEST_MANAGEMENT" "$STORAGE_MANAGEMENT" "$CATALOG_MANAGEMENT"; do
  echo "# http://127.0.0.1:$port/q/metrics"
  curl -s --max-time 10 "http://127.0.0.1:$port/q/metrics"
done > "${REPORT%.txt}-metrics.txt" 2>/dev/null
set -e
log "report saved to ${REPORT#"$ROOT"/} (exit status $status), the services' metrics beside it (-metrics.txt)"
exit "$status"
