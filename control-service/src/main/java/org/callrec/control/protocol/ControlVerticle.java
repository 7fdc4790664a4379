package org.callrec.control.protocol;

import org.callrec.control.allocation.IngestAllocator;
import org.callrec.control.config.ControlConfig;
import org.callrec.control.lease.LeaseRenewer;
import org.callrec.control.metrics.ControlMetrics;
import org.callrec.control.session.ControlConnection;
import org.callrec.control.session.ControlSessions;
import org.callrec.core.protocol.StartRules;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.net.NetServerOptions;

/** Serves the phones' TCP control connections; several instances share the port. */
public final class ControlVerticle extends AbstractVerticle {

    private final ControlConfig config;
    private final IngestAllocator ingest;
    private final LeaseRenewer leases;
    private final ControlSessions sessions;
    private final StartRules startRules;
    private final ControlMetrics metrics;
    private int actualPort;

    public ControlVerticle(ControlConfig config, IngestAllocator ingest, LeaseRenewer leases, ControlSessions sessions,
                           StartRules startRules, ControlMetrics metrics) {
        this.config = config;
        this.ingest = ingest;
        this.leases = leases;
        this.sessions = sessions;
        this.startRules = startRules;
        this.metrics = metrics;
    }

    @Override
    public void start(Promise<Void> started) {
        vertx.createNetServer(new NetServerOptions().setTcpKeepAlive(true).setTcpNoDelay(true))
                .connectHandler(socket -> new ControlConnection(vertx, socket, config, ingest, leases, sessions, startRules,
                        metrics).start())
                .listen(config.port(), config.host())
                .onSuccess(server -> {
                    actualPort = server.actualPort();
                    started.complete();
                })
                .onFailure(started::fail);
    }

    /** The bound port (differs from the configured one when that is 0). */
    public int actualPort() {
        return actualPort;
    }
}
