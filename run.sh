#!/usr/bin/env bash
# Runs the whole call-recording suite on this machine, no Docker needed:
#   a real Kafka broker (KRaft), a real S3 server (s3proxy, data in a local folder) and a real
#   PostgreSQL, started as one child JVM, then media-ingest-service, storage-service,
#   catalog-service (tenants, devices, keys) and control-service.
# Usage: ./run.sh            (Ctrl-C stops everything cleanly)
# Every setting has an environment variable; see the README's "Local run" table.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)

# shellcheck source=scripts/local-env.sh
. "$ROOT/scripts/local-env.sh"
mkdir -p "$RUN_DIR" "$LOG_DIR" "$DATA_DIR"
# The three services run in the Quarkus profile "local": the development defaults are accepted
# there (outside dev/test/local, storage refuses the well-known S3 secret).
export QUARKUS_PROFILE=local

# Secrets of this run: files of mode 600 under $RUN_DIR, passed as file paths (or in the
# environment), never on a command line (ps shows those to every local user) nor in a log.
new_secret() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
write_secret() { (umask 077; printf '%s\n' "$2" > "$1"); }
[ -n "$S3_SECRET_KEY" ] || S3_SECRET_KEY=$(new_secret)
write_secret "$S3_SECRET_FILE" "$S3_SECRET_KEY"
# storage's import credential: the service's file holds the token's SHA-256 only; the client's
# header file (for curl -H @file) holds the token.
IMPORT_TOKEN=$(new_secret)
write_secret "$IMPORT_CREDENTIALS_FILE" "$TENANT sha256:$(printf '%s' "$IMPORT_TOKEN" | sha256sum | cut -d' ' -f1)"
write_secret "$IMPORT_HEADER_FILE" "Authorization: Bearer $IMPORT_TOKEN"
unset IMPORT_TOKEN

# The catalog's operator key: CALLREC_OPERATOR_KEY, or a new one per run, printed below. The
# catalog reads only its SHA-256; the key itself stays in a file of mode 600 for curl -H @file.
[ -n "$OPERATOR_KEY" ] || OPERATOR_KEY=$(new_secret)
write_secret "$OPERATOR_KEY_FILE" "$OPERATOR_KEY"
write_secret "$OPERATOR_HEADER_FILE" "Authorization: Bearer $OPERATOR_KEY"
write_secret "$OPERATOR_DIGEST_FILE" "sha256:$(printf '%s' "$OPERATOR_KEY" | sha256sum | cut -d' ' -f1)"
# The database password: made on the first run and kept beside the data it protects.
mkdir -p "$(dirname "$POSTGRES_PASSWORD_FILE")"
[ -s "$POSTGRES_PASSWORD_FILE" ] || write_secret "$POSTGRES_PASSWORD_FILE" "$(new_secret)"

# The service credential control-service presents to ingest's internal API: new for each run,
# readable by this user only, handed over as a file path in the environment (never on a command line).
INTERNAL_TOKEN_FILE="$RUN_DIR/internal-token"
(umask 077 && rm -f "$INTERNAL_TOKEN_FILE" && od -An -N32 -tx1 /dev/urandom | tr -d ' \n' > "$INTERNAL_TOKEN_FILE" && echo >> "$INTERNAL_TOKEN_FILE")

INFRA_JAR=$(ls embedded-infra/target/embedded-infra-*.jar 2>/dev/null | grep -v -e sources -e tests | head -1 || true)
needed=(control-service/target/quarkus-app/quarkus-run.jar
        media-ingest-service/target/quarkus-app/quarkus-run.jar
        storage-service/target/quarkus-app/quarkus-run.jar
        catalog-service/target/quarkus-app/quarkus-run.jar
        embedded-infra/target/classpath.txt
        phone-simulator/target/phone-simulator.jar)
missing=0
for f in "${needed[@]}"; do [ -f "$f" ] || missing=1; done
[ -n "$INFRA_JAR" ] || missing=1
if [ "$missing" = 1 ]; then
  echo "Building (first run): ./mvnw -B -DskipTests package"
  ./mvnw -B -DskipTests package > "$LOG_DIR/build.log" 2>&1 || { echo "Build failed, see $LOG_DIR/build.log"; tail -30 "$LOG_DIR/build.log"; exit 1; }
  INFRA_JAR=$(ls embedded-infra/target/embedded-infra-*.jar | grep -v -e sources -e tests | head -1)
fi

