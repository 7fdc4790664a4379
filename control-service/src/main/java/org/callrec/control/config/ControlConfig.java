package org.callrec.control.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Every setting of control-service. Each key also works as an env var ({@code CONTROL_PORT}). */
@ConfigMapping(prefix = "control")
public interface ControlConfig {

    /** TCP port phones connect to ({@code serverPort} in the phone's web UI). Defaults to 10000. */
    @WithDefault("10000")
    int port();

    /** Local address the TCP server binds to. Defaults to 0.0.0.0. */
    @WithDefault("0.0.0.0")
    String host();

    /**
     * The default tenant: with {@code control.tenants.registry=false} every recording's tenant;
     * with the registry, the tenant of unregistered devices under
     * {@code control.tenants.unknown-devices=default} (when it accepts unknown devices).
     * Defaults to default.
     */
    @WithDefault("default")
    String defaultTenant();

    /** Tenants: the registry replica, the unknown-device policy, the limit across replicas. */
    Tenants tenants();

    /**
     * Codecs accepted in {@code codec=}; others are answered {@code reason=unsupported-codec}.
     * Every codec storage can decode is accepted by default (G.722 is stored as 16 kHz audio).
     * Defaults to PCMA,PCMU,G722.
     */
    @WithDefault("PCMA,PCMU,G722")
    List<String> codecs();

    /** Command framing. */
    Protocol protocol();

    /** The media-ingest nodes. */
    Ingest ingest();

    /** Leases of the open recordings on their ingest nodes. */
    Lease lease();

    /** What happens on SIGTERM. */
    Shutdown shutdown();

    /** Who may connect to the phone port and how much each source may take. */
    Admission admission();

    /** Log lines about bad input. */
    Log log();

    /**
     * Admission control on the phone port. A "source" is the connection's remote IPv4 address,
     * or the /64 prefix of its IPv6 address (one site's LAN). The defaults let one customer site
     * of a few hundred phones behind one NAT address work (see the service docs).
     */
    interface Admission {
        /**
         * Networks (CIDR, IPv4 or IPv6, a bare address is one host) phones may connect from;
         * others get {@code forbidden-source} and are closed. Empty: every source. Defaults to empty.
         */
        Optional<List<String>> allowedNetworks();

        /**
         * Connections this instance holds at most; the next one gets {@code too-many-connections}
         * and is closed. The limit in force is the smaller of this and three quarters of the
         * process's file-descriptor limit. Defaults to 10000.
         */
        @WithDefault("10000")
        int maxConnections();

        /** Connections one source may hold at once. Defaults to 500. */
        @WithDefault("500")
        int maxConnectionsPerSource();

        /**
         * Recordings one source may hold open at once, over all its connections; the next start
         * is answered {@code too-many-recordings}. Defaults to 400.
         */
        @WithDefault("400")
        int maxOpenRecordingsPerSource();

        /**
         * Starts per second one source may make on average (a token bucket refilled at this
         * rate); a start over it is answered {@code rate-limited}. Defaults to 5.
         */
        @WithDefault("5")
        double startRate();

        /** Starts one source may make in a burst (the token bucket's size). Defaults to 100. */
        @WithDefault("100")
        int startBurst();

        /**
         * A connection that holds no recording and sent nothing for this long is closed (a
         * connection with an open recording is never closed by it: a call on hold sends no
         * commands). 0 turns it off. Defaults to 5m.
         */
        @WithDefault("5m")
        Duration idleTimeout();

        /**
         * Commands one connection may have read but not yet answered. Reading pauses when the
         * queue is full (and while answers are not being read by the peer); a read bringing more
         * than fit is answered {@code too-many-commands} and the connection is closed. Defaults to 32.
         */
        @WithDefault("32")
        int maxQueuedCommands();
    }

    /** Whose recording a start is, and the tenants' concurrent-recordings limit (docs, "Tenants"). */
    interface Tenants {
        /**
         * Whether starts are resolved against the registry replica (read from the catalog's
         * topic {@code callrec.registry}): unknown devices, disabled devices, suspended tenants,
         * networks and limits. {@code false}: every recording goes to {@code control.default-tenant},
         * unchecked (a deployment without catalog). Defaults to true.
         */
        @WithDefault("true")
        boolean registry();

        /**
         * What a start from an unregistered MAC that no tenant's network claims gets:
         * {@code refuse} ({@code unknown-device}), {@code quarantine} (recorded into
         * {@code control.tenants.quarantine-tenant}) or {@code default} (recorded into
         * {@code control.default-tenant} when that tenant accepts unknown devices). Defaults to default.
         */
        @WithDefault("default")
        String unknownDevices();

        /** The tenant unregistered devices are recorded into under {@code unknown-devices=quarantine}. Defaults to quarantine. */
        @WithDefault("quarantine")
        String quarantineTenant();

        /**
         * This instance's id on the activity topic (the key of its record) and in its consumer
         * group ids. Must differ between replicas. Defaults to control-&lt;random UUID&gt;, new at every start.
         */
        Optional<String> instanceId();

        /** How the replicas tell each other their open recordings per tenant. */
        Activity activity();

