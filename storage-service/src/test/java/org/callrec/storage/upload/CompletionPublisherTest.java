package org.callrec.storage.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.callrec.core.completion.CompletionEvent;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kafka.Record;

/**
 * {@link CompletionPublisher} over a stand-in for the channel's emitter: {@code publish} returns
 * only when the broker acknowledged the event and throws whenever it did not, so the uploader
 * never counts a recording stored (and never moves the commit past it) without its event.
 */
class CompletionPublisherTest {

    private static final CompletionEvent EVENT = new CompletionEvent(CompletionEvent.TYPE, "rec-1", "acme", "recordings",
            "acme/2025/03/04/rec-1.wav", "acme/2025/03/04/rec-1.json", "phone-17", "00:15:65:aa:bb:cc", "PCMA", 1.5,
            "normal", "2025-03-04T05:06:07.089Z", "2025-03-04T05:06:08.589Z", "2025-03-04T05:07:01.123Z", "network");

    @Test
    @DisplayName("the record is keyed by recording id and carries CompletionEvent.toJson() unchanged; publish returns on the ack")
    void keyedByRecordingIdAndAcknowledged() throws Exception {
        FakeEmitter emitter = new FakeEmitter(r -> CompletableFuture.completedFuture(null));

        publisher(emitter, 1000).publish(EVENT);

        assertThat(emitter.sent).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("rec-1");
            assertThat(r.value()).isEqualTo(EVENT.toJson());
        });
    }

    @Test
    @DisplayName("a nacked send (the broker did not take it) fails publish with the broker's reason")
    void aNackFailsThePublish() {
        FakeEmitter emitter = new FakeEmitter(r -> CompletableFuture.failedFuture(new NotEnoughReplicasException("isr 1")));

        assertThatThrownBy(() -> publisher(emitter, 1000).publish(EVENT))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(NotEnoughReplicasException.class);
    }

    @Test
    @DisplayName("a full channel (THROW_EXCEPTION overflow) fails publish at once: the caller's backoff sends it again")
    void aFullChannelFailsAtOnce() {
        FakeEmitter emitter = new FakeEmitter(r -> {
            throw new IllegalStateException("SRMSG00034: Insufficient downstream requests to emit item");
        });

        assertThatThrownBy(() -> publisher(emitter, 1000).publish(EVENT))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    @DisplayName("no answer from the broker: publish gives up after max.block.ms + delivery.timeout.ms + 2 s")
    void noAnswerTimesOut() {
        FakeEmitter emitter = new FakeEmitter(r -> new CompletableFuture<>());
        CompletionPublisher publisher = publisher(emitter, -1900); // awaits 100 ms in all

        assertThat(publisher.awaitLimit()).hasMillis(100);
        assertThatThrownBy(() -> publisher.publish(EVENT)).isInstanceOf(TimeoutException.class);
    }

    private static CompletionPublisher publisher(FakeEmitter emitter, long deliveryTimeoutMs) {
        CompletionPublisher p = new CompletionPublisher();
        p.emitter = emitter;
        p.maxBlockMs = 0;
        p.deliveryTimeoutMs = deliveryTimeoutMs;
        return p;
    }

    /** The channel's emitter: records what is sent, answers as told. */
    private static final class FakeEmitter implements Emitter<Record<String, String>> {
        final List<Record<String, String>> sent = new CopyOnWriteArrayList<>();
        private final Function<Record<String, String>, CompletionStage<Void>> answer;

        FakeEmitter(Function<Record<String, String>, CompletionStage<Void>> answer) {
            this.answer = answer;
        }

        @Override
        public CompletionStage<Void> send(Record<String, String> payload) {
            CompletionStage<Void> ack = answer.apply(payload);
            sent.add(payload);
            return ack;
        }

        @Override
        public <M extends Message<? extends Record<String, String>>> void send(M msg) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void complete() {
        }

        @Override
        public void error(Exception e) {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean hasRequests() {
            return true;
        }
    }
}
