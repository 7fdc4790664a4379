package org.callrec.ingest.health;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Whether {@code ingest.advertised-address} is something a phone can be sent to: not empty, not
 * a wildcard ({@code 0.0.0.0}, {@code ::}), not multicast, and, for a host name, resolvable.
 * Loopback is allowed (phone and node on one host: the local run, tests).
 */
public final class AdvertisedAddress {

    /** Resolves a host name or IP literal (blocking for a name: DNS). */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private AdvertisedAddress() {
    }

    /**
     * Why {@code address} cannot be advertised, or empty when it can. Blocking (DNS): never call
     * it on an event loop.
     */
    public static Optional<String> problem(String address, Resolver resolver) {
        if (address == null || address.isBlank()) {
            return Optional.of("no advertised address is set");
        }
        String a = address.strip();
        InetAddress[] resolved;
        try {
            resolved = resolver.resolve(a);
        } catch (UnknownHostException e) {
            return Optional.of(a + " does not resolve");
        }
        if (resolved == null || resolved.length == 0) {
            return Optional.of(a + " does not resolve");
        }
        for (InetAddress ip : resolved) {
            if (ip.isAnyLocalAddress()) {
                return Optional.of(a + " is a wildcard address, phones cannot send to it");
            }
            if (ip.isMulticastAddress()) {
                return Optional.of(a + " is a multicast address");
            }
        }
        return Optional.empty();
    }
}