        /** The activity topic ({@code callrec.tenant.activity}), through which replicas share a tenant's limit. */
        interface Activity {
            /** Shortest time between two publications after a change (changes in between are coalesced). Defaults to 250ms (100ms cost the fleet benchmark ~0.5 CPU s of control and its start-answer p50; BENCHMARKS.md). */
            @WithDefault("250ms")
            Duration publishInterval();

            /** Publication without change, so that peers know the instance lives. Defaults to 1s. */
            @WithDefault("1s")
            Duration heartbeat();

            /** A peer's entry older than this (by its publication time) counts for nothing: that instance is gone. Defaults to 5s. */
            @WithDefault("5s")
            Duration expiry();
        }
    }

    /** Log lines about bad input (refused connections and starts, unparsable or unknown commands). */
    interface Log {
        /** Lines of one category written per {@code control.log.bad-input-interval}; the rest are counted. Defaults to 20. */
        @WithDefault("20")
        int badInputLines();

        /** The interval of {@code control.log.bad-input-lines}, after which one "suppressed K" line is written. Defaults to 10s. */
        @WithDefault("10s")
        Duration badInputInterval();
    }

    /** Leases (the ingest node ends a recording whose lease is older than its {@code ingest.lease.ttl}). */
    interface Lease {
        /**
         * How often the open recordings' leases are renewed, one request per ingest node. Must
         * be well below the nodes' {@code ingest.lease.ttl} (45s by default). Defaults to 10s.
         */
        @WithDefault("10s")
        Duration renewInterval();
    }

    /** Graceful shutdown. */
    interface Shutdown {
        /**
         * After SIGTERM, how long the instance keeps serving the open recordings (stops are
         * answered, new starts refused with {@code shutting-down}) before it exits, leaving
         * what is still open to the ingest nodes' leases. Defaults to 20s.
         */
        @WithDefault("20s")
        Duration drain();
    }

    /** Command framing (PROTOCOL.md, "Framing"). */
    interface Protocol {
        /** Longest command accepted, bytes; a longer one closes the connection. Defaults to 4096. */
        @WithDefault("4096")
        int maxCommandBytes();

        /**
         * How long the connection must stay quiet before an unterminated command that is
         * already complete is acted on (a phone that sends one command per write, without
         * terminator). Longer is safer against commands cut by TCP, shorter answers sooner.
         * Defaults to 20ms.
         */
        @WithDefault("20ms")
        Duration unterminatedCommandDelay();

        /**
         * How long an incomplete unterminated command waits for the rest before it is taken
         * as it is (and most likely answered {@code bad-request}). Defaults to 500ms.
         */
        @WithDefault("500ms")
        Duration incompleteCommandTimeout();

        /** Most recordings one connection may hold open at once. Defaults to 8. */
        @WithDefault("8")
        int maxOpenRecordingsPerConnection();

        /** Verticle instances serving connections (0 = one per event loop). Defaults to 0. */
        @WithDefault("0")
        int instances();
    }

    /** The media-ingest nodes and how they are called. */
    interface Ingest {
        /**
         * Base URLs of the ingest nodes' internal API, tried in turn from a rotating start;
         * a node that fails, times out or is full is skipped. Defaults to http://127.0.0.1:8082.
         */
        @WithDefault("http://127.0.0.1:8082")
        List<String> nodes();

        /** Timeout of one call to an ingest node. Defaults to 2s. */
        @WithDefault("2s")
        Duration timeout();

        /**
         * Most HTTP/1.1 connections kept open to one ingest node; a call finds a free one or waits
         * for one within {@code timeout}. Vert.x's default of 5 made a burst of starts wait for a
         * connection (and fail {@code no-capacity}) while the node had room. Defaults to 64.
         */
        @WithDefault("64")
        int maxConnections();

        /** Attempts to end a recording on its node before giving up. Defaults to 3. */
        @WithDefault("3")
        int releaseAttempts();

        /**
         * How often each ingest node is asked {@code GET /internal/v1/node}, so that readiness
         * knows whether any node answers while no call is made. The service is ready while at
         * least one node answered (this probe, an allocation or a release, whatever the status)
         * within three intervals. Defaults to 5s.
         */
        @WithDefault("5s")
        Duration probeInterval();

        /**
         * File of the service credential sent on every call to a node
         * ({@code Authorization: Bearer <token>}): its first token (one per line, 16 to 512
         * characters {@code [A-Za-z0-9._~+/=-]}, blank lines and {@code #} comments ignored). The
         * nodes accept the tokens of their {@code ingest.api.token-file}. The service does not
         * start without a usable file. Defaults to nothing: required in every profile but
         * {@code %test}.
         */
        Path tokenFile();

        /**
         * How often the token file is read again, so that a rotated token is sent without a
         * restart; a file that became unusable keeps the token read before (logged at WARN).
         * Defaults to 10s.
         */
        @WithDefault("10s")
        Duration tokenReloadInterval();

        /**
         * PEM file of the CA certificate(s) that sign the nodes' TLS certificates, for
         * {@code https://} node URLs in {@code control.ingest.nodes}; the host name (or IP) of
         * the URL must be in the certificate. Unset, the JVM's default trust store is used.
         * Defaults to unset.
         */
        Optional<Path> trustFile();
    }
}
