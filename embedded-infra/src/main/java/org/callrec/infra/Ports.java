package org.callrec.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free TCP ports for servers that cannot report the port they bound to port 0. */
final class Ports {

    private Ports() {
    }

    /**
     * A port that was free on {@code host} a moment ago. Another process may take it before the
     * caller binds it: callers retry on a bind failure.
     */
    static int pick(String host) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free port on " + host, e);
        }
    }
}
