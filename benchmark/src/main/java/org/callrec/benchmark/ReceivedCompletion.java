package org.callrec.benchmark;

import java.util.Locale;

import org.callrec.core.completion.CompletionEvent;
import org.callrec.core.protocol.MacAddress;

/**
 * A "recording completed" event (recorder-core's {@link CompletionEvent}) as the benchmark received
 * it: the event plus when it was published and received.
 *
 * @param event             the event as storage published it
 * @param publishedAtMillis the Kafka record's timestamp (producer create time, epoch ms)
 * @param receivedAtMillis  epoch milliseconds when the benchmark's consumer got the event
 */
record ReceivedCompletion(CompletionEvent event, long publishedAtMillis, long receivedAtMillis) {

    /**
     * Reads a record's value; null when it is another event type.
     *
     * @throws IllegalArgumentException when the value is not one JSON object
     */
    static ReceivedCompletion from(String json, long publishedAtMillis, long receivedAtMillis) {
        CompletionEvent event = CompletionEvent.fromJson(json);
        return event.isCompletion() ? new ReceivedCompletion(event, publishedAtMillis, receivedAtMillis) : null;
    }

    /** The key matching an event to a simulated phone. */
    String phoneKey() {
        return phoneKey(event.phoneSessionId(), event.device());
    }

    /** Phone session id + normalised MAC address: how events are matched to phones. */
    static String phoneKey(String sessionId, String device) {
        String mac = MacAddress.normalize(device).orElse(device == null ? "" : device.strip().toLowerCase(Locale.ROOT));
        return sessionId + "|" + mac;
    }
}
