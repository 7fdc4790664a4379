package org.callrec.catalog.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * The SSRF rule of webhooks: a receiver must be on a public address. Refused (unless
 * {@code catalog.webhooks.allow-private-networks}): loopback (127/8, ::1), unspecified and
 * "this network" (0/8, ::), private (10/8, 172.16/12, 192.168/16, fc00::/7, the deprecated
 * site-local fec0::/10), link-local (169.254/16 — cloud metadata services — and fe80::/10),
 * CGNAT shared space (100.64/10), multicast (224/4, ff00::/8) and the reserved 240/4 (with the
 * broadcast address). An IPv6 address that carries an IPv4 one (IPv4-mapped {@code ::ffff:a.b.c.d},
 * which Java turns into the IPv4 address itself, IPv4-compatible {@code ::a.b.c.d}, NAT64
 * {@code 64:ff9b::/96}) is judged by the IPv4 address.
 */
public final class AddressGuard {

    /** {@code last_error} of an attempt refused by this rule. */
    public static final String PRIVATE_NETWORK = "private-network";

    private AddressGuard() {
    }

    /** Whether {@code a} is one of the refused addresses. */
    public static boolean isPrivate(InetAddress a) {
        if (a instanceof Inet6Address v6) {
            Optional<Inet4Address> embedded = embeddedIpv4(v6);
            if (embedded.isPresent()) {
                return isPrivate(embedded.get());
            }
        }
        if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress()
                || a.isSiteLocalAddress() || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0                                   // "this network" 0/8
                    || first == 127                             // loopback (all of 127/8)
                    || first == 10
                    || (first == 172 && second >= 16 && second <= 31)
                    || (first == 192 && second == 168)
                    || (first == 169 && second == 254)
                    || (first == 100 && second >= 64 && second <= 127) // CGNAT 100.64/10
                    || first >= 224;                            // multicast 224/4, reserved 240/4, broadcast
        }
        // IPv6: unique local fc00::/7 (Java's isSiteLocalAddress covers only fec0::/10)
        return (b[0] & 0xfe) == 0xfc;
    }

    /**
     * The addresses {@code host} resolves to, all of them public (or {@code allowPrivate});
     * empty when any of them is refused.
     *
     * @throws UnknownHostException when the name does not resolve
     */
    public static Optional<List<InetAddress>> resolve(String host, boolean allowPrivate) throws UnknownHostException {
        List<InetAddress> all = List.of(InetAddress.getAllByName(host));
        if (!allowPrivate && all.stream().anyMatch(AddressGuard::isPrivate)) {
            return Optional.empty();
        }
        return Optional.of(all);
    }

    /**
     * The address a URL's host names when it is a literal IP address (IPv4 dotted quad, or IPv6
     * in brackets), without any name lookup; empty for a host name.
     *
     * @throws IllegalArgumentException for a host of digits and dots that is not a dotted quad
     *                                  (e.g. {@code 127.1}, which resolvers read as 127.0.0.1)
     */
    public static Optional<InetAddress> literal(String host) {
        try {
            if (host.startsWith("[") && host.endsWith("]")) {
                String inner = host.substring(1, host.length() - 1);
                if (!inner.matches("[0-9A-Fa-f:.%a-zA-Z]+") || !inner.contains(":")) {
                    throw new IllegalArgumentException("not an IPv6 address");
                }
                return Optional.of(InetAddress.getByName(inner));
            }
            if (host.matches("[0-9.]+")) {
                if (!host.matches("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}")) {
                    throw new IllegalArgumentException("a numeric host must be a dotted-quad IPv4 address");
                }
                return Optional.of(InetAddress.getByName(host));
            }
            if (host.matches("(?i)0x[0-9a-f.x]*") || host.contains(":")) {
                throw new IllegalArgumentException("not a host name or IP address");
            }
            return Optional.empty();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address");
        }
    }

    private static Optional<Inet4Address> embeddedIpv4(Inet6Address a) {
        byte[] b = a.getAddress();
        boolean compatible = true; // ::a.b.c.d (not :: and ::1)
        for (int i = 0; i < 12; i++) {
            compatible &= b[i] == 0;
        }
        boolean nat64 = b[0] == 0x00 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
        for (int i = 4; i < 12 && nat64; i++) {
            nat64 = b[i] == 0;
        }
        boolean mapped = true; // ::ffff:a.b.c.d, should Java ever hand one over as Inet6Address
        for (int i = 0; i < 10; i++) {
            mapped &= b[i] == 0;
        }
        mapped &= (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        if (compatible) {
            int tail = (b[12] | b[13] | b[14]) & 0xff;
            if (tail == 0 && (b[15] & 0xff) <= 1) {
                return Optional.empty(); // :: and ::1 themselves
            }
        }
        if (!(compatible || nat64 || mapped)) {
            return Optional.empty();
        }
        try {
            return Optional.of((Inet4Address) InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }
}
