package org.callrec.e2e;

import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;

/**
 * {@link Infra} from the images docker-compose.yml names, started by Testcontainers: Kafka
 * ({@code apache/kafka}, KRaft, one node), MinIO and PostgreSQL, each with the image of its compose
 * service ({@link ComposeFile#image}). Needs a Docker engine; the {@code *ContainersTest} classes
 * that use it are skipped without one.
 *
 * <p>Kafka gets the broker settings of the embedded one (3 partitions per automatically created
 * topic, replication factors 1, no rebalance delay), so the same tests see the same topics. A
 * restartable broker or MinIO is published on a fixed host port and stopped and started as the
 * same container ({@code docker stop} / {@code docker start}): its address, its advertised
 * listener and its data survive the outage, as they do for the embedded servers.
 */
final class ContainersInfra implements Infra {

    private static final int KAFKA_PORT = 9092;
    private static final int MINIO_PORT = 9000;
    private static final Duration READY = Duration.ofSeconds(90);

    private final KafkaContainer kafka;
    private final MinIOContainer minio;
    private PostgreSQLContainer postgres;

    private ContainersInfra(Options options) {
        kafka = new KafkaContainer(ComposeFile.image("kafka"))
                .withEnv(Map.of(
                        "KAFKA_NUM_PARTITIONS", "3",
                        "KAFKA_DEFAULT_REPLICATION_FACTOR", "1",
                        "KAFKA_MIN_INSYNC_REPLICAS", "1",
                        "KAFKA_AUTO_CREATE_TOPICS_ENABLE", "true",
                        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1",
                        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1",
                        "KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0"))
                .withStartupTimeout(READY);
        if (options.restartableKafka()) {
            fixHostPort(kafka, KAFKA_PORT);
        }
        minio = new MinIOContainer(ComposeFile.image("minio"))
                .withUserName(options.s3AccessKey())
                .withPassword(options.s3SecretKey())
                .withStartupTimeout(READY);
        if (options.restartableS3()) {
            fixHostPort(minio, MINIO_PORT);
        }
    }

    static ContainersInfra start(Options options) {
        ContainersInfra infra = new ContainersInfra(options);
        try {
            infra.kafka.start();
            infra.minio.start();
            return infra;
        } catch (RuntimeException e) {
            infra.close();
            throw e;
        }
    }

    /** Publishes {@code containerPort} on a fixed free host port, so a restarted container keeps its address. */
    private static void fixHostPort(GenericContainer<?> container, int containerPort) {
        container.setPortBindings(List.of(RecordingStack.freePort() + ":" + containerPort));
    }

    @Override
    public String kafkaBootstrapServers() {
        return kafka.getBootstrapServers();
    }

    @Override
    public String s3Endpoint() {
        return minio.getS3URL();
    }

    @Override
    public String s3AccessKey() {
        return minio.getUserName();
    }

    @Override
    public String s3SecretKey() {
        return minio.getPassword();
    }

    @Override
    public void createBucket(String bucket) {
        try (MinioClient s3 = MinioClient.builder().endpoint(s3Endpoint()).credentials(s3AccessKey(), s3SecretKey()).build()) {
            if (!s3.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                s3.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create bucket " + bucket + " in MinIO", e);
        }
    }

    @Override
    public void startPostgres(String database, String user, String password) {
        postgres = new PostgreSQLContainer(ComposeFile.image("postgres"))
                .withDatabaseName(database)
                .withUsername(user)
                .withPassword(password);
        postgres.withStartupTimeout(READY);
        postgres.start();
    }

    @Override
    public String postgresJdbcUrl() {
        return postgres.getJdbcUrl();
    }

    @Override
    public void stopPostgres() {
        if (postgres != null) {
            postgres.stop();
        }
    }

    @Override
    public void stopKafka() {
        requireFixedPort(kafka, "restartableKafka");
        kafka.getDockerClient().stopContainerCmd(kafka.getContainerId()).exec();
    }

    @Override
    public void startKafka() {
        kafka.getDockerClient().startContainerCmd(kafka.getContainerId()).exec();
        awaitBroker();
    }

    @Override
    public void stopS3() {
        requireFixedPort(minio, "restartableS3");
        minio.getDockerClient().stopContainerCmd(minio.getContainerId()).exec();
    }

    @Override
    public void startS3() {
        minio.getDockerClient().startContainerCmd(minio.getContainerId()).exec();
        awaitUntil("MinIO at " + s3Endpoint(), () -> {
            HttpURLConnection c = (HttpURLConnection) URI.create(s3Endpoint() + "/minio/health/ready").toURL().openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(2000);
            return c.getResponseCode() == 200;
        });
    }

    private static void requireFixedPort(GenericContainer<?> container, String option) {
        if (container.getPortBindings().isEmpty()) {
            throw new IllegalStateException("start the stack with " + option + " to stop and start " + container.getDockerImageName());
        }
    }

    /** Waits until the restarted broker answers a cluster description. */
    private void awaitBroker() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        try (Admin admin = Admin.create(p)) {
            awaitUntil("Kafka at " + kafkaBootstrapServers(),
                    () -> !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty());
        }
    }

    private interface Probe {
        boolean ready() throws Exception;
    }

    private static void awaitUntil(String what, Probe probe) {
        long deadline = System.nanoTime() + READY.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (probe.ready()) {
                    return;
                }
            } catch (Exception notYet) {
                // still starting
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + what, e);
            }
        }
        throw new IllegalStateException(what + " not ready within " + READY);
    }

    @Override
    public void close() {
        for (GenericContainer<?> c : new GenericContainer<?>[] {postgres, minio, kafka}) {
            if (c != null) {
                try {
                    c.stop();
                } catch (RuntimeException e) {
                    // removed already, or Docker went away: nothing left to clean
                }
            }
        }
    }
}