# Process names: ingest, ingest-2, …; storage, storage-2, … (pid files and logs under these names).
instance() { if [ "$2" = 1 ]; then echo "$1"; else echo "$1-$2"; fi; }
INGEST_NAMES=(); for k in $(seq 1 "$INGEST_NODES"); do INGEST_NAMES+=("$(instance ingest "$k")"); done
STORAGE_NAMES=(); for k in $(seq 1 "$STORAGE_INSTANCES"); do STORAGE_NAMES+=("$(instance storage "$k")"); done
stop_all() {
  trap - INT TERM EXIT
  echo "Stopping…"
  # Reverse order: phones' side first, the broker and object store last.
  for name in control catalog "${INGEST_NAMES[@]}" "${STORAGE_NAMES[@]}" infra; do
    f="$RUN_DIR/$name.pid"
    [ -f "$f" ] && kill -TERM "$(cat "$f")" 2>/dev/null || true
    if [ -f "$f" ]; then
      pid=$(cat "$f")
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -KILL "$pid" 2>/dev/null || true
      rm -f "$f"
    fi
  done
  rm -f "$S3_SECRET_FILE" "$IMPORT_CREDENTIALS_FILE" "$IMPORT_HEADER_FILE" "$INTERNAL_TOKEN_FILE" \
        "$OPERATOR_KEY_FILE" "$OPERATOR_HEADER_FILE" "$OPERATOR_DIGEST_FILE"
  echo "Stopped."
  exit 0
}
trap stop_all INT TERM EXIT

wait_for() { # name, pattern-or-port, log
  local name=$1 what=$2 log=$3 pid
  pid=$(cat "$RUN_DIR/$name.pid")
  for _ in $(seq 1 600); do
    if ! kill -0 "$pid" 2>/dev/null; then echo "$name exited; last lines of $log:"; tail -30 "$log"; exit 1; fi
    if [[ "$what" =~ ^[0-9]+$ ]]; then
      (exec 3<>"/dev/tcp/127.0.0.1/$what") 2>/dev/null && return 0
    else
      grep -q "$what" "$log" 2>/dev/null && return 0
    fi
    sleep 0.1
  done
  echo "$name did not come up in 60 s; see $log"; exit 1
}

start() { # name, log, command...
  local name=$1 log=$2; shift 2
  # Own session: a Ctrl-C reaches only this script, which stops the services in order
  # (control, ingest, storage, then Kafka and S3), so the last records reach Kafka.
  setsid "$@" > "$log" 2>&1 < /dev/null &
  echo $! > "$RUN_DIR/$name.pid"
}

echo "Starting Kafka (127.0.0.1:$KAFKA_PORT), S3 ($S3_HOST:$S3_PORT) and PostgreSQL (127.0.0.1:$POSTGRES_PORT)…"
CALLREC_POSTGRES_PORT=$POSTGRES_PORT CALLREC_POSTGRES_PASSWORD_FILE=$POSTGRES_PASSWORD_FILE \
CALLREC_KAFKA_PORT=$KAFKA_PORT CALLREC_S3_HOST=$S3_HOST CALLREC_S3_PORT=$S3_PORT CALLREC_S3_BUCKET=$S3_BUCKET \
CALLREC_S3_ACCESS_KEY=$S3_ACCESS_KEY CALLREC_S3_SECRET_KEY=$S3_SECRET_KEY CALLREC_DATA_DIR=$DATA_DIR \
  start infra "$LOG_DIR/infra.log" "$JAVA" $INFRA_OPTS -cp "$INFRA_JAR:$(cat embedded-infra/target/classpath.txt)" org.callrec.infra.LocalInfra
wait_for infra "INFRA READY" "$LOG_DIR/infra.log"

INGEST_URLS=()
UDP_SHARE=$(( (UDP_MAX - UDP_MIN + 1) / INGEST_NODES ))
for k in $(seq 1 "$INGEST_NODES"); do
  name=$(instance ingest "$k")
  http=$((INGEST_HTTP + 100 * (k - 1))); management=$((INGEST_MANAGEMENT + 100 * (k - 1)))
  low=$((UDP_MIN + UDP_SHARE * (k - 1))); high=$((k == INGEST_NODES ? UDP_MAX : low + UDP_SHARE - 1))
  node_id=ingest-local; [ "$k" = 1 ] || node_id="ingest-local-$k"
  INGEST_URLS+=("http://127.0.0.1:$http")
  echo "Starting media-ingest-service $node_id (HTTP $http, management $management, UDP $low-$high)…"
  # shellcheck disable=SC2086  # the *_OPTS are word-split on purpose
  INGEST_API_TOKEN_FILE="$INTERNAL_TOKEN_FILE" start "$name" "$LOG_DIR/$name.log" "$JAVA" $INGEST_OPTS -Dquarkus.http.port="$http" \
    -Dquarkus.management.port="$management" -Dquarkus.log.console.json.enabled="$LOG_JSON" \
    -Dkafka.bootstrap.servers="127.0.0.1:$KAFKA_PORT" -Dingest.advertised-address="$ADVERTISED" \
    -Dingest.ports.min="$low" -Dingest.ports.max="$high" -Dingest.node-id="$node_id" \
    -jar media-ingest-service/target/quarkus-app/quarkus-run.jar
