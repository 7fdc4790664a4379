package org.callrec.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.callrec.core.audio.AudioCodec;
import org.callrec.core.id.RecordingIds;
import org.callrec.storage.RecordFixtures.Datagram;
import org.callrec.storage.config.StorageConfig;
import org.callrec.testing.rtp.RtpPackets;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Bounds against a real Kafka broker and a real S3 server: a timestamp bomb is ended by a cap,
 * stored, flagged and committed; a spill directory that cannot be written is retried, shows in
 * readiness, and the recording is stored once it can be written again.
 */
@QuarkusTest
@WithTestResource(EmbeddedInfraResource.class)
class StorageBoundsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Instant STARTED_AT = Instant.parse("2025-03-04T05:06:07Z");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    StorageConfig config;

    @Inject
    ObjectMapper json;

    @TestHTTPResource(value = "/health/ready", management = true)
    URI ready;

    @TestHTTPResource(value = "/metrics", management = true)
    URI metrics;

    private KafkaProducer<String, byte[]> producer;
    private MinioClient s3;

    @BeforeEach
    void connect() {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
        s3 = MinioClient.builder().endpoint(config.s3().endpoint())
                .credentials(config.s3().accessKey().orElseThrow(), config.s3().secretKey().orElseThrow()).build();
    }

    @AfterEach
    void disconnect() throws Exception {
        producer.close();
        s3.close();
    }

    @Test
    @DisplayName("a timestamp bomb (500 packets of 13 bytes in 10 s) is ended by the audio-length cap, stored, flagged,"
            + " committed; its END is skipped")
    void timestampBombIsCappedStoredAndCommitted() throws Exception {
        awaitReadiness(200);
        String id = RecordingIds.next();
        String key = "acme/2025/03/04/" + id;
        List<Datagram> bomb = new ArrayList<>();
        long ts = 0;
        for (int i = 0; i < 500; i++) {
            bomb.add(new Datagram(STARTED_AT.toEpochMilli() * 1000 + 20_000L * i,
                    RtpPackets.rtp(AudioCodec.PCMA.payloadType(), i, ts & 0xFFFF_FFFFL, 0xB0B, new byte[] {1})));
            ts += 5 * 60 * 8000 - 1; // just under the 5 min collapse limit: 2.2 GiB of PCM before
        }
        publish(id, RecordFixtures.start(id, "acme", AudioCodec.PCMA, STARTED_AT.toEpochMilli(), Map.of()));
        for (byte[] chunk : RecordFixtures.chunks(bomb, 50)) {
            publish(id, chunk);
        }

        // Ended by the cap without waiting for an END: stored, flagged, small.
        await().atMost(PATIENCE).until(() -> exists(key + ".json"));
        JsonNode doc = json.readTree(read(key + ".json"));
        assertThat(doc.get("stopReason").asText()).isEqualTo("cap-tripped");
        assertThat(doc.at("/quality/intact").asBoolean()).isFalse();
        assertThat(doc.at("/quality/capTripped").asText()).isEqualTo("audio-length");
        assertThat(doc.at("/quality/problems").toString()).contains("cap-tripped");
        // 10 s passed: at most 10 s + the 2.5 s lead + 1 % of audio (16 kB/s of PCM), not gigabytes
        assertThat(stat(key + ".wav")).isLessThanOrEqualTo(44 + 16_000L * 13);
        await().atMost(PATIENCE).until(() -> metric("callrec_storage_recordings_capped_total{cap=\"audio-length\"}") >= 1);

        // The ingest node's END comes later: skipped, nothing stored again; the partition's commit is not pinned.
        publish(id, RecordFixtures.end(id, "normal", STARTED_AT.toEpochMilli() + 10_000, 500, Map.of(), 10, Map.of()));
        await().atMost(PATIENCE).until(() -> get(metrics).body().contains("reason=\"after-cap-tripped\""));
        await().atMost(PATIENCE).until(() -> !get(metrics).body().lines()
                .filter(l -> l.startsWith("callrec_storage_partition_pinned_seconds{"))
                .anyMatch(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) > 0));
    }

    @Test
    @DisplayName("a work directory that cannot be written: retried, readiness DOWN (spill-io), and the recording is"
            + " stored once it can be written again")
    void spillFailureIsRetriedShownAndRecovered() throws Exception {
        awaitReadiness(200);
        Path workDir = config.workDir().toAbsolutePath().normalize();
        double retriesBefore = metric("callrec_storage_spill_retries_total");
        String id = RecordingIds.next();
        String key = "acme/2025/03/04/" + id;
        Path moved = workDir.resolveSibling(workDir.getFileName() + ".away");
        // The work directory is replaced by a plain file: no spill file can be created in it (even as root).
        Files.move(workDir, moved);
        Files.writeString(workDir, "not a directory");
        try {
            List<Datagram> audio = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                audio.add(new Datagram(STARTED_AT.toEpochMilli() * 1000 + 20_000L * i,
                        RtpPackets.rtp(AudioCodec.PCMA.payloadType(), i, 160L * i, 0x5EED,
                                RecordFixtures.tonePayload(AudioCodec.PCMA, i))));
            }
            publish(id, RecordFixtures.start(id, "acme", AudioCodec.PCMA, STARTED_AT.toEpochMilli(), Map.of()));
            for (byte[] chunk : RecordFixtures.chunks(audio, 5)) {
                publish(id, chunk);
            }
            publish(id, RecordFixtures.end(id, "normal", STARTED_AT.toEpochMilli() + 400, 10, Map.of(), 2, Map.of()));

            // Retried, then readiness is DOWN with the spill-io check saying why.
            await().atMost(PATIENCE).untilAsserted(() -> {
                HttpResponse<String> r = get(ready);
                assertThat(r.statusCode()).isEqualTo(503);
                assertThat(r.body()).contains("spill-io");
            });
            assertThat(metric("callrec_storage_spill_retries_total")).isGreaterThan(retriesBefore);
            assertThat(metric("callrec_storage_spill_failing")).isEqualTo(1.0);
            assertThat(exists(key + ".json")).isFalse();
        } finally {
            // The fault clears.
            Files.delete(workDir);
            Files.move(moved, workDir);
        }

        // The partition is read again from the recording's START: stored, ready again.
        await().atMost(PATIENCE).until(() -> exists(key + ".json"));
        JsonNode doc = json.readTree(read(key + ".json"));
        assertThat(doc.at("/quality/packetsPlaced").asLong()).isEqualTo(10);
        awaitReadiness(200);
        assertThat(metric("callrec_storage_spill_failing")).isZero();
    }

    private void publish(String id, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(config.kafka().mediaTopic(), id, value)).get();
    }

    private void awaitReadiness(int status) {
        await().atMost(PATIENCE).untilAsserted(() -> {
            HttpResponse<String> r = get(ready);
            assertThat(r.statusCode()).as("readiness %s: %s", ready, r.body()).isEqualTo(status);
        });
    }

    private double metric(String sample) throws Exception {
        for (String line : get(metrics).body().split("\n")) {
            if (line.startsWith(sample + " ")) {
                return Double.parseDouble(line.substring(sample.length() + 1).trim());
            }
        }
        return 0;
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private boolean exists(String key) throws Exception {
        try {
            stat(key);
            return true;
        } catch (ErrorResponseException e) {
            if ("NoSuchKey".equals(e.errorResponse().code()) || "NoSuchBucket".equals(e.errorResponse().code())) {
                return false;
            }
            throw e;
        }
    }

    private long stat(String key) throws Exception {
        return s3.statObject(StatObjectArgs.builder().bucket(config.s3().bucket()).object(key).build()).size();
    }

    private byte[] read(String key) throws Exception {
        try (var in = s3.getObject(GetObjectArgs.builder().bucket(config.s3().bucket()).object(key).build())) {
            return in.readAllBytes();
        }
    }
}
