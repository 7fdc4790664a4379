package org.callrec.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.callrec.storage.RecordFixtures.SAMPLES_PER_PACKET;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.callrec.core.audio.AudioCodec;
import org.callrec.core.audio.WavFile;
import org.callrec.core.chunk.ChunkCodec;
import org.callrec.core.chunk.RecordOrigin;
import org.callrec.core.chunk.RecordingStarted;
import org.callrec.core.chunk.Topics;
import org.callrec.core.completion.CompletionEvent;
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
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The service against a real Kafka broker and a real S3 server: records in, WAV + JSON + event out.
 */
@QuarkusTest
@WithTestResource(EmbeddedInfraResource.class)
class StorageServiceTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Instant STARTED_AT = Instant.parse("2025-03-04T05:06:07.089Z");
    private static final long SSRC = 0xCAFE_F00DL;
    private static final int PACKETS = 50;
    private static final int LOST = 10;
    private static final int DTMF_PAYLOAD_TYPE = 101;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    StorageConfig config;

    @Inject
    ObjectMapper json;

    @TestHTTPResource(value = "/health/ready", management = true)
    URI ready;

    @TestHTTPResource(value = "/health/live", management = true)
    URI live;

    @TestHTTPResource(value = "/health/started", management = true)
    URI started;

    @TestHTTPResource(value = "/metrics", management = true)
    URI metrics;

    EmbeddedInfraResource infra;

    private KafkaProducer<String, byte[]> producer;
    private KafkaConsumer<String, String> completed;
    private MinioClient s3;

    @BeforeEach
    void connect() {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
        completed = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer());
        completed.subscribe(List.of(config.kafka().completedTopic()));
        s3 = MinioClient.builder().endpoint(config.s3().endpoint())
                .credentials(config.s3().accessKey().orElseThrow(), config.s3().secretKey().orElseThrow()).build();
    }

    @AfterEach
    void disconnect() throws Exception {
        producer.close();
        completed.close();
        s3.close();
    }

    @Test
    void aRecordingIsStoredAsWavAndJsonAndAnnounced() throws Exception {
        String id = RecordingIds.next();
        String key = "acme/2025/03/04/" + id;

        // A PCMA call of 50 packets (1 s). Sequence numbers and timestamps wrap during the call;
        // packet 10 never arrives, packets 20 and 21 arrive swapped, one DTMF event comes along.
        List<Datagram> datagrams = new ArrayList<>();
        for (int i = 0; i < PACKETS; i++) {
            int slot = i == 20 ? 21 : i == 21 ? 20 : i;
            if (slot != LOST) {
                datagrams.add(audioPacket(slot));
            }
            if (i == 30) {
                datagrams.add(new Datagram(arrivalMicros(30) + 5_000,
                        RtpPackets.rtp(DTMF_PAYLOAD_TYPE, 65_000, 0, SSRC, new byte[] {1, 0, 0, (byte) 160})));
            }
        }

        // The ingest node publishes START, the chunks and END, keyed by recording id.
        publish(id, RecordFixtures.start(id, "acme", AudioCodec.PCMA, STARTED_AT.toEpochMilli(), Map.of(
                "local_number", "1001",
                "local_name", "Zoë Müller",
                "remote_number", "+4930123456",
                "remote_name", "Jürgen Groß",
                "x-queue", "support")));
        List<byte[]> chunks = RecordFixtures.chunks(datagrams, 10);
        for (byte[] chunk : chunks) {
            publish(id, chunk);
        }
        // 1 s of audio; the END comes after ingest's 200 ms release linger
        RecordMetadata last = publish(id, RecordFixtures.end(id, "normal", STARTED_AT.toEpochMilli() + 1_200, 50,
                Map.of("foreign-source", 2L), chunks.size(),
                Map.of("local_number", "1001", "remote_name", "Jürgen Groß (Vertrieb)")));

        // The WAV and the JSON appear in the bucket.
        await().atMost(PATIENCE).until(() -> exists(key + ".json"));
        assertThat(stat(key + ".wav").contentType()).isEqualTo("audio/wav");
        assertThat(stat(key + ".json").contentType()).isEqualTo("application/json");

        // The WAV is the decoded call, sample for sample, with silence where packet 10 was.
        WavFile wav = WavFile.parse(read(key + ".wav"));
        assertThat(wav.formatTag()).isEqualTo(1);
        assertThat(wav.channels()).isEqualTo(1);
        assertThat(wav.sampleRate()).isEqualTo(8000);
        assertThat(wav.bitsPerSample()).isEqualTo(16);
        short[] expected = new short[PACKETS * SAMPLES_PER_PACKET];
        for (int i = 0; i < PACKETS; i++) {
            if (i != LOST) {
                short[] decoded = RecordFixtures.decode(AudioCodec.PCMA, RecordFixtures.tonePayload(AudioCodec.PCMA, i));
                System.arraycopy(decoded, 0, expected, i * SAMPLES_PER_PACKET, SAMPLES_PER_PACKET);
            }
        }
        assertThat(wav.samples()).containsExactly(expected);

        // The metadata describes the call and how its stream looked.
        JsonNode doc = json.readTree(read(key + ".json"));
        assertThat(doc.get("recordingId").asText()).isEqualTo(id);
        assertThat(doc.get("tenant").asText()).isEqualTo("acme");
        assertThat(doc.at("/phone/sessionId").asText()).isEqualTo("phone-17");
        assertThat(doc.at("/phone/device").asText()).isEqualTo("00:15:65:aa:bb:cc");
        assertThat(doc.at("/phone/address").asText()).isEqualTo("10.1.2.3");
        assertThat(doc.get("direction").asText()).isEqualTo("out");
        assertThat(doc.get("codec").asText()).isEqualTo("PCMA");
        assertThat(doc.get("localNumber").asText()).isEqualTo("1001");
        assertThat(doc.get("localName").asText()).isEqualTo("Zoë Müller");
        assertThat(doc.get("remoteNumber").asText()).isEqualTo("+4930123456");
        assertThat(doc.get("remoteName").asText()).isEqualTo("Jürgen Groß");
        assertThat(doc.at("/atStop/remoteName").asText()).isEqualTo("Jürgen Groß (Vertrieb)");
        assertThat(doc.get("atStop")).hasSize(1);
        assertThat(doc.at("/fields/x-queue").asText()).isEqualTo("support");
        assertThat(doc.get("startedAt").asText()).isEqualTo("2025-03-04T05:06:07.089Z");
        assertThat(doc.get("endedAt").asText()).isEqualTo("2025-03-04T05:06:08.289Z");
        assertThat(doc.get("durationSeconds").asDouble()).isEqualTo(1.0);
        assertThat(doc.get("stopReason").asText()).isEqualTo("normal");
        assertThat(doc.get("ingestNode").asText()).isEqualTo("ingest-0");
        assertThat(doc.at("/audio/key").asText()).isEqualTo(key + ".wav");
        assertThat(doc.at("/audio/format").asText()).isEqualTo("pcm_s16le");
        assertThat(doc.at("/audio/sampleRate").asInt()).isEqualTo(8000);
        assertThat(doc.at("/audio/channels").asInt()).isEqualTo(1);
        assertThat(doc.at("/audio/bytes").asLong()).isEqualTo(44 + 2L * PACKETS * SAMPLES_PER_PACKET);
        assertThat(doc.get("metadataKey").asText()).isEqualTo(key + ".json");
        JsonNode quality = doc.get("quality");
        assertThat(quality.get("packetsReceived").asLong()).as("49 audio + 1 DTMF").isEqualTo(50);
        assertThat(quality.get("packetsExpected").asLong()).isEqualTo(50);
        assertThat(quality.get("packetsPlaced").asLong()).isEqualTo(49);
        assertThat(quality.get("packetsLost").asLong()).isEqualTo(1);
        assertThat(quality.get("packetsDuplicated").asLong()).isZero();
        assertThat(quality.get("packetsLate").asLong()).as("the swapped pair was put back in place").isZero();
        assertThat(json.convertValue(quality.get("droppedByReason"), Map.class))
                .isEqualTo(Map.of("foreign-source", 2, "payload-type", 1));
        assertThat(quality.get("ssrcChanges").asInt()).isZero();
        assertThat(quality.get("gaps")).isEmpty();
        assertThat(quality.get("intact").asBoolean()).as("a packet was lost").isFalse();
        assertThat(doc.at("/audio/segments")).hasSize(1);

        // A completion event announces it: keyed by recording id, the value exactly CompletionEvent.toJson().
        ConsumerRecord<String, String> announced = awaitCompletion(id, 1).get(0);
        assertThat(announced.key()).isEqualTo(id);
        assertThat(announced.value()).isEqualTo(CompletionEvent.fromJson(announced.value()).toJson());
        JsonNode event = json.readTree(announced.value());
        assertThat(event.get("type").asText()).isEqualTo("recording.completed");
        assertThat(event.get("recordingId").asText()).isEqualTo(id);
        assertThat(event.get("tenant").asText()).isEqualTo("acme");
        assertThat(event.get("bucket").asText()).isEqualTo(config.s3().bucket());
        assertThat(event.get("audioKey").asText()).isEqualTo(key + ".wav");
        assertThat(event.get("metadataKey").asText()).isEqualTo(key + ".json");
        assertThat(event.get("phoneSessionId").asText()).isEqualTo("phone-17");
        assertThat(event.get("device").asText()).isEqualTo("00:15:65:aa:bb:cc");
        assertThat(event.get("codec").asText()).isEqualTo("PCMA");
        assertThat(event.get("durationSeconds").asDouble()).isEqualTo(1.0);
        assertThat(event.get("stopReason").asText()).isEqualTo("normal");
        assertThat(event.get("startedAt").asText()).isEqualTo("2025-03-04T05:06:07.089Z");
        assertThat(event.get("endedAt").asText()).isEqualTo("2025-03-04T05:06:08.289Z");
        assertThat(Instant.parse(event.get("completedAt").asText())).isAfter(STARTED_AT);

        // Once stored, the recording no longer holds back the group's committed offset.
        TopicPartition partition = new TopicPartition(last.topic(), last.partition());
        await().atMost(PATIENCE).until(() -> committedOffset(partition) > last.offset());
    }

    @Test
    @DisplayName("ready once topics, bucket and consumer are; started, live, and its meters are published")
    void theServiceIsReadyAndCountsWhatItStores() throws Exception {
        // Ready once the topics and the bucket exist, the consumer polls, Kafka and S3 answer.
        awaitReadiness(200);
        JsonNode checks = checks(get(ready).body());
        assertThat(checks.path("media-consumer").path("data").path("state").asText()).isEqualTo("RUNNING");
        assertThat(checks.path("kafka").path("status").asText()).isEqualTo("UP");
        assertThat(checks.path("object-store").path("status").asText()).isEqualTo("UP");
        assertThat(get(live).statusCode()).isEqualTo(200);
        assertThat(get(started).statusCode()).isEqualTo(200);

        // The meters are published for Prometheus, with the callrec_storage_ prefix.
        assertThat(get(metrics).body())
                .contains("callrec_storage_recordings_open")
                .contains("callrec_storage_recordings_stored_total")
                .contains("callrec_storage_consumer_lag_records");
    }

    @Test
    @DisplayName("readiness is DOWN while S3 cannot be reached and UP again once it can; liveness stays UP")
    void readinessFollowsS3() throws Exception {
        awaitReadiness(200);
        try {
            // S3 goes away: not ready (the bucket probe fails), but alive: no restart for an outage.
            infra.stopS3();
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(
                    checks(get(ready).body()).path("object-store").path("status").asText()).isEqualTo("DOWN"));
            assertThat(get(ready).statusCode()).isEqualTo(503);
            JsonNode s3Check = checks(get(ready).body()).path("object-store");
            assertThat(s3Check.path("data").path("failure").asText()).isNotBlank();
            assertThat(checks(get(ready).body()).path("kafka").path("status").asText()).isEqualTo("UP");
            assertThat(get(live).statusCode()).isEqualTo(200);
        } finally {
            // It comes back: ready again.
            infra.startS3();
        }
        // ready again once the object-store check saw S3 answer
        awaitReadiness(200);
        JsonNode s3Check = checks(get(ready).body()).path("object-store");
        assertThat(s3Check.path("status").asText()).isEqualTo("UP");
        assertThat(s3Check.path("data").path("bucket").asText()).isEqualTo(config.s3().bucket());
        assertThat(s3Check.path("data").has("failure")).isFalse();
    }

    @Test
    @DisplayName("a stored recording moves the stored and bytes-stored counters by its objects' sizes")
    void storingARecordingMovesTheCounters() throws Exception {
        awaitReadiness(200);
        double storedBefore = metric("callrec_storage_recordings_stored_total");
        double audioBefore = metric("callrec_storage_bytes_stored_total{object=\"audio\"}");
        double metadataBefore = metric("callrec_storage_bytes_stored_total{object=\"metadata\"}");

        // A recording of 10 packets goes through.
        String id = RecordingIds.next();
        String key = "acme/2025/03/04/" + id;
        List<Datagram> datagrams = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            datagrams.add(audioPacket(i));
        }
        publish(id, RecordFixtures.start(id, "acme", AudioCodec.PCMA, STARTED_AT.toEpochMilli(), Map.of()));
        for (byte[] chunk : RecordFixtures.chunks(datagrams, 5)) {
            publish(id, chunk);
        }
        publish(id, RecordFixtures.end(id, "normal", STARTED_AT.toEpochMilli() + 200, 10, Map.of(), 2, Map.of()));
        awaitCompletion(id, 1);

        // One more recording stored; the byte counters grew by exactly the objects' sizes.
        await().atMost(PATIENCE).until(() -> metric("callrec_storage_recordings_stored_total") == storedBefore + 1);
        assertThat(metric("callrec_storage_bytes_stored_total{object=\"audio\"}") - audioBefore)
                .isEqualTo((double) stat(key + ".wav").size());
        assertThat(metric("callrec_storage_bytes_stored_total{object=\"metadata\"}") - metadataBefore)
                .isEqualTo((double) stat(key + ".json").size());
        assertThat(get(metrics).body()).as("no recording id in any metric").doesNotContain(id);
    }

    @Test
    @DisplayName("a recording whose ingest node goes silent is stored as ingest-lost with its audio; a late END is ignored")
    void aRecordingWithoutRecordsIsStoredAsIngestLostAndALateEndIsIgnored() throws Exception {
        String id = RecordingIds.next();
        String key = "acme/2025/03/04/" + id;
        List<Datagram> datagrams = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            datagrams.add(audioPacket(i));
        }

        // START and 200 ms of media, then the node is gone: no END, no ALIVE.
        publish(id, RecordFixtures.start(id, "acme", AudioCodec.PCMA, STARTED_AT.toEpochMilli(), Map.of()));
        for (byte[] chunk : RecordFixtures.chunks(datagrams, 5)) {
            publish(id, chunk);
        }

        // After storage.ingest-lost-after (3 s in tests) of silence it is stored with all its audio.
        await().atMost(PATIENCE).until(() -> exists(key + ".json"));
        JsonNode doc = json.readTree(read(key + ".json"));
        assertThat(doc.get("stopReason").asText()).isEqualTo("ingest-lost");
        assertThat(doc.get("endedAt").asText()).as("its last packet's arrival").isEqualTo("2025-03-04T05:06:07.269Z");
        assertThat(WavFile.parse(read(key + ".wav")).samples()).hasSize(10 * SAMPLES_PER_PACKET);
        awaitCompletion(id, 1);

        // The node's END comes late: ignored and counted, nothing stored or announced again.
        publish(id, RecordFixtures.end(id, "normal", STARTED_AT.toEpochMilli() + 5_000, 10, Map.of(), 2, Map.of()));
        await().atMost(PATIENCE).until(() -> get(metrics).body().contains("reason=\"after-ingest-lost\""));
        assertThat(get(metrics).body()).contains("storage_recordings_ingest_lost_total");
        completed.poll(Duration.ofSeconds(2)).forEach(events::add);
        assertThat(events.stream().filter(e -> id.equals(e.key()))).hasSize(1);
    }

    @Test
    @DisplayName("the topics storage creates get the configured partitions and retention")
    void topicsAreCreatedWithTheConfiguredRetention() throws Exception {
        await().atMost(PATIENCE).until(() -> get(ready).statusCode() == 200);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, config.kafka().completedTopic());
            Config c = admin.describeConfigs(List.of(topic)).all().get().get(topic);
            assertThat(c.get(TopicConfig.RETENTION_MS_CONFIG).value())
                    .isEqualTo(Long.toString(config.kafka().retention().toMillis()));
            assertThat(admin.describeTopics(List.of(config.kafka().completedTopic())).allTopicNames().get()
                    .get(config.kafka().completedTopic()).partitions()).hasSize(config.kafka().topicPartitions());
        }
    }

    @Test
    void storingTheSameRecordingTwiceWritesIdenticalObjects() throws Exception {
        String id = RecordingIds.next();
        String key = "acme/2025/03/04/" + id;
        List<Datagram> datagrams = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            datagrams.add(audioPacket(i));
        }
        List<byte[]> records = new ArrayList<>();
        records.add(RecordFixtures.start(id, "acme", AudioCodec.PCMA, STARTED_AT.toEpochMilli(),
                Map.of("local_name", "Zoë Müller")));
        records.addAll(RecordFixtures.chunks(datagrams, 4));
        records.add(RecordFixtures.end(id, "normal", STARTED_AT.toEpochMilli() + 200, 10, Map.of(), 3, Map.of()));

        // First delivery
        for (byte[] r : records) {
            publish(id, r);
        }
        awaitCompletion(id, 1);
        byte[] wav = read(key + ".wav");
        byte[] metadata = read(key + ".json");

        // The same records again (at-least-once delivery upstream, or a replay after a restart)
        for (byte[] r : records) {
            publish(id, r);
        }
        awaitCompletion(id, 2);

        assertThat(read(key + ".wav")).isEqualTo(wav);
        assertThat(read(key + ".json")).isEqualTo(metadata);
    }

    @Test
    @DisplayName("a START for an open id from another ingest node is refused: the recording keeps only its own audio and is ended only by its own END")
    void aForeignStartIsNeverMergedIntoAnOpenRecording() throws Exception {
        String id = RecordingIds.next();
        String key = "acme/2025/03/04/" + id;
        RecordOrigin own = new RecordOrigin("ingest-0", 40000); // what RecordFixtures.start names
        RecordOrigin forger = new RecordOrigin("ingest-7", 40100);
        List<Datagram> datagrams = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            datagrams.add(audioPacket(i));
        }
        List<byte[]> chunks = RecordFixtures.chunks(datagrams, 5);

        String foreignOrigin = "callrec_storage_records_skipped_total{reason=\"foreign-origin\"}";
        double skippedBefore = metric(foreignOrigin);
        publish(id, RecordFixtures.start(id, "acme", AudioCodec.PCMA, STARTED_AT.toEpochMilli(), Map.of()), own);
        publish(id, chunks.get(0), own);
        // The same id allocated on another node: START, a chunk of other audio, END.
        publish(id, ChunkCodec.encodeStart(new RecordingStarted(id, "acme", "p", "", AudioCodec.PCMA, "in",
                "127.0.0.5", "ingest-7", 40100, STARTED_AT.toEpochMilli() + 50, Map.of())), forger);
        publish(id, RecordFixtures.chunks(List.of(audioPacket(20)), 1).get(0), forger);
        publish(id, RecordFixtures.end(id, "normal", STARTED_AT.toEpochMilli() + 100, 1, Map.of(), 1, Map.of()), forger);
        await().atMost(PATIENCE).until(() -> metric(foreignOrigin) == skippedBefore + 2);
        assertThat(exists(key + ".json")).as("the forged END did not end it").isFalse();

        publish(id, chunks.get(1), own);
        publish(id, RecordFixtures.end(id, "normal", STARTED_AT.toEpochMilli() + 200, 10, Map.of(), 2, Map.of()), own);
        awaitCompletion(id, 1);

        assertThat(WavFile.parse(read(key + ".wav")).samples()).hasSize(10 * SAMPLES_PER_PACKET);
        JsonNode doc = json.readTree(read(key + ".json"));
        assertThat(doc.get("phone").get("address").asText()).isEqualTo("10.1.2.3");
        assertThat(get(metrics).body()).contains("reason=\"foreign-start\"");
    }

    @Test
    @DisplayName("a different recording under the keys of a stored one is refused and counted: the stored objects stay, no second event")
    void aDifferentRecordingNeverReplacesAStoredOne() throws Exception {
        String id = RecordingIds.next();
        String key = "acme/2025/03/04/" + id;
        RecordOrigin own = new RecordOrigin("ingest-0", 40000);
        publish(id, RecordFixtures.start(id, "acme", AudioCodec.PCMA, STARTED_AT.toEpochMilli(), Map.of()), own);
        publish(id, RecordFixtures.chunks(List.of(audioPacket(0), audioPacket(1)), 2).get(0), own);
        publish(id, RecordFixtures.end(id, "normal", STARTED_AT.toEpochMilli() + 40, 2, Map.of(), 1, Map.of()), own);
        awaitCompletion(id, 1);
        byte[] wav = read(key + ".wav");
        byte[] metadata = read(key + ".json");
        double conflictsBefore = metric("callrec_storage_objects_conflicts_total{object=\"audio\"}");

        // The same id and origin again, with other audio (the same day: the same keys)
        publish(id, RecordFixtures.start(id, "acme", AudioCodec.PCMA, STARTED_AT.toEpochMilli(), Map.of()), own);
        publish(id, RecordFixtures.chunks(List.of(audioPacket(5)), 1).get(0), own);
        publish(id, RecordFixtures.end(id, "normal", STARTED_AT.toEpochMilli() + 900, 1, Map.of(), 1, Map.of()), own);

        await().atMost(PATIENCE).until(() ->
                metric("callrec_storage_objects_conflicts_total{object=\"audio\"}") == conflictsBefore + 1);
        assertThat(read(key + ".wav")).isEqualTo(wav);
        assertThat(read(key + ".json")).isEqualTo(metadata);
        completed.poll(Duration.ofSeconds(2)).forEach(events::add);
        assertThat(events.stream().filter(e -> id.equals(e.key()))).as("no second event").hasSize(1);
        assertThat(metric("callrec_storage_recordings_failed_total{reason=\"object-conflict\"}")).isPositive();
    }

    private RecordMetadata publish(String id, byte[] value, RecordOrigin origin) throws Exception {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(Topics.MEDIA, id, value);
        r.headers().add(RecordOrigin.HEADER, origin.toHeader());
        return producer.send(r).get();
    }

    private Datagram audioPacket(int slot) {
        return new Datagram(arrivalMicros(slot), RtpPackets.rtp(AudioCodec.PCMA.payloadType(), 65_530 + slot,
                0xFFFF_FF00L + (long) SAMPLES_PER_PACKET * slot, SSRC, RecordFixtures.tonePayload(AudioCodec.PCMA, slot)));
    }

    private static long arrivalMicros(int slot) {
        return STARTED_AT.toEpochMilli() * 1000 + 20_000L * slot;
    }

    private RecordMetadata publish(String id, byte[] value) throws Exception {
        return producer.send(new ProducerRecord<>(Topics.MEDIA, id, value)).get();
    }

    private final List<ConsumerRecord<String, String>> events = new ArrayList<>();

    /** Waits until {@code count} completion events for {@code id} have been read; returns them. */
    private List<ConsumerRecord<String, String>> awaitCompletion(String id, int count) {
        await().atMost(PATIENCE).until(() -> {
            completed.poll(Duration.ofMillis(200)).forEach(events::add);
            return events.stream().filter(e -> id.equals(e.key())).count() >= count;
        });
        return events.stream().filter(e -> id.equals(e.key())).toList();
    }

    private long committedOffset(TopicPartition partition) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin
                    .listConsumerGroupOffsets(config.kafka().groupId()).partitionsToOffsetAndMetadata().get();
            return Optional.ofNullable(offsets.get(partition)).map(OffsetAndMetadata::offset).orElse(-1L);
        }
    }

    /** Waits until readiness answers {@code status}; a timeout shows the last answer. */
    private void awaitReadiness(int status) {
        await().atMost(PATIENCE).untilAsserted(() -> {
            HttpResponse<String> r = get(ready);
            assertThat(r.statusCode()).as("readiness %s: %s", ready, r.body()).isEqualTo(status);
        });
    }

    private JsonNode checks(String healthBody) throws Exception {
        java.util.Map<String, JsonNode> byName = new java.util.HashMap<>();
        json.readTree(healthBody).path("checks").forEach(c -> byName.put(c.path("name").asText(), c));
        return json.valueToTree(byName);
    }

    /** A sample's value in the Prometheus text ({@code name} with its labels as printed); 0 when absent. */
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

    private StatObjectResponse stat(String key) throws Exception {
        return s3.statObject(StatObjectArgs.builder().bucket(config.s3().bucket()).object(key).build());
    }

    private byte[] read(String key) throws Exception {
        try (var in = s3.getObject(GetObjectArgs.builder().bucket(config.s3().bucket()).object(key).build())) {
            return in.readAllBytes();
        }
    }
}
