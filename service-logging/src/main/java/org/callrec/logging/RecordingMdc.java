package org.callrec.logging;

import org.jboss.logging.MDC;

import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;

/**
 * Puts a recording's id in the logging MDC (key {@value #KEY}) around log lines that concern
 * that recording, so JSON logs carry it as a field of its own. Put and removed around the line
 * because recordings share event-loop and worker threads. Never used on the packet path. Used by
 * control-service and media-ingest-service (storage's threads each work on one recording at a
 * time and keep their own {@code RecordingMdc}).
 *
 * <p>Quarkus keeps the MDC of a Vert.x thread in the current <em>duplicated</em> context. The
 * phones' connections, the UDP sockets and the timers run on root contexts, where every MDC call would
 * get a fresh duplicate (and the line would lose the id): there the line is logged inside a
 * duplicated context of its own, on the same thread, at once.
 */
public final class RecordingMdc {

    /** MDC key of the recording id. */
    public static final String KEY = "recordingId";

    private RecordingMdc() {
    }

    /** Runs {@code logLine} with {@code recordingId} in the MDC, restoring what was there. */
    public static void run(String recordingId, Runnable logLine) {
        Context current = Vertx.currentContext();
        if (current != null && !VertxContext.isDuplicatedContext(current)) {
            ((ContextInternal) VertxContext.createNewDuplicatedContext(current))
                    .dispatch(() -> withMdc(recordingId, logLine));
        } else {
            withMdc(recordingId, logLine);
        }
    }

    private static void withMdc(String recordingId, Runnable logLine) {
        Object previous = MDC.get(KEY);
        MDC.put(KEY, recordingId);
        try {
            logLine.run();
        } finally {
            if (previous == null) {
                MDC.remove(KEY);
            } else {
                MDC.put(KEY, previous);
            }
        }
    }
}
