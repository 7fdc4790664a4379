package org.callrec.control.metrics;

import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.control.admission.AdmissionLimit;
import org.callrec.core.protocol.Command;
import org.callrec.core.protocol.RefusalReason;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The service's meters, at {@code /q/metrics} on the management port. Tags come from small
 * fixed sets: never a recording id, a phone id or a device.
 */
@ApplicationScoped
public class ControlMetrics {

    /** {@code command} tag of a command whose {@code cmd} is neither a start nor a stop. */
    public static final String OTHER_COMMAND = "other";
    /** {@code command} tag of bytes that are no command (unparsable, over the size limit). */
    public static final String INVALID_COMMAND = "invalid";
    /** {@code result} tag of a successful command. */
    public static final String SUCCESS = "success";
    /** {@code result} tag of a start whose phone left while its allocation was in flight. */
    public static final String CONNECTION_CLOSED = "connection-closed";
    /** {@code result} tag of a node's error token we do not know (kept out of the tag values). */
    public static final String REJECTED = "rejected";

    /** {@code reason} tag of a registry record that is not JSON of its key's kind, or not its key's. */
    public static final String REGISTRY_MALFORMED = "malformed";
    /** {@code reason} tag of a registry record whose key is neither {@code tenant:…} nor {@code device:…}. */
    public static final String REGISTRY_UNKNOWN_KEY = "unknown-key";

    /** The {@code result} tag values: the three above and every {@link RefusalReason} token. */
    private static final Set<String> KNOWN_RESULTS = Stream.concat(Stream.of(SUCCESS, CONNECTION_CLOSED, REJECTED),
            Arrays.stream(RefusalReason.values()).map(RefusalReason::token)).collect(Collectors.toUnmodifiableSet());

    private final MeterRegistry registry;
    private final AtomicInteger activeRecordings = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger readingPaused = new AtomicInteger();

    @Inject
    public ControlMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("callrec.control.recordings.active", activeRecordings, AtomicInteger::get)
                .description("Recordings open on this instance's phone connections")
                .register(registry);
        Gauge.builder("callrec.control.connections.active", connections, AtomicInteger::get)
                .description("Phone control connections open on this instance")
                .register(registry);
        Gauge.builder("callrec.control.connections.reading.paused", readingPaused, AtomicInteger::get)
                .description("Connections whose reading is paused: their command queue is full or their answers back up")
                .register(registry);
        for (AdmissionLimit limit : AdmissionLimit.values()) {
            admissionCounter(limit); // every pair shows from the start, at 0
        }
        registry.counter("callrec.control.connections.idle.closed");
        for (String reason : new String[] {REGISTRY_MALFORMED, REGISTRY_UNKNOWN_KEY}) {
            registryDropped(reason);
        }
        activityDropped();
        activityDelay = Timer.builder("callrec.control.tenants.activity.delay")
                .description("Age of another replica's activity entry when it arrives: the propagation delay of the"
                        + " tenants' limit across replicas (plus the publish interval)")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
    }

    private final Timer activityDelay;

    private Counter registryDropped(String reason) {
        return Counter.builder("callrec.control.registry.records.dropped")
                .description("Registry records dropped because they do not decode")
                .tag("reason", reason)
                .register(registry);
    }

    private Counter activityDropped() {
        return Counter.builder("callrec.control.tenants.activity.dropped")
                .description("Activity records of other replicas dropped because they do not decode")
                .register(registry);
    }

    /** A registry record was dropped ({@link #REGISTRY_MALFORMED}, {@link #REGISTRY_UNKNOWN_KEY}). */
    public void registryRecordDropped(String reason) {
        registryDropped(reason).increment();
    }

    /** Publishes the replica's size. */
    public void registrySize(java.util.function.IntSupplier tenants, java.util.function.IntSupplier devices) {
        Gauge.builder("callrec.control.registry.tenants", tenants::getAsInt)
                .description("Tenants in this instance's registry replica").register(registry);
        Gauge.builder("callrec.control.registry.devices", devices::getAsInt)
                .description("Devices in this instance's registry replica").register(registry);
    }

    /** Publishes how many other replicas' activity entries are fresh. */
    public void activityPeers(java.util.function.IntSupplier peers) {
        Gauge.builder("callrec.control.tenants.activity.peers", peers::getAsInt)
                .description("Other control replicas whose tenant activity is fresh (within control.tenants.activity.expiry)")
                .register(registry);
    }

    /** Another replica's activity entry arrived {@code ageMillis} after it was published. */
    public void activityDelay(long ageMillis) {
        activityDelay.record(java.time.Duration.ofMillis(Math.max(0, ageMillis)));
    }

    /** Another replica's activity record did not decode. */
    public void activityRecordDropped() {
        activityDropped().increment();
    }

    private Counter admissionCounter(AdmissionLimit limit) {
        return Counter.builder("callrec.control.admission.refusals")
                .description("Connections, starts and reads refused by a limit of the phone port")
                .tag("limit", limit.tag())
                .tag("reason", limit.reason().token())
                .register(registry);
    }

    /** A limit of the phone port refused a connection, a start or a read. */
    public void admissionRefused(AdmissionLimit limit) {
        admissionCounter(limit).increment();
    }

    /** A connection holding no recording was closed after {@code control.admission.idle-timeout} of silence. */
    public void idleClosed() {
        registry.counter("callrec.control.connections.idle.closed").increment();
    }

    /** A connection's reading was paused ({@code true}) or resumed. */
    public void readingPaused(boolean paused) {
        readingPaused.addAndGet(paused ? 1 : -1);
    }

    /** Publishes the connection cap in force. */
    public void connectionLimit(int limit) {
        Gauge.builder("callrec.control.connections.limit", () -> limit)
                .description("Connections this instance accepts at most (control.admission.max-connections, below the descriptor limit)")
                .register(registry);
    }

    /**
     * A command was answered (or, for a start whose phone left, given up).
     *
     * @param command the command's {@code cmd} ({@code RecordStartRequest}, {@code RecordStopRequest})
     *                or {@link #OTHER_COMMAND} / {@link #INVALID_COMMAND}
     * @param result  {@link #SUCCESS} or the reason token of the failed answer (one not in
     *                {@link RefusalReason} is counted as {@link #REJECTED})
     */
    public void command(String command, String result) {
        String c = Command.START_REQUEST.equals(command) || Command.STOP_REQUEST.equals(command)
                || INVALID_COMMAND.equals(command) ? command : OTHER_COMMAND;
        String r = KNOWN_RESULTS.contains(result) ? result : REJECTED;
        registry.counter("callrec.control.commands", "command", c, "result", r).increment();
    }

    /** Publishes how many ingest nodes answered recently (see readiness). */
    public void ingestNodesAnswering(java.util.function.IntSupplier answering) {
        Gauge.builder("callrec.control.ingest.nodes.answering", answering::getAsInt)
                .description("Ingest nodes that answered within three probe intervals")
                .register(registry);
    }

    /** A recording was opened on a connection. */
    public void recordingOpened() {
        activeRecordings.incrementAndGet();
    }

    /** {@code n} recordings of a connection ended. */
    public void recordingsClosed(int n) {
        activeRecordings.addAndGet(-n);
    }

    /** A phone connected. */
    public void connectionOpened() {
        connections.incrementAndGet();
    }

    /** A phone's connection closed. */
    public void connectionClosed() {
        connections.decrementAndGet();
    }
}
