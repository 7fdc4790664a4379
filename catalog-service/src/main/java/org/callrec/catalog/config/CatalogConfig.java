package org.callrec.catalog.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Configuration of the catalog service. Every key can also be set as an environment variable:
 * upper case, dots and dashes as underscores ({@code catalog.operator-key-file} →
 * {@code CATALOG_OPERATOR_KEY_FILE}). The database comes from the standard
 * {@code quarkus.datasource.*} keys, Kafka from {@code kafka.bootstrap.servers} and the
 * {@code mp.messaging.*} channels (see {@code application.properties}).
 */
@ConfigMapping(prefix = "catalog")
public interface CatalogConfig {

    /**
     * File holding the operator key: one key per line ({@code #} comments and blank lines
     * ignored), each either the key itself (16 to 512 characters {@code A-Z a-z 0-9 . _ ~ + / = -})
     * or {@code sha256:<64 hex digits>}, the SHA-256 of the key. Read at startup (the service
     * refuses to start without it) and again every {@code catalog.operator-key-reload-interval}. Every line is accepted (rotation: add the new key, move the
     * clients, remove the old). No default.
     */
    Path operatorKeyFile();

    /**
     * How often the operator key file is read again (at the next API request after this long), so
     * a rotated key takes effect without a restart. A file that cannot be read or parsed then
     * keeps the key as it was (WARN). Defaults to 10s.
     */
    @WithDefault("10s")
    Duration operatorKeyReloadInterval();

    /** The registry topic and its publisher. */
    Registry registry();

    /** Bulk device import. */
    Import imports();

    /** Pagination of the list endpoints. */
    Paging paging();

    /** "Active now" of the usage endpoint. */
    Activity activity();

    /** The object store holding the recordings (the storage service's bucket). */
    S3 s3();

    /** Presigned download URLs. */
    Downloads downloads();

    /** The retention sweeper. */
    Retention retention();

    /** The recordings index: the completion events and {@code reindex}. */
    Index index();

    /** Webhooks: the API's limits and the dispatcher that sends and retries deliveries. */
    Webhooks webhooks();

    /**
     * How an OIDC bearer token's claims map to a caller. OIDC itself is quarkus-oidc's: off unless
     * {@code quarkus.oidc.tenant-enabled=true} with {@code quarkus.oidc.auth-server-url} (or
     * {@code quarkus.oidc.public-key}) set.
     */
    Oidc oidc();

    /** Claims of an OIDC token. */
    interface Oidc {
        /** The claim naming the caller's tenant. Defaults to callrec_tenant. */
        @WithDefault("callrec_tenant")
        String tenantClaim();

        /** The claim holding the scopes (space-separated text or an array). Defaults to scope. */
        @WithDefault("scope")
        String scopesClaim();

        /** The scope that makes a token the operator's (every tenant, every right). Defaults to callrec:operator. */
        @WithDefault("callrec:operator")
        String operatorScope();
    }

    /**
     * The S3-compatible object store the storage service writes to: the catalog reads metadata
     * and audio from it, deletes recordings, writes legal-hold markers and presigns downloads.
     */
    interface S3 {
        /** Endpoint URL of the S3 API. Defaults to http://127.0.0.1:9000. */
        @WithDefault("http://127.0.0.1:9000")
        String endpoint();

        /**
         * Endpoint put in presigned download URLs, when browsers reach the store at another
         * address than this service (e.g. {@code https://s3.example.com} while the service uses
         * {@code http://minio:9000}). Defaults to {@code catalog.s3.endpoint}.
         */
        Optional<String> publicEndpoint();

        /** Access key. Required (the {@code dev} and {@code test} profiles use {@code callrec}). */
        String accessKey();

        /**
         * Secret key; prefer {@code catalog.s3.secret-key-file} or the environment variable
         * {@code CATALOG_S3_SECRET_KEY}, never {@code -D} on a command line. Set this or the file.
         */
        Optional<String> secretKey();

        /** A file holding the secret key (one line), e.g. a mounted Kubernetes Secret. */
        Optional<Path> secretKeyFile();

        /** The bucket {@code reindex} reads (the storage service's {@code storage.s3.bucket}). Defaults to recordings. */
        @WithDefault("recordings")
        String bucket();

        /** Region of the bucket (signing, presigning). Defaults to us-east-1. */
        @WithDefault("us-east-1")
        String region();
    }

    /** {@code POST /api/v1/recordings/{id}/download-url}. */
    interface Downloads {
        /** How long a presigned download URL is valid (at most 7 days, S3's limit). Defaults to 5m. */
        @WithDefault("5m")
        Duration urlValidity();
    }

    /** Deleting each tenant's recordings older than its {@code retentionDays}. */
    interface Retention {
        /** Whether this replica runs the sweeper. Defaults to true. */
        @WithDefault("true")
        boolean enabled();

        /** How often the sweeper looks for expired recordings (well under a day). Defaults to 1h. */
        @WithDefault("1h")
        Duration interval();

