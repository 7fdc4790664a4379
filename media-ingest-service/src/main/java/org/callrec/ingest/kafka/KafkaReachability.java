package org.callrec.ingest.kafka;

import java.time.Duration;
import java.util.Map;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.callrec.core.health.CachedProbe;
import org.callrec.ingest.config.IngestConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.StartupEvent;

/**
 * Whether a Kafka broker answers: a {@code describeCluster} call of an admin client, its result
 * cached for {@code ingest.health.check-interval} ({@link CachedProbe}); never blocks.
 */
@ApplicationScoped
public class KafkaReachability {

    @Inject
    IngestConfig config;

    @ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "localhost:9092")
    String bootstrapServers;

    private volatile Admin admin;
    private volatile CachedProbe probe;

    void start(@Observes StartupEvent event) {
        int timeout = (int) config.health().checkTimeout().toMillis();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "callrec-ingest-health",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout));
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
