package org.callrec.storage.consume;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * Commits, per partition, only what {@link OffsetTracker} says is safe: never past the START of a
 * recording that is not stored yet. Used on the consumer thread only.
 */
final class OffsetCommitter {

    private static final Logger LOG = Logger.getLogger(OffsetCommitter.class);

    private final Consumer<?, ?> consumer;
    private final OffsetTracker tracker;
    private final Duration requestTimeout;

    OffsetCommitter(Consumer<?, ?> consumer, OffsetTracker tracker, Duration requestTimeout) {
        this.consumer = consumer;
        this.tracker = tracker;
        this.requestTimeout = requestTimeout;
    }

    /** Commits what is safe in the background (the periodic commit); a failure is retried next time. */
    void commitAsync() {
        Map<TopicPartition, OffsetAndMetadata> pending = tracker.pending(null);
        if (pending.isEmpty()) {
            return;
        }
        consumer.commitAsync(pending, (offsets, e) -> {
            if (e == null) {
                tracker.committed(offsets);
            } else {
                LOG.debugf("Commit of %s failed: %s", offsets, e.toString());
            }
        });
    }

    /**
     * Commits what is safe and waits (at a rebalance and at shutdown).
     *
     * @param among the partitions to commit; null for all
     */
    void commitSync(Collection<TopicPartition> among) {
        Map<TopicPartition, OffsetAndMetadata> pending = tracker.pending(among);
        if (pending.isEmpty()) {
            return;
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                consumer.commitSync(pending, requestTimeout);
                tracker.committed(pending);
                return;
            } catch (WakeupException e) {
                // the wake-up meant for poll() hit this call instead: once more
            } catch (KafkaException e) {
                LOG.warnf("Commit of %s failed (%s); those records are read again later", pending, e.toString());
                return;
            }
        }
    }
}
