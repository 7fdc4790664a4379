package org.callrec.storage;

import java.util.Map;

import org.callrec.infra.EmbeddedKafka;
import org.callrec.infra.EmbeddedS3;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real Kafka broker and a real S3 server, in this JVM on random ports, for the service under
 * test; their addresses and credentials become the service's configuration.
 */
public class EmbeddedInfraResource implements QuarkusTestResourceLifecycleManager {

    private EmbeddedKafka kafka;
    private EmbeddedS3 s3;

    @Override
    public Map<String, String> start() {
        kafka = EmbeddedKafka.start();
        s3 = EmbeddedS3.start();
        return Map.of(
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "storage.s3.endpoint", s3.endpoint(),
                "storage.s3.access-key", s3.accessKey(),
                "storage.s3.secret-key", s3.secretKey());
    }

    @Override
    public void stop() {
        if (s3 != null) {
            s3.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }
}
