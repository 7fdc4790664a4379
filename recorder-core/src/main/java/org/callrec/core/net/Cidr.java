package org.callrec.core.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}); a bare
 * address is a network of one ({@code /32}, {@code /128}). Parsing never asks DNS: only address
 * literals are accepted. An IPv4-mapped IPv6 address ({@code ::ffff:10.1.2.3}) is the IPv4
 * address it carries, on both sides.
 */
public final class Cidr {

    private final byte[] network;
    private final int prefixLength;

    private Cidr(byte[] network, int prefixLength) {
        this.network = mask(network, prefixLength);
        this.prefixLength = prefixLength;
    }

    /**
     * Parses {@code address[/prefix]}.
     *
     * @throws IllegalArgumentException when it is no address literal or the prefix is out of range
     */
    public static Cidr parse(String text) {
        String s = text == null ? "" : text.strip();
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        byte[] bytes = parseLiteral(address);
        if (bytes == null) {
            throw new IllegalArgumentException("not an IP address literal: '" + text + "'");
        }
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("bad prefix length in '" + text + "'");
            }
            prefix = Integer.parseInt(p);
            if (address.contains(":") && bytes.length == 4) {
                // ::ffff:a.b.c.d/n counts the IPv6 bits
                prefix -= 96;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("prefix length out of range in '" + text + "'");
            }
        }
        return new Cidr(bytes, prefix);
    }

    /** Whether {@code address} lies in this network (an IPv4 address never lies in an IPv6 one). */
    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != network.length) {
            return false;
        }
        return Arrays.equals(mask(bytes, prefixLength), network);
    }

    /** The prefix length. */
    public int prefixLength() {
        return prefixLength;
    }

    /** {@code address} with every bit after the first {@code prefixLength} cleared. */
    public static byte[] mask(byte[] address, int prefixLength) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefixLength - 8 * i));
            out[i] &= (byte) (0xff << (8 - keep));
        }
        return out;
    }

    /** The address bytes of an IPv4 or IPv6 literal (4 bytes for an IPv4-mapped one), or null. */
    private static byte[] parseLiteral(String s) {
        if (s.isEmpty()) {
            return null;
        }
        if (s.indexOf(':') < 0) {
            return parseIpv4(s);
        }
        // An IPv6 literal: InetAddress parses it without any lookup once it only holds these characters
        if (!s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            return null;
        }
        try {
            InetAddress a = InetAddress.getByName(s);
            return a.getAddress(); // 4 bytes when it is IPv4-mapped (an Inet4Address)
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] parseIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefixLength == prefixLength && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }
}
