package org.callrec.benchmark;

import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

import org.callrec.core.completion.CompletionEvent;
import org.callrec.simulator.CallResult;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;

/**
 * Checks on S3 what a completion event announces: the audio object exists and holds, sample for
 * sample, what the phone sent ({@link StoredAudioCheck}; the payload is made again from the
 * phone's seed, {@link CallResult#replayPayload()}), and the metadata JSON tells how many packets
 * were placed ({@code quality.packetsPlaced}). Run after every call has ended, on a small pool,
 * so the checks do not compete with the calls for the CPU.
 */
final class ObjectVerifier implements AutoCloseable {

    /**
     * What S3 holds for one recording; {@code audio} is null when the audio could not be read
     * or no call matched the event.
     */
    record Verdict(String recordingId, boolean audioPresent, long audioBytes, long packetsPlaced,
                   StoredAudioCheck audio, String problem) {
        /** True when the audio exists and is exact, and the metadata had a packet count. */
        boolean ok() {
            return audioPresent && audio != null && audio.exact() && packetsPlaced >= 0 && problem == null;
        }

        /** True when the audio was compared and is sample-exact. */
        boolean exact() {
            return audio != null && audio.exact();
        }
    }

    private final MinioClient client;
    private final String defaultBucket;
    private final ObjectMapper json = new ObjectMapper();

    ObjectVerifier(String endpoint, String region, String accessKey, String secretKey, String defaultBucket) {
        OkHttpClient http = new OkHttpClient.Builder()
                .connectTimeout(Duration.ofSeconds(5))
                .readTimeout(Duration.ofSeconds(30))
                .callTimeout(Duration.ofSeconds(60))
                .protocols(List.of(Protocol.HTTP_1_1))
                .build();
        this.client = MinioClient.builder().endpoint(endpoint).region(region).credentials(accessKey, secretKey)
                .httpClient(http, true).build();
        this.defaultBucket = defaultBucket;
    }

    /**
     * Verifies every event with a few parallel requests; the map is keyed by phone key.
     *
     * @param calls the call that made each event's recording, by phone key
     */
    Map<String, Verdict> verifyAll(Collection<ReceivedCompletion> events, Function<String, CallResult> calls,
                                   int parallelism) throws InterruptedException {
        Map<String, Verdict> verdicts = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(parallelism);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (ReceivedCompletion e : events) {
                futures.add(pool.submit(() -> verdicts.put(e.phoneKey(), verify(e.event(), calls.apply(e.phoneKey())))));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException ex) {
                    // verify() catches what it expects; anything else is counted as missing below
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return verdicts;
    }

    /**
     * Reads the audio object and compares it with what {@code call} sent (no comparison without
     * a call), then reads the metadata's {@code quality.packetsPlaced} (-1 when absent).
     */
    Verdict verify(CompletionEvent e, CallResult call) {
        String bucket = e.bucket().isBlank() ? defaultBucket : e.bucket();
        if (e.audioKey().isBlank()) {
            return new Verdict(e.recordingId(), false, -1, -1, null, "event has no audioKey");
        }
        byte[] wav;
        try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(e.audioKey()).build())) {
            wav = in.readAllBytes();
        } catch (ErrorResponseException ex) {
            return new Verdict(e.recordingId(), false, -1, -1, null,
                    "audio " + bucket + "/" + e.audioKey() + ": " + ex.errorResponse().code());
        } catch (Exception ex) {
            return new Verdict(e.recordingId(), false, -1, -1, null, "audio " + bucket + "/" + e.audioKey() + ": " + ex);
        }
        StoredAudioCheck audio = call == null ? null
                : StoredAudioCheck.of(call.config().codec(), call.replayPayload(), wav);
        if (e.metadataKey().isBlank()) {
            return new Verdict(e.recordingId(), true, wav.length, -1, audio, "event has no metadataKey");
        }
        try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(e.metadataKey()).build())) {
            JsonNode placed = json.readTree(in).path("quality").path("packetsPlaced");
            if (!placed.canConvertToLong()) {
                return new Verdict(e.recordingId(), true, wav.length, -1, audio, "metadata has no quality.packetsPlaced");
            }
            return new Verdict(e.recordingId(), true, wav.length, placed.asLong(), audio, null);
        } catch (ErrorResponseException ex) {
            return new Verdict(e.recordingId(), true, wav.length, -1, audio,
                    "metadata " + bucket + "/" + e.metadataKey() + ": " + ex.errorResponse().code());
        } catch (Exception ex) {
            return new Verdict(e.recordingId(), true, wav.length, -1, audio,
                    "metadata " + bucket + "/" + e.metadataKey() + ": " + ex);
        }
    }

    @Override
    public void close() throws Exception {
        client.close();
    }
}
