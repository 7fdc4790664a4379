# Settings of the local run, shared by run.sh and bench/run-benchmark.sh (sourced, not run).
# Each one can be overridden by the environment variable named on its line; the README's
# "Local run settings" table lists them. Expects ROOT to be the repository root.
CONTROL_PORT=${CALLREC_CONTROL_PORT:-10000}
ADVERTISED=${CALLREC_ADVERTISED_ADDRESS:-127.0.0.1}
UDP_MIN=${CALLREC_UDP_PORT_MIN:-40000}
UDP_MAX=${CALLREC_UDP_PORT_MAX:-49999}
TENANT=${CALLREC_TENANT:-default}
KAFKA_PORT=${CALLREC_KAFKA_PORT:-9092}
S3_HOST=${CALLREC_S3_HOST:-127.0.0.1}
S3_PORT=${CALLREC_S3_PORT:-9000}
S3_BUCKET=${CALLREC_S3_BUCKET:-recordings}
S3_ACCESS_KEY=${CALLREC_S3_ACCESS_KEY:-callrec}
# Unset: run.sh makes a random one per run. Services read it from S3_SECRET_FILE, never a command line.
S3_SECRET_KEY=${CALLREC_S3_SECRET_KEY:-}
STATE_DIR=${CALLREC_STATE_DIR:-$ROOT/.local}
DATA_DIR=${CALLREC_DATA_DIR:-$STATE_DIR/data}
CONTROL_HTTP=${CALLREC_CONTROL_HTTP_PORT:-8081}
INGEST_HTTP=${CALLREC_INGEST_HTTP_PORT:-8082}
STORAGE_HTTP=${CALLREC_STORAGE_HTTP_PORT:-8083}
CATALOG_HTTP=${CALLREC_CATALOG_HTTP_PORT:-8084}
POSTGRES_PORT=${CALLREC_POSTGRES_PORT:-5432}
# Unset: run.sh makes a random one per run and prints it. The catalog holds only its SHA-256.
OPERATOR_KEY=${CALLREC_OPERATOR_KEY:-}
# refuse | quarantine | default: what control does with a phone no tenant registered or claims
UNKNOWN_DEVICES=${CALLREC_UNKNOWN_DEVICES:-default}
CONTROL_MANAGEMENT=${CALLREC_CONTROL_MANAGEMENT_PORT:-9081}
INGEST_MANAGEMENT=${CALLREC_INGEST_MANAGEMENT_PORT:-9082}
STORAGE_MANAGEMENT=${CALLREC_STORAGE_MANAGEMENT_PORT:-9083}
CATALOG_MANAGEMENT=${CALLREC_CATALOG_MANAGEMENT_PORT:-9084}
LOG_JSON=${CALLREC_LOG_JSON:-false}
# How many ingest nodes and storage instances run (capacity runs: bench/README.md). Node k > 1
# takes the base HTTP and management ports + 100 × (k-1); the ingest nodes share the UDP range
# in equal parts.
INGEST_NODES=${CALLREC_INGEST_NODES:-1}
STORAGE_INSTANCES=${CALLREC_STORAGE_INSTANCES:-1}
JAVA=${JAVA:-java}
# Extra JVM options per process (word-split: -D…, -XX:…, e.g. a JFR recording), empty by default
INFRA_OPTS=${CALLREC_INFRA_OPTS:-}
CONTROL_OPTS=${CALLREC_CONTROL_OPTS:-}
INGEST_OPTS=${CALLREC_INGEST_OPTS:-}
STORAGE_OPTS=${CALLREC_STORAGE_OPTS:-}
CATALOG_OPTS=${CALLREC_CATALOG_OPTS:-}
RUN_DIR=$STATE_DIR/run
# Secrets of one run (mode 600, deleted when run.sh stops)
S3_SECRET_FILE=$RUN_DIR/s3-secret-key
IMPORT_CREDENTIALS_FILE=$RUN_DIR/import-credentials
IMPORT_HEADER_FILE=$RUN_DIR/import-authorization.header
OPERATOR_KEY_FILE=$RUN_DIR/operator-key           # the key, for curl -H @OPERATOR_HEADER_FILE
OPERATOR_HEADER_FILE=$RUN_DIR/operator-authorization.header
OPERATOR_DIGEST_FILE=$RUN_DIR/operator-key.sha256 # what the catalog reads
# The database password: made once and kept with the data (the database keeps it too)
POSTGRES_PASSWORD_FILE=$DATA_DIR/postgres-password
LOG_DIR=$STATE_DIR/logs
