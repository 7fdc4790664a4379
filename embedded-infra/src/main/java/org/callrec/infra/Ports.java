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

    /** As {@link #pick}, but never {@code taken} (a port picked a moment ago may be picked again). */
    static int pickOtherThan(String host, int taken) {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = pick(host);
            if (port != taken) {
                return port;
            }
        }
        throw new IllegalStateException("The system keeps handing out port " + taken + " on " + host);
    }

    /** {@code port} if it is 0 (pick one) or a valid TCP port; otherwise an IllegalArgumentException. */
    static int checked(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        return port;
    }
}
