package org.callrec.control.protocol;

import java.util.Set;

import org.callrec.control.allocation.IngestClient;
import org.callrec.control.config.ControlConfig;
import org.callrec.control.lease.LeaseRenewer;
import org.callrec.control.metrics.ControlMetrics;
import org.callrec.control.session.ControlConnection;
import org.callrec.control.session.ControlSessions;
import org.callrec.core.audio.AudioCodec;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.net.NetServerOptions;

/** Serves the phones' TCP control connections; several instances share the port. */
public final class ControlVerticle extends AbstractVerticle {

    private final ControlConfig config;
    private final IngestClient ingest;
    private final LeaseRenewer leases;
    private final ControlSessions sessions;
    private final Set<AudioCodec> codecs;
    private final ControlMetrics metrics;
    private int actualPort;

    public ControlVerticle(ControlConfig config, IngestClient ingest, LeaseRenewer leases, ControlSessions sessions,
                           Set<AudioCodec> codecs, ControlMetrics metrics) {
        this.config = config;
        this.ingest = ingest;
        this.leases = leases;
        this.sessions = sessions;
        this.codecs = codecs;
        this.metrics = metrics;
    }

    @Override
    public void start(Promise<Void> started) {
        vertx.createNetServer(new NetServerOptions().setTcpKeepAlive(true).setTcpNoDelay(true))
                .connectHandler(socket -> new ControlConnection(vertx, socket, config, ingest, leases, sessions, codecs,
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