done

for k in $(seq 1 "$STORAGE_INSTANCES"); do
  name=$(instance storage "$k")
  http=$((STORAGE_HTTP + 100 * (k - 1))); management=$((STORAGE_MANAGEMENT + 100 * (k - 1)))
  work=$DATA_DIR/storage; [ "$k" = 1 ] || work="$DATA_DIR/storage-$k"
  echo "Starting storage-service $name (HTTP $http, management $management)…"
  # shellcheck disable=SC2086
  STORAGE_S3_SECRET_KEY_FILE=$S3_SECRET_FILE STORAGE_IMPORT_CREDENTIALS_FILE=$IMPORT_CREDENTIALS_FILE \
    start "$name" "$LOG_DIR/$name.log" "$JAVA" $STORAGE_OPTS -Dquarkus.http.port="$http" \
    -Dquarkus.management.port="$management" -Dquarkus.log.console.json.enabled="$LOG_JSON" \
    -Dkafka.bootstrap.servers="127.0.0.1:$KAFKA_PORT" -Dstorage.s3.endpoint="http://$S3_HOST:$S3_PORT" \
    -Dstorage.s3.bucket="$S3_BUCKET" -Dstorage.s3.access-key="$S3_ACCESS_KEY" \
    -Dstorage.work-dir="$work" \
    -jar storage-service/target/quarkus-app/quarkus-run.jar
done

echo "Starting catalog-service (HTTP $CATALOG_HTTP, management $CATALOG_MANAGEMENT)…"
# The catalog reads and deletes the recordings in the same bucket as storage. The local run lets
# webhooks reach receivers on this machine (a production catalog refuses private addresses).
QUARKUS_DATASOURCE_PASSWORD=$(cat "$POSTGRES_PASSWORD_FILE") CATALOG_OPERATOR_KEY_FILE=$OPERATOR_DIGEST_FILE \
CATALOG_S3_SECRET_KEY_FILE=$S3_SECRET_FILE \
  start catalog "$LOG_DIR/catalog.log" "$JAVA" $CATALOG_OPTS -Dquarkus.http.port="$CATALOG_HTTP" \
  -Dquarkus.management.port="$CATALOG_MANAGEMENT" -Dquarkus.log.console.json.enabled="$LOG_JSON" \
  -Dkafka.bootstrap.servers="127.0.0.1:$KAFKA_PORT" \
  -Dcatalog.s3.endpoint="http://$S3_HOST:$S3_PORT" -Dcatalog.s3.bucket="$S3_BUCKET" \
  -Dcatalog.s3.access-key="$S3_ACCESS_KEY" -Dcatalog.webhooks.allow-private-networks=true \
  -Dquarkus.datasource.jdbc.url="jdbc:postgresql://127.0.0.1:$POSTGRES_PORT/callrec" -Dquarkus.datasource.username=callrec \
  -jar catalog-service/target/quarkus-app/quarkus-run.jar
for k in $(seq 1 "$INGEST_NODES"); do
  name=$(instance ingest "$k")
  wait_for "$name" $((INGEST_HTTP + 100 * (k - 1))) "$LOG_DIR/$name.log"
  wait_for "$name" $((INGEST_MANAGEMENT + 100 * (k - 1))) "$LOG_DIR/$name.log"
done
# control reads the registry the catalog publishes (the seeded default tenant among it)
wait_for catalog "$CATALOG_MANAGEMENT" "$LOG_DIR/catalog.log"

