package org.callrec.ingest.allocation;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.ingest.config.IngestConfig;
import org.jboss.logging.Logger;

/**
 * What this node knows of its host: its node id ({@code ingest.node-id}, else the host name) and
 * its own interface addresses, from which a phone on the same host may send (the local run,
 * tests); and the checks of a phone's address (an IP literal, never a name to look up).
 */
@ApplicationScoped
public class ThisHost {

    private static final Logger LOG = Logger.getLogger(ThisHost.class);
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

    @Inject
    IngestConfig config;

    private String nodeId;
    /** This host's own interface addresses (loopback included). */
    private Set<InetAddress> addresses = Set.of();

    @PostConstruct
    void inspect() {
        nodeId = config.nodeId().orElseGet(ThisHost::hostName);
        addresses = interfaceAddresses();
    }

    /** This node's id. */
    public String nodeId() {
        return nodeId;
    }

    /**
     * The sources a phone at {@code phoneAddress} may send from besides that address: this
     * host's own addresses when the phone runs on this host (a phone that reached control
     * through 10.0.0.5 sends to an advertised 127.0.0.1 from 127.0.0.1), none otherwise.
     */
    public Set<InetAddress> sameHostSources(InetAddress phoneAddress) {
        return phoneAddress != null && addresses.contains(phoneAddress) ? addresses : Set.of();
    }

    /**
     * The address an IP literal names, parsed without a DNS lookup; null when {@code ip} is not
     * one ({@link #isIpLiteral}).
     */
    public static InetAddress ipLiteral(String ip) {
        if (ip == null || !isIpLiteral(ip)) {
            return null;
        }
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** A dotted-quad IPv4 address, or an IPv6 literal (never a name: no DNS lookup here). */
    static boolean isIpLiteral(String s) {
        if (IPV4.matcher(s).matches()) {
            return true;
        }
        if (!s.contains(":") || !s.matches("[0-9A-Fa-f:.]+")) {
            return false;
        }
        try {
            InetAddress.getByName(s); // an IPv6 literal: parsed, never looked up
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The canonical text of an IP literal ({@code ::1} for {@code 0:0:0:0:0:0:0:1}). */
    static String normaliseAddress(String ip) {
        try {
            return InetAddress.getByName(ip).getHostAddress();
        } catch (UnknownHostException e) {
            return ip;
        }
    }

    private static Set<InetAddress> interfaceAddresses() {
        Set<InetAddress> found = new HashSet<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    // without its scope (fe80::1%eth0): a datagram's sender carries none to compare
                    found.add(a instanceof java.net.Inet6Address ? InetAddress.getByAddress(a.getAddress()) : a);
                }
            }
        } catch (SocketException | UnknownHostException e) {
            LOG.warnf("Could not list this host's addresses: %s", e.toString());
        }
        return Set.copyOf(found);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "ingest";
        }
    }
}
