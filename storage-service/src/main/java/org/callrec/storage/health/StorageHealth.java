package org.callrec.storage.health;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

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
import org.callrec.storage.upload.S3Store;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;

import io.quarkus.runtime.StartupEvent;

/**
 * Readiness of the storage service's dependencies, each answered from a {@link CachedProbe}
 * (checked in the background every {@code storage.health.check-interval}, never on the probe's
 * thread): Kafka answers ({@code describeCluster}) and the bucket exists. The consumer's own state
 * is {@code MediaConsumerHealth}. Neither plays a part in liveness: an outage of Kafka or S3
 * makes the service not ready, never restarts it.
 */
public final class StorageHealth {

    private StorageHealth() {
    }

    /** The background checks. */
    @ApplicationScoped
    public static class Probes {

        @Inject
        StorageConfig config;
        @Inject
        S3Store s3;
        @Inject
        MediaConsumer consumer;

        private final ExecutorService s3Checks = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "storage-s3-check");
            t.setDaemon(true);
            return t;
        });
        private volatile Admin admin;
        private volatile CachedProbe kafka;
        private volatile CachedProbe bucket;

        void start(@Observes StartupEvent event) {
            Duration interval = config.health().checkInterval();
            Duration timeout = config.health().checkTimeout();
            bucket = new CachedProbe(interval, timeout, () -> CompletableFuture.supplyAsync(() -> {
                try {
                    if (!s3.bucketExists()) {
                        throw new CachedProbe.Failed("bucket " + s3.bucket() + " does not exist");
                    }
                    return "bucket " + s3.bucket() + " exists";
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }, s3Checks), System::nanoTime);
            Map<String, Object> p = new HashMap<>(consumer.kafkaProperties());
            p.remove(ConsumerConfig.GROUP_ID_CONFIG);
            int millis = (int) timeout.toMillis();
            p.put(AdminClientConfig.CLIENT_ID_CONFIG, "callrec-storage-health");
            p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
            p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
            admin = Admin.create(p);
            kafka = new CachedProbe(interval, timeout,
                    () -> admin.describeCluster(new DescribeClusterOptions().timeoutMs(millis)).nodes()
                            .thenApply(nodes -> nodes.size() + " broker(s)").toCompletionStage(),
                    System::nanoTime);
            bucket.current();
            kafka.current();
        }

        CachedProbe.Result kafka() {
            CachedProbe k = kafka;
            return k == null ? new CachedProbe.Result(false, "not started") : k.current();
        }

        CachedProbe.Result bucket() {
            CachedProbe b = bucket;
            return b == null ? new CachedProbe.Result(false, "not started") : b.current();
        }

        @PreDestroy
        void stop() {
            s3Checks.shutdownNow();
            Admin a = admin;
            if (a != null) {
                a.close(Duration.ofSeconds(1));
            }
        }
    }

    /** S3 answers and the bucket exists. */
    @Readiness
    @ApplicationScoped
    public static class S3 implements HealthCheck {

        @Inject
        Probes probes;
        @Inject
        StorageConfig config;

        @Override
        public HealthCheckResponse call() {
            CachedProbe.Result r = probes.bucket();
            return HealthCheckResponse.named("s3")
                    .status(r.up())
                    .withData("endpoint", config.s3().endpoint())
                    .withData("detail", r.detail())
                    .build();
        }
    }

    /** A Kafka broker answers. */
    @Readiness
    @ApplicationScoped
    public static class Kafka implements HealthCheck {

        @Inject
        Probes probes;
        @Inject
        MediaConsumer consumer;

        @Override
        public HealthCheckResponse call() {
            CachedProbe.Result r = probes.kafka();
            return HealthCheckResponse.named("kafka")
                    .status(r.up())
                    .withData("detail", r.detail())
                    .withData("lag", consumer.lag())
                    .build();
        }
    }

    /** Started once the consumer thread was launched (it then waits for Kafka and S3 as long as needed). */
    @Startup
    @ApplicationScoped
    public static class Started implements HealthCheck {

        @Inject
        MediaConsumer consumer;

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("storage-service").status(consumer.launched()).build();
        }
    }
}