echo "Starting control-service (TCP $CONTROL_PORT, management $CONTROL_MANAGEMENT)…"
CONTROL_INGEST_TOKEN_FILE="$INTERNAL_TOKEN_FILE" start control "$LOG_DIR/control.log" "$JAVA" $CONTROL_OPTS -Dquarkus.http.port="$CONTROL_HTTP" \
  -Dquarkus.management.port="$CONTROL_MANAGEMENT" -Dquarkus.log.console.json.enabled="$LOG_JSON" \
  -Dcontrol.port="$CONTROL_PORT" -Dcontrol.default-tenant="$TENANT" \
  -Dkafka.bootstrap.servers="127.0.0.1:$KAFKA_PORT" -Dcontrol.tenants.unknown-devices="$UNKNOWN_DEVICES" \
  -Dcontrol.ingest.nodes="$(IFS=,; echo "${INGEST_URLS[*]}")" \
  -jar control-service/target/quarkus-app/quarkus-run.jar
for k in $(seq 1 "$STORAGE_INSTANCES"); do
  name=$(instance storage "$k")
  wait_for "$name" "Consuming " "$LOG_DIR/$name.log"   # its Kafka consumer is running
  wait_for "$name" $((STORAGE_MANAGEMENT + 100 * (k - 1))) "$LOG_DIR/$name.log"
done
wait_for control "$CONTROL_PORT" "$LOG_DIR/control.log"
wait_for control "$CONTROL_MANAGEMENT" "$LOG_DIR/control.log"
wait_for catalog "$CATALOG_HTTP" "$LOG_DIR/catalog.log"

cat <<INFO

  Phones:   recording server $ADVERTISED, port $CONTROL_PORT (TCP); RTP to UDP $UDP_MIN-$UDP_MAX
  S3:       http://$S3_HOST:$S3_PORT  bucket $S3_BUCKET  access key $S3_ACCESS_KEY  secret key in $S3_SECRET_FILE
  Import:   curl -H @$IMPORT_HEADER_FILE -H 'Content-Type: application/octet-stream' --data-binary @FILE http://127.0.0.1:$STORAGE_HTTP/api/v1/imports  (tenant $TENANT)
  Console:  http://127.0.0.1:$CATALOG_HTTP/  (sign in with the operator key below or a tenant key)
  Catalog:  http://127.0.0.1:$CATALOG_HTTP/api/v1/tenants  (API docs: http://127.0.0.1:$CATALOG_HTTP/q/swagger-ui)
  Operator key: $OPERATOR_KEY   (also in $OPERATOR_KEY_FILE; curl -H @$OPERATOR_HEADER_FILE …)
  Unknown phones: $UNKNOWN_DEVICES (tenant $TENANT records any phone no tenant claims; see the README's "Tenants")
  Kafka:    127.0.0.1:$KAFKA_PORT   PostgreSQL: 127.0.0.1:$POSTGRES_PORT (database callrec, user callrec, password in $POSTGRES_PASSWORD_FILE)
  Logs:     $LOG_DIR   Data: $DATA_DIR
  Health:   http://127.0.0.1:$CONTROL_MANAGEMENT/q/health/ready (control)  http://127.0.0.1:$INGEST_MANAGEMENT/q/health/ready (ingest)  http://127.0.0.1:$STORAGE_MANAGEMENT/q/health/ready (storage)  http://127.0.0.1:$CATALOG_MANAGEMENT/q/health/ready (catalog)
  Metrics:  http://127.0.0.1:$CONTROL_MANAGEMENT/q/metrics (control)  http://127.0.0.1:$INGEST_MANAGEMENT/q/metrics (ingest)  http://127.0.0.1:$STORAGE_MANAGEMENT/q/metrics (storage)  http://127.0.0.1:$CATALOG_MANAGEMENT/q/metrics (catalog)
  Try it:   java -jar phone-simulator/target/phone-simulator.jar --control 127.0.0.1:$CONTROL_PORT --phones 3 --duration 5s

READY: the recording suite is up. Press Ctrl-C to stop.
INFO

# Stay in the foreground until Ctrl-C, or until a service of the call path dies. The catalog is
# not on the call path: without it recording goes on with the last known registry, so its death
# is reported once and the run goes on (restart the suite to get the admin API back).
catalog_reported=0
while true; do
  for name in infra "${INGEST_NAMES[@]}" "${STORAGE_NAMES[@]}" control; do
    if ! kill -0 "$(cat "$RUN_DIR/$name.pid")" 2>/dev/null; then
      echo "$name stopped unexpectedly; see $LOG_DIR/$name.log"; exit 1
    fi
  done
  if [ "$catalog_reported" = 0 ] && ! kill -0 "$(cat "$RUN_DIR/catalog.pid")" 2>/dev/null; then
    echo "catalog stopped (see $LOG_DIR/catalog.log): recording goes on with the last known registry; no admin API until a restart"
    catalog_reported=1
  fi
  sleep 1
done
