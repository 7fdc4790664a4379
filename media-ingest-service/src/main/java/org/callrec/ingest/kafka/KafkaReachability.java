package org.callrec.ingest.kafka;

import java.time.Duration;
import java.util.Map;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.callrec.core.health.CachedProbe;
import org.callrec.ingest.config.IngestConfig;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * Whether a Kafka broker answers: a {@code describeCluster} call of an admin client (with every
 * {@code kafka.*} property, see {@link KafkaClientProperties}), its result
 * cached for {@code ingest.health.check-interval} ({@link CachedProbe}); never blocks.
 */
@ApplicationScoped
public class KafkaReachability {

    @Inject
    IngestConfig config;

    /** Every {@code kafka.*} property, prefix removed (see {@link KafkaClientProperties}). */
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    private volatile Admin admin;
    private volatile CachedProbe probe;

    void start(@Observes StartupEvent event) {
        int timeout = (int) config.health().checkTimeout().toMillis();
        admin = Admin.create(KafkaClientProperties.admin(kafka, KafkaClientProperties.HEALTH_ADMIN, timeout, timeout));
        probe = new CachedProbe(config.health().checkInterval(), config.health().checkTimeout(),
                () -> admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeout)).nodes()
                        .thenApply(nodes -> nodes.size() + " broker(s)").toCompletionStage(),
                System::nanoTime);
        probe.current();
    }

    /** The latest result (DOWN before startup). */
    public CachedProbe.Result current() {
        CachedProbe p = probe;
        return p == null ? new CachedProbe.Result(false, "not started") : p.current();
    }

    @PreDestroy
    void stop() {
        Admin a = admin;
        if (a != null) {
            a.close(Duration.ofSeconds(1));
        }
    }
}
