package org.callrec.control.protocol;

import org.callrec.control.session.ConnectionServices;
import org.callrec.control.session.ControlConnection;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.net.NetServerOptions;

/** Serves the phones' TCP control connections; several instances share the port. */
public final class ControlVerticle extends AbstractVerticle {

    private final ConnectionServices services;
    private int actualPort;

    public ControlVerticle(ConnectionServices services) {
        this.services = services;
    }

    @Override
    public void start(Promise<Void> started) {
        vertx.createNetServer(new NetServerOptions().setTcpKeepAlive(true).setTcpNoDelay(true))
                .connectHandler(socket -> new ControlConnection(vertx, socket, services).start())
                .listen(services.config().port(), services.config().host())
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
