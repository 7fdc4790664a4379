package org.callrec.ingest.logging;

import org.jboss.logging.MDC;

/**
 * Puts a recording's id in the logging MDC (key {@value #KEY}) around log lines that concern
 * that recording, so JSON logs carry it as a field of its own. Put and removed around the line
 * because recordings share event-loop and worker threads. Never used on the packet path.
 */
public final class RecordingMdc {

    /** MDC key of the recording id. */
    public static final String KEY = "recordingId";

    private RecordingMdc() {
    }

    /** Runs {@code logLine} with {@code recordingId} in the MDC, restoring what was there. */
    public static void run(String recordingId, Runnable logLine) {
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
