package org.callrec.control.admission;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.control.config.ControlConfig;
import org.callrec.core.net.Cidr;
import org.jboss.logging.Logger;

/**
 * Who may connect to the phone port, and how much each source may take: the allowed networks
 * and the connection caps (checked when a connection is accepted), the open recordings and the
 * start rate of each source (checked when a start is about to allocate). Shared by every control
 * verticle: thread-safe.
 *
 * <p>A source is the remote IPv4 address, or the /64 prefix of an IPv6 one (the addresses of one
 * LAN). What is kept per source lives while the source holds a connection or a recording, and
 * then until its start bucket is full again ({@link #sweep()}): disconnecting does not reset a
 * source's start rate, and the table never holds more than the sources that connected recently.
 */
@ApplicationScoped
public class Admission {

    private static final Logger LOG = Logger.getLogger(Admission.class);
    /** IPv6 sources are grouped by this prefix length. */
    static final int IPV6_SOURCE_PREFIX = 64;

    private final List<Cidr> allowed;
    private final int maxConnections;
    private final int maxConnectionsPerSource;
    private final int maxRecordingsPerSource;
    private final double startRate;
    private final int startBurst;
    private final LongSupplier nanoClock;
    private final AtomicInteger connections = new AtomicInteger();
    private final Map<String, Source> sources = new ConcurrentHashMap<>();

    @Inject
    public Admission(ControlConfig config) {
        this(config.admission(), DescriptorLimit.connectionCap(config.admission().maxConnections(),
                DescriptorLimit.maxFileDescriptors()), System::nanoTime);
    }

    Admission(ControlConfig.Admission config, int maxConnections, LongSupplier nanoClock) {
        this.allowed = config.allowedNetworks().orElse(List.of()).stream()
                .filter(s -> !s.isBlank())
                .map(s -> {
                    try {
                        return Cidr.parse(s);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("control.admission.allowed-networks: " + e.getMessage(), e);
                    }
                })
                .toList();
        this.maxConnections = maxConnections;
        this.maxConnectionsPerSource = config.maxConnectionsPerSource();
        this.maxRecordingsPerSource = config.maxOpenRecordingsPerSource();
        this.startRate = config.startRate();
        this.startBurst = config.startBurst();
        this.nanoClock = nanoClock;
        LOG.infof("Phone port admission: %s, at most %d connections (configured %d, descriptor limit %s), per source"
                        + " %d connections, %d open recordings, %s starts/s (burst %d)",
                allowed.isEmpty() ? "every source" : "sources in " + allowed, maxConnections, config.maxConnections(),
                DescriptorLimit.maxFileDescriptors().stream().mapToObj(Long::toString).findFirst().orElse("unknown"),
                maxConnectionsPerSource, maxRecordingsPerSource, startRate, startBurst);
    }

    /** One source's share: held by its connections, guarded by itself. */
    public final class Source {
        private final String key;
        private final TokenBucket starts;
        private int connections;
        private int recordings;

        private Source(String key) {
            this.key = key;
            this.starts = new TokenBucket(startRate, startBurst, nanoClock.getAsLong());
        }

        /** The source as logs show it: an IPv4 address or an IPv6 /64 (never a metric tag). */
        public String key() {
            return key;
        }

        private synchronized boolean idle(long now) {
            return connections == 0 && recordings == 0 && starts.isFull(now);
        }
    }

    /** The outcome of {@link #connect}: the source's share, or the limit that refused it. */
    public record Admitted(Source source, AdmissionLimit refused) {
        /** Whether the connection may stay. */
        public boolean ok() {
            return refused == null;
        }
    }

    /**
     * A connection from {@code remoteAddress} (an address literal) was accepted: counts it, or
     * says which limit refuses it (nothing is counted then).
     */
    public Admitted connect(String remoteAddress) {
        InetAddress address = literal(remoteAddress);
        String key = sourceKey(address, remoteAddress);
        if (!allowed.isEmpty() && (address == null || allowed.stream().noneMatch(c -> c.contains(address)))) {
            return new Admitted(null, AdmissionLimit.ALLOWED_NETWORKS);
        }
        if (connections.incrementAndGet() > maxConnections) {
            connections.decrementAndGet();
            return new Admitted(null, AdmissionLimit.CONNECTIONS);
        }
        AdmissionLimit[] refused = new AdmissionLimit[1];
        Source source = sources.compute(key, (k, s) -> {
            Source held = s != null ? s : new Source(k);
            synchronized (held) {
                if (held.connections >= maxConnectionsPerSource) {
                    refused[0] = AdmissionLimit.SOURCE_CONNECTIONS;
                } else {
                    held.connections++;
                }
            }
            return held;
        });
        if (refused[0] != null) {
            connections.decrementAndGet();
            return new Admitted(null, refused[0]);
        }
        return new Admitted(source, null);
    }

    /** A connection admitted by {@link #connect} closed. */
    public void disconnect(Source source) {
        connections.decrementAndGet();
        synchronized (source) {
            source.connections--;
        }
        forgetIfIdle(source.key);
    }

    /**
     * A start of {@code source} is about to allocate: reserves one of its open recordings and
     * takes a start token, or says which limit refuses it (then nothing is taken). A reserved
     * recording is given back with {@link #recordingEnded}.
     */
    public AdmissionLimit startRecording(Source source) {
        synchronized (source) {
            if (source.recordings >= maxRecordingsPerSource) {
                return AdmissionLimit.SOURCE_RECORDINGS;
            }
            if (!source.starts.tryTake(nanoClock.getAsLong())) {
                return AdmissionLimit.SOURCE_START_RATE;
            }
            source.recordings++;
            return null;
        }
    }

    /** {@code n} recordings reserved by {@link #startRecording} ended (or never opened). */
    public void recordingEnded(Source source, int n) {
        if (n == 0) {
            return;
        }
        synchronized (source) {
            source.recordings -= n;
        }
    }

    /** Forgets the sources that hold nothing and whose start bucket is full again. */
    public void sweep() {
        for (String key : sources.keySet()) {
            forgetIfIdle(key);
        }
    }

    private void forgetIfIdle(String key) {
        long now = nanoClock.getAsLong();
        sources.computeIfPresent(key, (k, s) -> s.idle(now) ? null : s);
    }

    /** Connections held now. */
    public int connections() {
        return connections.get();
    }

    /** The connection cap in force (configured, and below the descriptor limit). */
    public int maxConnections() {
        return maxConnections;
    }

    /** Sources remembered now (holding something, or with a start bucket not yet full). */
    public int sources() {
        return sources.size();
    }

    /** The source key of an address: the IPv4 address, or the IPv6 /64 prefix. */
    static String sourceKey(InetAddress address, String fallback) {
        if (address instanceof Inet6Address) {
            try {
                return InetAddress.getByAddress(Cidr.mask(address.getAddress(), IPV6_SOURCE_PREFIX)).getHostAddress()
                        + "/" + IPV6_SOURCE_PREFIX;
            } catch (UnknownHostException e) {
                return fallback;
            }
        }
        return address != null ? address.getHostAddress() : fallback;
    }

    /** The address of a literal as the socket reports it (no DNS: only literals are parsed), or null. */
    private static InetAddress literal(String text) {
        try {
            Cidr.parse(text.contains("%") ? text.substring(0, text.indexOf('%')) : text);
            return InetAddress.getByName(text.contains("%") ? text.substring(0, text.indexOf('%')) : text);
        } catch (IllegalArgumentException | UnknownHostException e) {
            return null;
        }
    }
}
