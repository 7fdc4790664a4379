package org.callrec.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.callrec.infra.EmbeddedKafka;
import org.callrec.infra.EmbeddedPostgreSql;
import org.callrec.infra.EmbeddedS3;

/**
 * The default {@link Infra}, with no Docker: embedded-infra's in-process Kafka broker (KRaft),
 * s3proxy and embedded PostgreSQL. A restartable broker or S3 server runs on a fixed port with
 * its data on disk, so it comes back where it was.
 */
final class EmbeddedInfra implements Infra {

    private final Options options;
    private volatile EmbeddedKafka kafka;
    private volatile EmbeddedS3 s3;
    private volatile EmbeddedPostgreSql postgres;
    private String database;
    /** The broker's kept log directory when it can be restarted, else null. */
    private final Path kafkaDir;
    /** Where a restartable S3 server keeps its objects (null: in memory). */
    private final Path s3DataDir;
    private final int s3Port;

    private EmbeddedInfra(Options options) throws IOException {
        this.options = options;
        if (options.restartableKafka()) {
            kafkaDir = Files.createTempDirectory("callrec-kafka-e2e");
            kafka = EmbeddedKafka.builder().port(RecordingStack.freePort()).logDir(kafkaDir).start();
        } else {
            kafkaDir = null;
            kafka = EmbeddedKafka.start();
        }
        try {
            if (options.restartableS3()) {
                s3DataDir = Files.createTempDirectory("callrec-s3-e2e");
                s3Port = RecordingStack.freePort();
                s3 = restartableS3();
            } else {
                s3DataDir = null;
                s3Port = 0;
                s3 = EmbeddedS3.builder().credentials(options.s3AccessKey(), options.s3SecretKey()).start();
            }
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    static EmbeddedInfra start(Options options) {
        try {
            return new EmbeddedInfra(options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private EmbeddedS3 restartableS3() {
        return EmbeddedS3.builder().port(s3Port).dataDir(s3DataDir)
                .credentials(options.s3AccessKey(), options.s3SecretKey()).start();
    }

    @Override
    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    @Override
    public String s3Endpoint() {
        return s3.endpoint();
    }

    @Override
    public String s3AccessKey() {
        return s3.accessKey();
    }

    @Override
    public String s3SecretKey() {
        return s3.secretKey();
    }

    @Override
    public void createBucket(String bucket) {
        s3.createBucket(bucket);
    }

    @Override
    public void startPostgres(String database, String user, String password) {
        postgres = EmbeddedPostgreSql.start();
        postgres.createDatabase(database, user, password);
        this.database = database;
    }

    @Override
    public String postgresJdbcUrl() {
        return postgres.jdbcUrl(database);
    }

    @Override
    public void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    public void stopKafka() {
        if (kafkaDir == null) {
            throw new IllegalStateException("start the stack with restartableKafka to restart the broker");
        }
        kafka.close();
    }

    @Override
    public void startKafka() {
        kafka = EmbeddedKafka.builder().port(kafka.port()).logDir(kafkaDir).start();
    }

    @Override
    public void stopS3() {
        if (s3DataDir == null) {
            throw new IllegalStateException("start the stack with startWithRestartableS3 to stop S3");
        }
        s3.close();
    }

    @Override
    public void startS3() {
        s3 = restartableS3();
    }

    @Override
    public void close() {
        stopPostgres();
        s3.close();
        kafka.close();
        if (kafkaDir != null) {
            RecordingStack.deleteQuietly(kafkaDir);
        }
        if (s3DataDir != null) {
            RecordingStack.deleteQuietly(s3DataDir);
        }
    }
}
