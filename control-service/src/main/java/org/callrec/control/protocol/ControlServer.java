package org.callrec.control.protocol;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.callrec.control.allocation.IngestClient;
import org.callrec.control.config.ControlConfig;
import org.callrec.control.metrics.ControlMetrics;
import org.callrec.core.audio.AudioCodec;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;

/** Deploys the control verticles when the application starts. */
@ApplicationScoped
public class ControlServer {

    private static final Logger LOG = Logger.getLogger(ControlServer.class);

    @Inject
    ControlConfig config;
    @Inject
    IngestClient ingest;
    @Inject
    ControlMetrics metrics;
    @Inject
    Vertx vertx;

    private volatile int port;

    void start(@Observes StartupEvent event) throws Exception {
        Set<AudioCodec> codecs = EnumSet.noneOf(AudioCodec.class);
        for (String name : config.codecs()) {
            codecs.add(AudioCodec.parse(name).orElseThrow(
                    () -> new IllegalArgumentException("control.codecs: unknown codec " + name)));
        }
        int instances = config.protocol().instances() > 0 ? config.protocol().instances()
                : Math.max(1, 2 * Runtime.getRuntime().availableProcessors());
        ControlVerticle[] first = new ControlVerticle[1];
        vertx.deployVerticle(() -> {
            ControlVerticle v = new ControlVerticle(config, ingest, codecs, metrics);
            if (first[0] == null) {
                first[0] = v;
            }
            return v;
        }, new DeploymentOptions().setInstances(instances))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        port = first[0].actualPort();
        LOG.infof("Control server listening on TCP %s:%d (codecs %s, tenant %s)", config.host(), port, codecs,
                config.defaultTenant());
    }

    /** The TCP port phones connect to; 0 until every control verticle listens. */
    public int port() {
        return port;
    }
}
