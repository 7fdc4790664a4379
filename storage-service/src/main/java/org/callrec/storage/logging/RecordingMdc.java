package org.callrec.storage.logging;

import org.jboss.logging.MDC;

/**
 * The recording id in the logging MDC (key {@value #KEY}) while a thread works on one recording
 * (the consumer thread routing one of its records, an upload worker storing it), so JSON logs
 * carry it as a field of its own.
 */
public final class RecordingMdc {

    /** MDC key of the recording id. */
    public static final String KEY = "recordingId";

    private RecordingMdc() {
    }

    /** Sets the recording id of what this thread now works on ({@code null}: none). */
    public static void set(String recordingId) {
        if (recordingId == null) {
            MDC.remove(KEY);
        } else {
            MDC.put(KEY, recordingId);
        }
    }

    /** Clears it. */
    public static void clear() {
        MDC.remove(KEY);
    }
}
