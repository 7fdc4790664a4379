package org.callrec.e2e;

import java.util.Optional;

import org.junit.jupiter.api.TestInfo;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The infrastructure under {@link RecordingStack}: a Kafka broker, an S3 server and, for a stack
 * with tenants, PostgreSQL. The services run as processes on this machine either way; only where
 * their broker, object store and database come from changes.
 *
 * <ul>
 *   <li>{@link Kind#EMBEDDED} (the default, and the only one without Docker): embedded-infra's
 *       in-process broker, s3proxy and embedded PostgreSQL ({@link EmbeddedInfra}).</li>
 *   <li>{@link Kind#CONTAINERS}: the images docker-compose.yml deploys, started by Testcontainers
 *       ({@link ContainersInfra}).</li>
 * </ul>
 */
interface Infra extends AutoCloseable {

    /** Where the infrastructure comes from. */
    enum Kind {
        EMBEDDED,
        CONTAINERS;

        /**
         * The kind for a test class: containers for a class that Testcontainers runs (the
         * {@code *ContainersTest} subclasses, annotated {@link Testcontainers}), else embedded. The
         * same test bodies thus run against either.
         */
        static Kind forTest(Class<?> testClass) {
            return testClass.isAnnotationPresent(Testcontainers.class) ? CONTAINERS : EMBEDDED;
        }

        /** {@link #forTest(Class)} of the class that {@code test} runs in (a subclass, where it is one). */
        static Kind forTest(TestInfo test) {
            Optional<Class<?>> testClass = test.getTestClass();
            return testClass.map(Kind::forTest).orElse(EMBEDDED);
        }

        /** Starts Kafka and S3 of this kind (PostgreSQL only on {@link Infra#startPostgres}). */
        Infra start(Options options) {
            return this == CONTAINERS ? ContainersInfra.start(options) : EmbeddedInfra.start(options);
        }
    }

    /**
     * How the infrastructure is started.
     *
     * @param restartableKafka the broker can be stopped and started again on the same address with
     *        its data ({@link #stopKafka()}, {@link #startKafka()})
     * @param restartableS3 likewise the S3 server ({@link #stopS3()}, {@link #startS3()})
     * @param s3AccessKey the S3 access key the server accepts
     * @param s3SecretKey its secret key (8 characters or more: MinIO refuses shorter ones)
     */
    record Options(boolean restartableKafka, boolean restartableS3, String s3AccessKey, String s3SecretKey) {
    }

    /** Bootstrap servers for the services' and the tests' Kafka clients, e.g. {@code 127.0.0.1:9092}. */
    String kafkaBootstrapServers();

    /** The S3 endpoint, e.g. {@code http://127.0.0.1:9000}. */
    String s3Endpoint();

    String s3AccessKey();

    String s3SecretKey();

    /** Creates a bucket (as compose's minio-init step does). */
    void createBucket(String bucket);

    /** Starts PostgreSQL with {@code database} owned by {@code user}, who logs in with {@code password}. */
    void startPostgres(String database, String user, String password);

    /** The JDBC URL of the database {@link #startPostgres} made. */
    String postgresJdbcUrl();

    /** Stops PostgreSQL for good (the catalog loses its database). Idempotent. */
    void stopPostgres();

    /** Stops the broker; its address and data stay for {@link #startKafka()}. Needs {@link Options#restartableKafka}. */
    void stopKafka();

    /** Starts the broker again on the same address with the same data; returns once it serves clients. */
    void startKafka();

    /** Stops the S3 server; every request fails until {@link #startS3()}. Needs {@link Options#restartableS3}. */
    void stopS3();

    /** Starts the S3 server again on the same address with the objects it had; returns once it serves. */
    void startS3();

    /** Stops everything and deletes what it kept. */
    @Override
    void close();
}
