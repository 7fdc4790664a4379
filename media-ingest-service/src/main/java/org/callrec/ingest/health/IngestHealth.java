package org.callrec.ingest.health;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.callrec.core.health.CachedProbe;
import org.callrec.ingest.allocation.Allocations;
import org.callrec.ingest.config.IngestConfig;
import org.callrec.ingest.kafka.KafkaReachability;
import org.callrec.ingest.kafka.MediaPublisher;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * Health of an ingest node on the management port. Ready while its UDP pool is usable, its
 * advertised address is one phones can be sent to, and Kafka answers; live while its publisher
 * thread runs (Kafka being down never makes it not live); started once the port pool is set up.
 * Checks that need the network or DNS run in the background ({@link CachedProbe}), never on the
 * probe's thread.
 */
public final class IngestHealth {

    private IngestHealth() {
    }

    /** Runs the blocking local checks (DNS, a test bind) on worker threads, cached. */
    @ApplicationScoped
    public static class LocalProbes {

        @Inject
        IngestConfig config;
        @Inject
        Vertx vertx;

        private volatile CachedProbe advertised;
        private volatile CachedProbe bind;

        void start(@Observes StartupEvent event) {
            advertised = blocking(() -> {
                String a = config.advertisedAddress();
                String problem = AdvertisedAddress.problem(a, InetAddress::getAllByName).orElse(null);
                if (problem != null) {
                    throw new CachedProbe.Failed(problem);
                }
                return a;
            });
            bind = blocking(() -> {
                // A UDP socket on the bind address, any port: fails when the address is not this host's.
                try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(config.bindAddress(), 0))) {
                    return "bound " + config.bindAddress();
                }
            });
            advertised.current();
            bind.current();
        }

        private CachedProbe blocking(java.util.concurrent.Callable<String> check) {
            return new CachedProbe(config.health().checkInterval(), config.health().checkTimeout(),
                    () -> vertx.executeBlocking(check, false).toCompletionStage(), System::nanoTime);
        }

        CachedProbe.Result advertised() {
            CachedProbe p = advertised;
            return p == null ? new CachedProbe.Result(false, "not started") : p.current();
        }

        CachedProbe.Result bind() {
            CachedProbe p = bind;
            return p == null ? new CachedProbe.Result(false, "not started") : p.current();
        }
    }

    /** The address phones are told to send RTP to. */
    @Readiness
    @ApplicationScoped
    public static class Advertised implements HealthCheck {

        @Inject
        LocalProbes probes;
        @Inject
        IngestConfig config;

        @Override
        public HealthCheckResponse call() {
            CachedProbe.Result r = probes.advertised();
            return HealthCheckResponse.named("advertised-address")
                    .status(r.up())
                    .withData("address", config.advertisedAddress())
                    .withData("detail", r.detail())
                    .build();
        }
    }

    /** The UDP port pool: its bind address works on this host. A full pool stays ready. */
    @Readiness
    @ApplicationScoped
    public static class UdpPool implements HealthCheck {

        @Inject
        LocalProbes probes;
        @Inject
        Allocations allocations;
        @Inject
        IngestConfig config;

        @Override
        public HealthCheckResponse call() {
            CachedProbe.Result r = probes.bind();
            return HealthCheckResponse.named("udp-pool")
                    .status(r.up() && allocations.started())
                    .withData("bindAddress", config.bindAddress())
                    .withData("portsFree", allocations.freePorts())
                    .withData("portsTotal", allocations.totalPorts())
                    .withData("detail", r.detail())
                    .build();
        }
    }

    /** Kafka answers and the publisher thread runs. */
    @Readiness
    @ApplicationScoped
    public static class Kafka implements HealthCheck {

        @Inject
        KafkaReachability kafka;
        @Inject
        MediaPublisher publisher;

        @Override
        public HealthCheckResponse call() {
            CachedProbe.Result r = kafka.current();
            return HealthCheckResponse.named("kafka")
                    .status(r.up() && publisher.draining())
                    .withData("detail", r.detail())
                    .withData("publishQueue", publisher.backlog())
                    .build();
        }
    }

    /** Live while the publisher thread runs; Kafka's state plays no part. */
    @Liveness
    @ApplicationScoped
    public static class Publisher implements HealthCheck {

        @Inject
        MediaPublisher publisher;

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("media-publisher").status(publisher.draining()).build();
        }
    }

    /** Started once the port pool is set up. */
    @Startup
    @ApplicationScoped
    public static class Started implements HealthCheck {

        @Inject
        Allocations allocations;

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("ingest-node").status(allocations.started()).build();
        }
    }
}
