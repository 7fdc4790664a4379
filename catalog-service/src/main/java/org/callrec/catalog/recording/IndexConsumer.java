package org.callrec.catalog.recording;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.catalog.config.CatalogConfig;
import org.callrec.catalog.db.DbException;
import org.callrec.catalog.objectstore.ObjectStore;
import org.callrec.core.completion.CompletionEvent;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;

/**
 * Builds the index from the completion events ({@code recordings-in}, topic
 * {@code callrec.recording.completed}): reads the metadata document the event names from the
 * bucket and indexes it. While S3 or the database fails it retries (back-off up to
 * {@code catalog.index.max-retry-interval}) and the offset stays where it is, so no recording is
 * skipped; an event that is not a completion, whose document is missing, too large or does not
 * match the event, or whose entry the database refuses as data (SQLSTATE class 22 or 23), is
 * counted in {@code callrec_catalog_index_events_total{outcome}} and skipped (a reindex picks the
 * recording up should its document appear).
 */
@ApplicationScoped
public class IndexConsumer {

    private static final Logger LOG = Logger.getLogger(IndexConsumer.class);

    @Inject
    ObjectStore store;
    @Inject
    RecordingIndex index;
    @Inject
    CatalogConfig config;
    @Inject
    MeterRegistry registry;
    @Inject
    com.fasterxml.jackson.databind.ObjectMapper mapper;

    @Incoming("recordings-in")
    // one event at a time, in order: measured faster here than several at once on the worker pool
    // (BENCHMARKS.md, "Recordings archive"), S3 and the database being the bottleneck
    @Blocking
    public void consume(String json) throws InterruptedException {
        CompletionEvent e;
        try {
            e = json == null ? null : CompletionEvent.fromJson(json);
        } catch (IllegalArgumentException ex) {
            e = null;
        }
        if (e == null || !e.isCompletion() || e.recordingId().isEmpty() || e.bucket().isEmpty()
                || e.metadataKey().isEmpty()) {
            count("malformed");
            return;
        }
        Optional<byte[]> doc;
        try {
            doc = readWithRetry(e);
        } catch (ObjectStore.TooLarge ex) {
            count("too-large");
            return;
        }
        if (doc.isEmpty()) {
            count("missing");
            LOG.warnf("Recording %s: no metadata document %s in bucket %s; not indexed", e.recordingId(),
                    e.metadataKey(), e.bucket());
            return;
        }
        String docId = idOf(doc.get());
        if (!e.recordingId().equals(docId)) {
            count("mismatch");
            return;
        }
        CompletionEvent event = e;
        RecordingIndex.Outcome outcome;
        try {
            outcome = index.indexRetrying(doc.get(), e.bucket(), config.index().maxRetryInterval(), ex -> {
                count("db-retry");
                LOG.debugf("Recording %s: %s; trying again", event.recordingId(), ex.getMessage());
            });
        } catch (DbException ex) {
            count("rejected");
            LOG.warnf("Recording %s refused by the database (%s): not indexed", e.recordingId(), ex.getMessage());
            return;
        }
        count(outcome.name().toLowerCase(java.util.Locale.ROOT));
    }

    private Optional<byte[]> readWithRetry(CompletionEvent e) throws InterruptedException {
        long wait = 100;
        long max = Math.max(100, config.index().maxRetryInterval().toMillis());
        while (true) {
            try {
                return store.read(e.bucket(), e.metadataKey(), config.index().maxMetadataBytes());
            } catch (ObjectStore.ObjectStoreException ex) {
                count("s3-retry");
                LOG.debugf("Recording %s: %s; again in %d ms", e.recordingId(), ex.getMessage(), wait);
                Thread.sleep(wait);
                wait = Math.min(max, wait * 2);
            }
        }
    }

    private String idOf(byte[] doc) {
        try {
            return mapper.readTree(doc).path("recordingId").asText("");
        } catch (java.io.IOException ex) {
            return "";
        }
    }

    private void count(String outcome) {
        registry.counter("callrec_catalog_index_events_total", "outcome", outcome).increment();
    }
}
