package org.callrec.storage.health;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.callrec.core.health.CachedProbe;
import org.callrec.storage.config.StorageConfig;
import org.callrec.storage.consume.MediaConsumer;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.quarkus.runtime.StartupEvent;

/**
 * Readiness check {@code kafka}: a broker answers ({@code describeCluster} of an admin client with
 * the service's {@code kafka.*} properties). Answered from a {@link CachedProbe}, checked in the
 * background every {@code storage.health.check-interval}, never on the probe's thread; a check
 * that has not answered within {@code storage.health.check-timeout} counts as DOWN. It plays no
 * part in liveness: a Kafka outage makes the service not ready, never restarts it.
 */
@Readiness
@ApplicationScoped
public class KafkaHealth implements HealthCheck {

    @Inject
    StorageConfig config;
    @Inject
    MediaConsumer consumer;

    private volatile Admin admin;
    private volatile CachedProbe kafka;

    void start(@Observes StartupEvent event) {
        Duration timeout = config.health().checkTimeout();
        Map<String, Object> p = new HashMap<>(consumer.kafkaProperties());
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        int millis = (int) timeout.toMillis();
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "callrec-storage-health");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        admin = Admin.create(p);
        kafka = new CachedProbe(config.health().checkInterval(), timeout,
                () -> admin.describeCluster(new DescribeClusterOptions().timeoutMs(millis)).nodes()
                        .thenApply(nodes -> nodes.size() + " broker(s)").toCompletionStage(),
                System::nanoTime);
        kafka.current();
    }

    @PreDestroy
    void stop() {
        Admin a = admin;
        if (a != null) {
            a.close(Duration.ofSeconds(1));
        }
    }

    @Override
    public HealthCheckResponse call() {
        CachedProbe k = kafka;
        CachedProbe.Result r = k == null ? new CachedProbe.Result(false, "not started") : k.current();
        return HealthCheckResponse.named("kafka")
                .status(r.up())
                .withData("detail", r.detail())
                .withData("lag", consumer.lag())
                .build();
    }
}