        /** Recordings deleted per database round of a sweep. Defaults to 100. */
        @WithDefault("100")
        int batchSize();
    }

    /** Building the index. */
    interface Index {
        /** Largest metadata document read from the bucket; a larger one is skipped (counted). Defaults to 4194304. */
        @WithDefault("4194304")
        int maxMetadataBytes();

        /**
         * Longest wait between two attempts while S3 or the database fails, for the index and the
         * usage consumers (they hold their offset meanwhile). Defaults to 30s.
         */
        @WithDefault("30s")
        Duration maxRetryInterval();
    }

    /** Publishing tenants and devices to the compacted registry topic. */
    interface Registry {
        /** Partitions of the registry topic when the catalog creates it. Defaults to 1. */
        @WithDefault("1")
        int partitions();

        /** Replication factor of the registry topic when the catalog creates it. Defaults to 1. */
        @WithDefault("1")
        short replicationFactor();

        /** {@code min.insync.replicas} of the registry topic when created; unset: the broker's default. */
        Optional<Integer> minInsyncReplicas();

        /**
         * How often the publisher looks at the outbox when nothing woke it (a change committed by
         * this replica wakes it at once; this catches other replicas' changes). Defaults to 100ms.
         */
        @WithDefault("100ms")
        Duration pollInterval();

        /** Outbox rows sent per round before waiting for the broker's acks (at most 1000). Defaults to 1000. */
        @WithDefault("1000")
        int batchSize();

        /** Longest wait for the broker's acks of one round; then the round is retried. Defaults to 30s. */
        @WithDefault("30s")
        Duration sendTimeout();

        /**
         * How often a replica that does not hold the publisher lock tries to take it (one replica
         * publishes at a time: a PostgreSQL advisory lock). Defaults to 2s.
         */
        @WithDefault("2s")
        Duration lockRetryInterval();

        /** Timeout of the admin client that creates or checks the topic at startup. Defaults to 30s. */
        @WithDefault("30s")
        Duration adminTimeout();
    }

    /** Bulk device import ({@code POST /api/v1/tenants/{tenant}/devices}). */
    interface Import {
        /** Most rows one import may hold; more is refused as a whole (problem {@code too-many-rows}). Defaults to 100000. */
        @WithDefault("100000")
        int maxRows();

        /** Most per-row errors listed in a refused import's problem document. Defaults to 100. */
        @WithDefault("100")
        int maxErrors();
    }

    /** Cursor pagination. */
    interface Paging {
        /** Items per page when the request gives no {@code limit}. Defaults to 100. */
        @WithDefault("100")
        int defaultLimit();

        /** Largest {@code limit} accepted. Defaults to 1000. */
        @WithDefault("1000")
        int maxLimit();
    }

    /** The control replicas' activity reports (topic {@code callrec.tenant.activity}). */
    interface Activity {
        /** A report older than this no longer counts towards "active now". Defaults to 10s. */
        @WithDefault("10s")
        Duration freshFor();
    }

    /**
     * Webhooks ({@code /api/v1/tenants/{tenant}/webhooks}) and their dispatcher: every replica
     * sends due deliveries (claimed with {@code FOR UPDATE SKIP LOCKED}, so no two replicas send
     * the same attempt at once).
     */
    interface Webhooks {
        /** How often the dispatcher looks for due deliveries. Defaults to 1s. */
        @WithDefault("1s")
        Duration pollInterval();

        /** Deliveries claimed per round (at most 500). Defaults to 50. */
        @WithDefault("50")
        int batchSize();

        /** Deliveries sent at the same time by one replica. Defaults to 8. */
        @WithDefault("8")
        int concurrency();

        /**
         * Connect timeout, and the longest wait for a receiver's response headers (the body is
         * never read). Defaults to 10s.
         */
        @WithDefault("10s")
        Duration timeout();

        /** Wait after the first failed attempt; doubled after each further one (with jitter). Defaults to 10s. */
        @WithDefault("10s")
        Duration initialBackoff();

        /** The longest wait between two attempts. Defaults to 1h. */
        @WithDefault("1h")
        Duration maxBackoff();

        /**
         * How long after it was queued a delivery is still tried; the attempt that fails after
         * this is its last (state {@code failed}). Defaults to 24h.
         */
        @WithDefault("24h")
        Duration retryFor();

        /**
         * Whether receivers on loopback, private (RFC 1918, fc00::/7), link-local, CGNAT
         * (100.64/10), multicast or unspecified addresses may be called. Defaults to false: such a
         * URL is refused at creation when its host is a literal address, and every delivery
         * checks the addresses the host resolves to (refused: {@code private-network}).
         */
        @WithDefault("false")
        boolean allowPrivateNetworks();

        /** Most webhooks one tenant may have (409 {@code too-many-webhooks} beyond). Defaults to 20. */
        @WithDefault("20")
        int maxPerTenant();
    }
}
