package org.callrec.storage.upload;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.core.completion.CompletionEvent;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.smallrye.reactive.messaging.kafka.Record;

/**
 * Publishes completion events through the Reactive Messaging channel {@value #CHANNEL}
 * ({@code mp.messaging.outgoing.completed-out.*}: the completed topic, idempotent producer,
 * {@code acks=all}): the event's JSON ({@link CompletionEvent#toJson()}) as the value, the
 * recording id as the key.
 *
 * <p>{@link #publish} returns only once the broker acknowledged the record, and throws when it
 * did not: the callers ({@link RecordingUploader}, the phone-file import) count a recording as
 * stored only after that, so the media topic's commit never passes a recording whose event the
 * broker does not have.
 *
 * <p>Overflow: {@code THROW_EXCEPTION} with a buffer of {@value #BUFFER}. The callers block until
 * their event is acknowledged, so only a send whose caller gave up waiting (an outage) can still
 * be in the channel when the next one arrives; the channel holds at most the connector's
 * {@code max-inflight-messages} (16 in {@code application.properties}) plus {@value #BUFFER} events. Beyond that {@link #publish} fails at
 * once and the caller's own retry (with backoff) sends the event again later: nothing is queued
 * without bound, nothing is dropped silently. A send that fails (broker down past
 * {@code delivery.timeout.ms}) is nacked: {@link #publish} throws, the channel stays open.
 */
@ApplicationScoped
public class CompletionPublisher {

    /** The outgoing channel ({@code mp.messaging.outgoing.completed-out.*}). */
    public static final String CHANNEL = "completed-out";

    static final int BUFFER = 16;

    @Inject
    @Channel(CHANNEL)
    @OnOverflow(value = OnOverflow.Strategy.THROW_EXCEPTION, bufferSize = BUFFER)
    Emitter<Record<String, String>> emitter;

    /** How long the producer may block a send for metadata (Kafka's {@code max.block.ms}). */
    @ConfigProperty(name = "mp.messaging.outgoing." + CHANNEL + ".max.block.ms", defaultValue = "60000")
    long maxBlockMs;

    /** How long the producer tries to deliver a record (Kafka's {@code delivery.timeout.ms}). */
    @ConfigProperty(name = "mp.messaging.outgoing." + CHANNEL + ".delivery.timeout.ms", defaultValue = "120000")
    long deliveryTimeoutMs;

    /**
     * Sends one event and waits until the broker has it: at most the producer's
     * {@code max.block.ms} plus {@code delivery.timeout.ms} plus 2 s, by which time the connector
     * has acknowledged or failed it.
     *
     * @throws ExecutionException the broker did not take it (the cause says why), or the channel
     *                            is full ({@link IllegalStateException})
     * @throws TimeoutException   no answer in time
     */
    public void publish(CompletionEvent event) throws ExecutionException, InterruptedException, TimeoutException {
        try {
            emitter.send(Record.of(event.recordingId(), event.toJson()))
                    .toCompletableFuture()
                    .get(awaitLimit().toMillis(), TimeUnit.MILLISECONDS);
        } catch (IllegalStateException full) { // overflow or a channel that is not there (shutdown)
            throw new ExecutionException(full);
        }
    }

    Duration awaitLimit() {
        return Duration.ofMillis(maxBlockMs + deliveryTimeoutMs + 2000);
    }
}
