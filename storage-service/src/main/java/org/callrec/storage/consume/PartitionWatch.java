package org.callrec.storage.consume;

import java.time.Duration;
import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * How far the assigned partitions are read: asks the broker for their end offsets and tells
 * {@link PartitionProgress} (with the consumer's positions), the basis on which open recordings
 * without records are ended as {@code ingest-lost}; and sums the consumer's lag. Used on the
 * consumer thread only (a {@link Consumer} is not thread-safe).
 */
final class PartitionWatch {

    private static final Logger LOG = Logger.getLogger(PartitionWatch.class);
    private static final Duration PROBE_TIMEOUT_CAP = Duration.ofSeconds(5);

    private final Consumer<?, ?> consumer;
    private final PartitionProgress progress;
    private final String topic;
    private final Duration probeTimeout;
    private boolean warnedProbe;

    /**
     * @param requestTimeout {@code storage.kafka.request-timeout}; a probe waits at most that, and
     *                       never more than 5 s
     */
    PartitionWatch(Consumer<?, ?> consumer, PartitionProgress progress, String topic, Duration requestTimeout) {
        this.consumer = consumer;
        this.progress = progress;
        this.topic = topic;
        this.probeTimeout = requestTimeout.compareTo(PROBE_TIMEOUT_CAP) < 0 ? requestTimeout : PROBE_TIMEOUT_CAP;
    }

    /**
     * Asks the broker for the end offsets of the assigned partitions and tells the
     * {@link PartitionProgress} (with the consumer's positions) how far they are read. A failure
     * (broker unreachable) resets the silence of every open recording.
     */
    void probeProgress() {
        Set<TopicPartition> assigned = consumer.assignment();
        if (assigned.isEmpty()) {
            return;
        }
        long sentAt = System.nanoTime();
        try {
            progress.probed(consumer.endOffsets(assigned, probeTimeout), sentAt);
            for (TopicPartition tp : assigned) {
                try {
                    progress.position(tp, consumer.position(tp, Duration.ZERO));
                } catch (TimeoutException notKnownYet) {
                    // no position yet (just assigned): nothing is read through there
                }
            }
            if (warnedProbe) {
                LOG.infof("Kafka answers again: silence of open recordings is counted from now");
                warnedProbe = false;
            }
        } catch (WakeupException e) {
            // stopping
        } catch (KafkaException e) {
            progress.probeFailed();
            if (!warnedProbe) {
                LOG.warnf("Cannot read the end offsets of %s (%s); no recording is judged ingest-lost until Kafka"
                        + " answers again", topic, e.toString());
                warnedProbe = true;
            }
        }
    }

    /** Sums, over the assigned partitions, how far the position trails the end (cached metadata, no request). */
    long lag() {
        long sum = 0;
        for (TopicPartition tp : consumer.assignment()) {
            var partitionLag = consumer.currentLag(tp);
            if (partitionLag.isPresent()) {
                sum += partitionLag.getAsLong();
            }
        }
        return sum;
    }
}
