#!/usr/bin/env bash
# Hostile load against a RUNNING local stack (start ./run.sh first, in another terminal):
# ≥ 10^6 malformed commands over many TCP connections and ≥ 10^6 malformed or hostile datagrams
# (some to real recordings it opens and stops itself), then a report of what was sent, how it
# was answered or counted (/q/metrics before and after), crashes (must be 0), and heap, RSS and
# spill-directory size before and after. Runs org.callrec.benchmark.HostileLoad.
#
# Usage: bench/hostile-load.sh [extra HostileLoad options…]
#   e.g. bench/hostile-load.sh --commands 2000000 --rate 80000
#   (bench/hostile-load.sh --help lists them; defaults: 10^6 commands, 10^6 datagrams)
#
# Ports and directories come from the same variables as run.sh (scripts/local-env.sh).
# Also:
#   HOSTILE_JAVA_OPTS             JVM options of the load generator   [-XX:+UseSerialGC -Xmx512m]
#   HOSTILE_MANAGEMENT_AUTH_FILE  file holding the Authorization header value for the
#                                 management ports, if they require one   [none]
# The report is also saved under .local/bench/hostile-<time>.txt. Exit status: 0 no service
# crashed, 1 one did (or stopped being ready), 2 usage error, 3 no running stack.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

# shellcheck source=../scripts/local-env.sh
. "$ROOT/scripts/local-env.sh"
read -r -a JAVA_OPTS <<< "${HOSTILE_JAVA_OPTS:--XX:+UseSerialGC -Xmx512m}"
log() { printf '[hostile] %s\n' "$*" >&2; }

if [ "${1:-}" != "--help" ]; then
  for name in control ingest storage; do
    f="$RUN_DIR/$name.pid"
    if [ ! -f "$f" ] || ! kill -0 "$(cat "$f")" 2>/dev/null; then
      log "no running $name-service (pid file $f): start ./run.sh first"
      exit 3
    fi
  done
fi
if [ ! -f benchmark/target/benchmark.jar ]; then
  log "building the benchmark module: ./mvnw -B -DskipTests -pl benchmark -am package"
  ./mvnw -B -q -DskipTests -pl benchmark -am package
fi

auth=()
if [ -n "${HOSTILE_MANAGEMENT_AUTH_FILE:-}" ]; then auth=(--management-auth-file "$HOSTILE_MANAGEMENT_AUTH_FILE"); fi
OUT_DIR=$STATE_DIR/bench
mkdir -p "$OUT_DIR"
REPORT=$OUT_DIR/hostile-$(date +%Y%m%d-%H%M%S).txt

set +e
"$JAVA" "${JAVA_OPTS[@]}" -cp benchmark/target/benchmark.jar org.callrec.benchmark.HostileLoad \
  --control "127.0.0.1:$CONTROL_PORT" --media-host "$ADVERTISED" --udp-range "$UDP_MIN-$UDP_MAX" \
  --management "control=http://127.0.0.1:$CONTROL_MANAGEMENT,ingest=http://127.0.0.1:$INGEST_MANAGEMENT,storage=http://127.0.0.1:$STORAGE_MANAGEMENT" \
  --pid-dir "$RUN_DIR" --spill-dir "$DATA_DIR/storage" --log-dir "$LOG_DIR" "${auth[@]}" "$@" | tee "$REPORT"
status=${PIPESTATUS[0]}
set -e
[ "${1:-}" = "--help" ] || log "report saved to $REPORT"
exit "$status"
