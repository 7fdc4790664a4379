package org.callrec.control.protocol;

import org.callrec.control.session.ConnectionServices;
import org.callrec.control.session.ControlConnection;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.net.NetServerOptions;

/**
 * Serves the phones' TCP control connections; several instances share the port.
 *
 * <p>Each connection's socket receive buffer, and the buffer each read fills, is
 * {@link #READ_BUFFER_BYTES} (or two commands of {@code control.protocol.max-command-bytes},
 * whichever is larger): phones send a few short commands, and a connection whose reading is
 * paused (back-pressure) then holds at most a few such buffers, not Netty's default 64 KiB ones.
 */
public final class ControlVerticle extends AbstractVerticle {

    /** Smallest socket receive / read buffer of a phone connection, bytes. */
    public static final int READ_BUFFER_BYTES = 16 * 1024;

    private final ConnectionServices services;
    private int actualPort;

    public ControlVerticle(ConnectionServices services) {
        this.services = services;
    }

    @Override
    public void start(Promise<Void> started) {
        int readBuffer = Math.max(READ_BUFFER_BYTES, 2 * (services.config().protocol().maxCommandBytes() + 2));
        vertx.createNetServer(new NetServerOptions().setTcpKeepAlive(true).setTcpNoDelay(true)
                        .setReceiveBufferSize(readBuffer))
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
