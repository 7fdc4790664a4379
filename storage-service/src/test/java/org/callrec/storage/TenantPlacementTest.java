package org.callrec.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.callrec.storage.RecordFixtures.SAMPLES_PER_PACKET;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.callrec.core.audio.AudioCodec;
import org.callrec.core.chunk.Topics;
import org.callrec.core.completion.CompletionEvent;
import org.callrec.core.id.RecordingIds;
import org.callrec.core.registry.Registry;
import org.callrec.core.registry.RegistryKeys;
import org.callrec.core.registry.StoragePlacement;
import org.callrec.core.registry.TenantEntry;
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

import io.micrometer.core.instrument.MeterRegistry;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Tenants' placements against a real Kafka broker and a real S3 server (s3proxy, which creates the
 * tenants' buckets as {@code storage.s3.create-tenant-buckets} allows): each recording goes where
 * its START record says, whole, whatever the registry says meanwhile.
 */
@QuarkusTest
@WithTestResource(EmbeddedInfraResource.class)
class TenantPlacementTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Instant STARTED_AT = Instant.parse("2025-03-04T05:06:07.089Z");
    private static final long SSRC = 0x1234_5678L;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    StorageConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    Registry registry;

    @Inject
    MeterRegistry meters;

    private KafkaProducer<String, byte[]> producer;
    private KafkaProducer<String, String> registryProducer;
    private KafkaConsumer<String, String> completed;
    private MinioClient s3;
    private final List<CompletionEvent> events = new ArrayList<>();

    @BeforeEach
    void connect() {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
        registryProducer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
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
        registryProducer.close();
        completed.close();
        s3.close();
    }

    @Test
    @DisplayName("two tenants with their own buckets and prefixes: each recording lands whole in its tenant's place, and the event names it")
    void twoTenantsLandInTheirOwnPlaces() throws Exception {
        String acme = RecordingIds.next();
        String globex = RecordingIds.next();

        // Acme: its own bucket, its own two-segment prefix; Globex: the deployment's bucket under its prefix
        record(acme, "acme", new StoragePlacement("acme-calls", "acme/eu", null), 10);
        record(globex, "globex", new StoragePlacement(null, "globex-archive", null), 5);

        CompletionEvent a = awaitCompletion(acme);
        CompletionEvent g = awaitCompletion(globex);
        assertThat(a.bucket()).isEqualTo("acme-calls");
        assertThat(a.audioKey()).isEqualTo("acme/eu/2025/03/04/" + acme + ".wav");
        assertThat(g.bucket()).isEqualTo(config.s3().bucket());
        assertThat(g.audioKey()).isEqualTo("globex-archive/2025/03/04/" + globex + ".wav");

        // the objects are where the events say, and nowhere else
        assertThat(keys("acme-calls", "acme/eu/")).containsExactlyInAnyOrder(a.audioKey(), a.metadataKey());
        assertThat(keys(config.s3().bucket(), "globex-archive/")).containsExactlyInAnyOrder(g.audioKey(), g.metadataKey());
        assertThat(keys(config.s3().bucket(), "acme/2025/03/04/" + acme)).isEmpty();
        JsonNode doc = json.readTree(read("acme-calls", a.metadataKey()));
        assertThat(doc.get("bucket").asText()).isEqualTo("acme-calls");
        assertThat(doc.at("/audio/key").asText()).isEqualTo(a.audioKey());

        // audioBytes: the WAV object's size (44-byte header + 160 samples of PCM16, 320 bytes, per packet)
        long wavSize = read("acme-calls", a.audioKey()).length;
        assertThat(a.audioBytes()).isEqualTo(wavSize).isEqualTo(44 + 10L * SAMPLES_PER_PACKET * 2);
        assertThat(g.audioBytes()).isEqualTo(read(config.s3().bucket(), g.audioKey()).length);
    }

    @Test
    @DisplayName("the START's placement wins: a registry change while the call runs never splits the recording")
    void theStartPlacementWinsOverAChangedRegistry() throws Exception {
        String id = RecordingIds.next();
        // the registry says "initech-old" when the call starts (control stamped it into the START)...
        tenant("initech", new StoragePlacement("initech-old", null, null));
        publish(id, RecordFixtures.start(id, "initech", AudioCodec.PCMA, STARTED_AT.toEpochMilli(),
                new StoragePlacement("initech-old", null, null)));
        publish(id, RecordFixtures.chunks(packets(0, 5), 5).get(0));
        // ...then the tenant moves to another bucket, and storage's replica has seen it
        tenant("initech", new StoragePlacement("initech-new", "moved", null));
        await().atMost(PATIENCE).until(() -> registry.tenant("initech")
                .map(t -> "initech-new".equals(t.placement().bucket())).orElse(false));
        publish(id, RecordFixtures.chunks(packets(5, 10), 5).get(0));
        publish(id, RecordFixtures.end(id, "normal", STARTED_AT.toEpochMilli() + 200, 10, Map.of(), 2, Map.of()));

        CompletionEvent e = awaitCompletion(id);
        assertThat(e.bucket()).isEqualTo("initech-old");
        assertThat(e.audioKey()).isEqualTo("initech/2025/03/04/" + id + ".wav");
        assertThat(keys("initech-old", "initech/")).containsExactlyInAnyOrder(e.audioKey(), e.metadataKey());
        // all ten packets in the one WAV, nothing under the new placement (its bucket was never even made)
        assertThat(read("initech-old", e.audioKey())).hasSize(44 + 10 * SAMPLES_PER_PACKET * 2);
        assertThat(s3.bucketExists(BucketExistsArgs.builder().bucket("initech-new").build())).isFalse();
    }

    @Test
    @DisplayName("a placement that breaks the rules falls back to the deployment's bucket and the tenant id, counted")
    void anInvalidPlacementFallsBackCounted() throws Exception {
        double bucketsBefore = invalid("bucket");
        double prefixesBefore = invalid("prefix");
        String badBucket = RecordingIds.next();
        String badPrefix = RecordingIds.next();

        record(badBucket, "hooli", new StoragePlacement("Not_A_Bucket", "hooli/x", null), 3);
        record(badPrefix, "hooli", new StoragePlacement("hooli-calls", "../../etc", null), 3);

        for (String id : List.of(badBucket, badPrefix)) {
            CompletionEvent e = awaitCompletion(id);
            assertThat(e.bucket()).isEqualTo(config.s3().bucket());
            assertThat(e.audioKey()).isEqualTo("hooli/2025/03/04/" + id + ".wav");
            assertThat(read(config.s3().bucket(), e.audioKey())).isNotEmpty();
        }
        assertThat(invalid("bucket")).isEqualTo(bucketsBefore + 1);
        assertThat(invalid("prefix")).isEqualTo(prefixesBefore + 1);
    }

    @Test
    @DisplayName("SSE-KMS over this plain-HTTP endpoint: the recording is not stored (never unencrypted), counted, no event")
    void kmsOverHttpIsRefused() throws Exception {
        String id = RecordingIds.next();
        double before = failed("kms-needs-tls");

        record(id, "umbrella", new StoragePlacement("umbrella-calls", null, "arn:aws:kms:eu-west-1:1:key/k"), 3);

        await().atMost(PATIENCE).until(() -> failed("kms-needs-tls") == before + 1);
        completed.poll(Duration.ofMillis(500)).forEach(r -> events.add(CompletionEvent.fromJson(r.value())));
        assertThat(events).noneMatch(ev -> id.equals(ev.recordingId()));
        assertThat(keys(config.s3().bucket(), "umbrella/")).isEmpty();
        assertThat(s3.bucketExists(BucketExistsArgs.builder().bucket("umbrella-calls").build())).isFalse();
    }

    @Test
    @DisplayName("registry records that cannot be read are counted and dropped; the channel goes on")
    void malformedRegistryRecordsAreDropped() throws Exception {
        double before = meters.counter("callrec.storage.registry.records.dropped").count();

        registryProducer.send(new ProducerRecord<>(Topics.REGISTRY, RegistryKeys.tenant("bad"), "{not json")).get();
        registryProducer.send(new ProducerRecord<>(Topics.REGISTRY, "something:else", "{}")).get();
        registryProducer.send(new ProducerRecord<>(Topics.REGISTRY, RegistryKeys.tenant("liar"),
                json.writeValueAsString(new TenantEntry("other", "x", null, null, null, null, null, null, null)))).get();
        tenant("after-bad", StoragePlacement.DEFAULT);

        await().atMost(PATIENCE).until(() -> registry.tenant("after-bad").isPresent());
        assertThat(meters.counter("callrec.storage.registry.records.dropped").count()).isEqualTo(before + 3);
        assertThat(registry.tenant("bad")).isEmpty();
        assertThat(registry.tenant("liar")).isEmpty();
        assertThat(registry.tenant("other")).isEmpty();

        // a tombstone removes the tenant
        registryProducer.send(new ProducerRecord<>(Topics.REGISTRY, RegistryKeys.tenant("after-bad"), null)).get();
        await().atMost(PATIENCE).until(() -> registry.tenant("after-bad").isEmpty());
    }

    private void tenant(String id, StoragePlacement placement) throws Exception {
        TenantEntry t = new TenantEntry(id, id, TenantEntry.ACTIVE, List.of(), null, null, null, placement, null);
        registryProducer.send(new ProducerRecord<>(Topics.REGISTRY, RegistryKeys.tenant(id), json.writeValueAsString(t)))
                .get();
    }

    private void record(String id, String tenant, StoragePlacement placement, int packets) throws Exception {
        publish(id, RecordFixtures.start(id, tenant, AudioCodec.PCMA, STARTED_AT.toEpochMilli(), placement));
        for (byte[] chunk : RecordFixtures.chunks(packets(0, packets), 4)) {
            publish(id, chunk);
        }
        publish(id, RecordFixtures.end(id, "normal", STARTED_AT.toEpochMilli() + 20L * packets, packets, Map.of(),
                (packets + 3) / 4, Map.of()));
    }

    private static List<Datagram> packets(int from, int to) {
        List<Datagram> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(new Datagram(STARTED_AT.toEpochMilli() * 1000 + 20_000L * i, RtpPackets.rtp(
                    AudioCodec.PCMA.payloadType(), 100 + i, (long) SAMPLES_PER_PACKET * i, SSRC,
                    RecordFixtures.tonePayload(AudioCodec.PCMA, i))));
        }
        return out;
    }

    private void publish(String id, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(Topics.MEDIA, id, value)).get();
    }

    private CompletionEvent awaitCompletion(String id) {
        await().atMost(PATIENCE).until(() -> {
            completed.poll(Duration.ofMillis(200)).forEach(r -> events.add(CompletionEvent.fromJson(r.value())));
            return events.stream().anyMatch(e -> id.equals(e.recordingId()));
        });
        return events.stream().filter(e -> id.equals(e.recordingId())).findFirst().orElseThrow();
    }

    private List<String> keys(String bucket, String prefix) throws Exception {
        if (!s3.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (Result<Item> r : s3.listObjects(ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true)
                .build())) {
            out.add(r.get().objectName());
        }
        return out;
    }

    private byte[] read(String bucket, String key) throws Exception {
        try (var in = s3.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            return in.readAllBytes();
        }
    }

    private double invalid(String part) {
        return meters.counter("callrec.storage.placements.invalid", "part", part).count();
    }

    private double failed(String reason) {
        return meters.counter("callrec.storage.recordings.failed", "reason", reason).count();
    }
}
