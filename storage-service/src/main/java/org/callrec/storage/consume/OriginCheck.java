package org.callrec.storage.consume;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.callrec.core.chunk.RecordOrigin;
import org.callrec.core.chunk.RecordType;
import org.callrec.storage.metrics.StorageMetrics;
import org.callrec.storage.metrics.StorageMetrics.SkipReason;
import org.jboss.logging.Logger;

/**
 * Keeps each recording to the records of the ingest node and port its START names
 * ({@link RecordOrigin}): a second START for an id that is open, or ended lately, from elsewhere is
 * refused ({@code foreign-start}); a MEDIA, ALIVE or END record from elsewhere is skipped
 * ({@code foreign-origin}). A record without the origin header (an ingest node of an earlier
 * version) counts as the open recording's own. One WARN per recording id (bounded), counters
 * always. Used by the {@link RecordingRouter} on the consumer thread only.
 */
final class OriginCheck {

    private static final Logger LOG = Logger.getLogger(OriginCheck.class);
    private static final int WARNED_IDS = 1024;
    /** Recently ended recordings whose origin is remembered (~150 bytes each). */
    private static final int ENDED_IDS = 100_000;

    private final StorageMetrics metrics;
    private final Map<String, RecordOrigin> ended = bounded(ENDED_IDS);
    private final Map<String, Boolean> warned = bounded(WARNED_IDS);

    OriginCheck(StorageMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * Whether a START from {@code origin} must be refused: its id is open from
     * {@code openOrigin} (null: not open) or ended lately from another node or port.
     */
    boolean refusesStart(String id, RecordOrigin origin, RecordOrigin openOrigin, TopicPartition tp, long offset) {
        RecordOrigin known = openOrigin != null ? openOrigin : ended.get(id);
        if (known == null || known.equals(origin)) {
            return false;
        }
        metrics.skipped(SkipReason.FOREIGN_START);
        if (warned.put(id, Boolean.TRUE) == null) {
            LOG.warnf("Recording %s: START at %s-%d from %s refused: the recording came from %s; its records are"
                    + " skipped (further ones are skipped silently)", id, tp, offset, origin, known);
        }
        return true;
    }

    /**
     * Whether a record from {@code origin} (null: no header) of the recording {@code id}, whose
     * START came from {@code expected}, comes from elsewhere: counted, and to be skipped.
     */
    boolean foreign(String id, RecordOrigin expected, RecordOrigin origin, TopicPartition tp, long offset,
                    RecordType type) {
        if (origin == null || origin.equals(expected)) {
            return false;
        }
        metrics.skipped(SkipReason.FOREIGN_ORIGIN);
        if (warned.put(id, Boolean.TRUE) == null) {
            LOG.warnf("Recording %s: %s record at %s-%d from %s, not from its node %s: skipped (further ones are"
                    + " skipped silently)", id, type, tp, offset, origin, expected);
        }
        return true;
    }

    /** The recording ended here (its own END): a later START from elsewhere is refused. */
    void ended(String id, RecordOrigin origin) {
        ended.put(id, origin);
    }

    private static <V> Map<String, V> bounded(int max) {
        return new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > max;
            }
        };
    }
}
