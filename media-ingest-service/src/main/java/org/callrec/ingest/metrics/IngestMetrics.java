package org.callrec.ingest.metrics;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.callrec.core.chunk.DropReason;
import org.callrec.core.protocol.RefusalReason;
import org.callrec.ingest.allocation.Allocations;
import org.callrec.ingest.allocation.RecordingIdGuard;
import org.callrec.ingest.kafka.MediaPublisher;
import org.callrec.ingest.media.EventLoopDelay;
import org.callrec.ingest.media.PacketCounters;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * The node's meters, at {@code /q/metrics} on the management port. The packet path only adds to
 * {@link PacketCounters}; the registry reads them when scraped. Tags come from small fixed
 * sets: never a recording id, an SSRC or a phone.
 */
@ApplicationScoped
public class IngestMetrics {

    @Inject
    MeterRegistry registry;
    @Inject
    Allocations allocations;
    @Inject
    MediaPublisher publisher;
    @Inject
    PacketCounters counters;
    @Inject
    RecordingIdGuard ids;
    @Inject
    EventLoopDelay loopDelay;

    void register(@Observes StartupEvent event) {
        FunctionCounter.builder("callrec.ingest.packets.received", counters, PacketCounters::received)
                .description("Datagrams that reached a recording's UDP port")
                .register(registry);
        for (DropReason reason : PacketCounters.dropReasons()) {
            FunctionCounter.builder("callrec.ingest.packets.dropped", counters, c -> c.dropped(reason))
                    .description("Datagrams dropped, by reason")
                    .tag("reason", reason.token())
                    .register(registry);
        }
        FunctionCounter.builder("callrec.ingest.chunks.published", counters, PacketCounters::chunksPublished)
                .description("Media chunks handed to the Kafka producer")
                .register(registry);
        FunctionCounter.builder("callrec.ingest.recordings.started", allocations, Allocations::recordingsStarted)
                .description("Recordings allocated on this node")
                .register(registry);
        FunctionCounter.builder("callrec.ingest.recordings.ended", allocations, Allocations::recordingsEnded)
                .description("Recordings ended on this node (END record queued)")
                .register(registry);
        FunctionCounter.builder("callrec.ingest.recording.ids.refused", ids, RecordingIdGuard::refusedDuplicates)
                .description("Allocations refused because their recording id was not new")
                .tag("reason", RefusalReason.DUPLICATE_RECORDING.token())
                .register(registry);
        FunctionCounter.builder("callrec.ingest.recording.ids.refused", ids, RecordingIdGuard::refusedFull)
                .description("Allocations refused because their recording id was not new")
                .tag("reason", RefusalReason.NO_CAPACITY.token())
                .register(registry);
        FunctionCounter.builder("callrec.ingest.kafka.send.failures", publisher, MediaPublisher::sendFailures)
                .description("Records Kafka refused after its own retries")
                .register(registry);
        Gauge.builder("callrec.ingest.recordings.active", allocations, a -> a.sessions().size())
                .description("Recordings open on this node")
                .register(registry);
        Gauge.builder("callrec.ingest.ports.free", allocations, Allocations::freePorts)
                .description("UDP ports that can be handed out now (not in use, not in quarantine)")
                .register(registry);
        Gauge.builder("callrec.ingest.ports.total", allocations, Allocations::totalPorts)
                .description("UDP ports in the pool")
                .register(registry);
        FunctionCounter.builder("callrec.ingest.stream.relatched", counters, PacketCounters::relatched)
                .description("Recordings whose latched source was replaced by another of the phone's address after a silence")
                .register(registry);
        Gauge.builder("callrec.ingest.event.loop.delay", loopDelay, d -> d.worstDelayNanos() / 1e9)
                .description("How late the node's worst event loop runs a task (its packet path), seconds")
                .baseUnit("seconds")
                .register(registry);
        Gauge.builder("callrec.ingest.overloaded", loopDelay, d -> d.overloaded() ? 1 : 0)
                .description("1 while the node refuses new recordings because its packet path runs late")
                .register(registry);
        FunctionCounter.builder("callrec.ingest.overload.refusals", loopDelay, EventLoopDelay::refusals)
                .description("New recordings refused (no-capacity) because the node was overloaded")
                .register(registry);
        Gauge.builder("callrec.ingest.publish.queue.records", publisher, MediaPublisher::backlog)
                .description("Records waiting for the Kafka producer")
                .register(registry);
    }
}
