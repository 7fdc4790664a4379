package org.callrec.ingest.allocation;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.callrec.core.allocation.InternalApi;
import org.callrec.core.audio.AudioCodec;
import org.callrec.core.chunk.ChunkCodec;
import org.callrec.core.chunk.MediaChunk;
import org.callrec.core.chunk.RecordType;
import org.callrec.core.chunk.RecordingEnded;
import org.callrec.core.chunk.RecordingStarted;
import org.callrec.core.chunk.StopReason;
import org.callrec.core.id.RecordingIds;
import org.callrec.ingest.IngestTestResources;
import org.callrec.ingest.MediaTopicReader;
import org.callrec.ingest.config.IngestConfig;
import org.callrec.testing.rtp.RtpPackets;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * Leases ({@code ingest.lease.ttl}, here 6 s), ALIVE records ({@code ingest.alive-interval},
 * here 300 ms) and the allocation journal with its recovery.
 */
@QuarkusTest
@WithTestResource(IngestTestResources.class)
@TestProfile(LeaseAndRecoveryTest.ShortTimes.class)
class LeaseAndRecoveryTest {

    /** Short lease and ALIVE times. */
    public static final class ShortTimes implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ingest.lease.ttl", TTL.toMillis() + "ms", "ingest.alive-interval", "300ms");
        }
    }

    /**
     * {@code ingest.lease.ttl} in these tests: long enough that a loaded machine renews an
     * allocation before it lapses (3 s flaked at a load average of 20).
     */
    static final Duration TTL = Duration.ofSeconds(6);
    private static final String ALLOCATIONS = InternalApi.ALLOCATIONS;
    private static final String LEASES = InternalApi.LEASES;
    private static final String PHONE = "127.0.0.1";

    @Inject
    IngestConfig config;
    @Inject
    Allocations allocations;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private final List<DatagramSocket> sockets = new ArrayList<>();

    @AfterEach
    void releaseEverything() {
        allocations.sessions().stream().map(s -> s.start().recordingId()).toList().forEach(id -> given()
                .contentType(ContentType.JSON).body(Map.of("reason", "test-over"))
                .post(ALLOCATIONS + "/" + id + "/release"));
        sockets.forEach(DatagramSocket::close);
    }

    @Test
    @DisplayName("a lease renewal renews the ids the node holds and answers the ones it does not know")
    void renewalAnswersUnknownIds() {
        String held = newId();
        String unknown = newId();
        allocate(held);

        given().contentType(ContentType.JSON).body(Map.of("recordingIds", List.of(held, unknown))).post(LEASES)
                .then().statusCode(200).body("unknown", contains(unknown));
    }

    @Test
    @DisplayName("a recording whose lease lapses ends with reason control-lost, all its audio kept; a renewed one goes on")
    void lapsedLeaseEndsTheRecording() throws IOException {
        String renewed = newId();
        String lapsed = newId();
        long started = System.nanoTime();
        int renewedPort = allocate(renewed);
        int lapsedPort = allocate(lapsed);
        DatagramSocket phone = udpSocket();

        // Both phones stream until the unrenewed lease lapsed (at most 3 ttl); only one lease is renewed
        long until = started + 3 * TTL.toNanos();
        for (int seq = 0; System.nanoTime() < until && isOpen(lapsed); seq++) {
            byte[] packet = RtpPackets.pcma(seq, seq);
            send(phone, lapsedPort, packet);
            send(phone, renewedPort, packet);
            if (seq % 10 == 0) {
                given().contentType(ContentType.JSON).body(Map.of("recordingIds", List.of(renewed))).post(LEASES)
                        .then().statusCode(200);
            }
            sleep(20);
        }

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(TTL);

        // The lapsed one ended as control-lost with every packet it accepted; the other is open
        List<ConsumerRecord<String, byte[]>> records = MediaTopicReader.readRecording(bootstrapServers,
                config.kafka().mediaTopic(), lapsed);
        RecordingEnded end = ChunkCodec.decodeEnd(records.get(records.size() - 1).value());
        assertThat(end.reason()).isEqualTo(StopReason.CONTROL_LOST.token());
        long published = records.stream().filter(r -> ChunkCodec.typeOf(r.value()) == RecordType.MEDIA)
                .mapToLong(r -> MediaChunk.parse(r.value()).packetCount()).sum();
        assertThat(published).isEqualTo(end.packetsAccepted()).isGreaterThan(0);
        assertThat(allocations.sessions()).extracting(s -> s.start().recordingId()).containsExactly(renewed);
    }

    @Test
    @DisplayName("a silent recording sends an ALIVE record every alive-interval, naming this node")
    void silentRecordingSendsAlive() {
        String id = newId();
        allocate(id);

        List<ConsumerRecord<String, byte[]>> records = MediaTopicReader.readUntil(bootstrapServers,
                config.kafka().mediaTopic(), id, RecordType.ALIVE);

        assertThat(ChunkCodec.typeOf(records.get(0).value())).isEqualTo(RecordType.START);
        assertThat(ChunkCodec.decodeAlive(records.get(records.size() - 1).value()).ingestNode())
                .isEqualTo(IngestTestResources.NODE_ID);
    }

    @Test
    @DisplayName("the journal holds an open recording's START keyed by its id, and a tombstone once it ended")
    void journalHoldsOpenAllocations() {
        String id = newId();
        int port = allocate(id);
        given().contentType(ContentType.JSON).body(Map.of("reason", "hangup")).post(ALLOCATIONS + "/" + id + "/release")
                .then().statusCode(200);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<ConsumerRecord<String, byte[]>> journal = readJournal(id);
            assertThat(journal).hasSize(2);
            RecordingStarted start = ChunkCodec.decodeStart(journal.get(0).value());
            assertThat(start.ingestNode()).isEqualTo(IngestTestResources.NODE_ID);
            assertThat(start.mediaPort()).isEqualTo(port);
            assertThat(journal.get(1).value()).isNull();
        });
    }

    @Test
    @DisplayName("recovery takes over the journal's recordings of this node: same port, media continues without a second START")
    void recoveryContinuesTheRecording() throws Exception {
        // The journal says this node held a recording on a port (as before a crash); another node's is ignored
        await().atMost(Duration.ofSeconds(10)).until(() -> allocations.freePorts() == IngestTestResources.POOL_SIZE);
        int port = config.ports().max();
        String mine = newId();
        String others = newId();
        RecordingStarted start = new RecordingStarted(mine, "acme", "p1", "00:15:65:12:34:56", AudioCodec.PCMA, "in",
                PHONE, IngestTestResources.NODE_ID, port, System.currentTimeMillis(), Map.of());
        RecordingStarted foreign = new RecordingStarted(others, "acme", "p2", "00:15:65:12:34:57", AudioCodec.PCMA,
                "in", PHONE, "another-node", config.ports().min(), System.currentTimeMillis(), Map.of());
        writeJournal(foreign);
        writeJournal(start);

        allocations.recover();

        // Only this node's recording is open again, on its port, and the phone's packets reach the topic
        assertThat(allocations.sessions()).extracting(s -> s.start().recordingId()).containsExactly(mine);
        DatagramSocket phone = udpSocket();
        for (int seq = 0; seq < 10; seq++) {
            send(phone, port, RtpPackets.pcma(seq, seq));
        }
        given().contentType(ContentType.JSON).body(Map.of("recordingIds", List.of(mine))).post(LEASES)
                .then().statusCode(200).body("unknown", org.hamcrest.Matchers.empty());
        await().atMost(Duration.ofSeconds(10)).until(() -> allocations.sessions().iterator().next().result()
                .packetsAccepted() == 10);
        given().contentType(ContentType.JSON).body(Map.of("reason", "hangup")).post(ALLOCATIONS + "/" + mine + "/release")
                .then().statusCode(200).body("packetsAccepted", equalTo(10));
        List<ConsumerRecord<String, byte[]>> records = MediaTopicReader.readRecording(bootstrapServers,
                config.kafka().mediaTopic(), mine);
        assertThat(records).extracting(r -> ChunkCodec.typeOf(r.value())).doesNotContain(RecordType.START)
                .contains(RecordType.MEDIA).last().isEqualTo(RecordType.END);
    }

    private boolean isOpen(String id) {
        return allocations.sessions().stream().anyMatch(s -> s.start().recordingId().equals(id));
    }

    private List<ConsumerRecord<String, byte[]>> readJournal(String id) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(config.kafka().allocationsTopic()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (id.equals(r.key())) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }

    private void writeJournal(RecordingStarted start) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(config.kafka().allocationsTopic(), start.recordingId(),
                    ChunkCodec.encodeStart(start))).get();
        }
    }

    private static int allocate(String id) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("recordingId", id);
        body.put("tenant", "acme");
        body.put("codec", "PCMA");
        body.put("phoneAddress", PHONE);
        return given().contentType(ContentType.JSON).body(body).post(ALLOCATIONS).then().statusCode(200)
                .extract().path("port");
    }

    private DatagramSocket udpSocket() throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(PHONE, 0));
        sockets.add(socket);
        return socket;
    }

    private static void send(DatagramSocket from, int port, byte[] data) throws IOException {
        from.send(new DatagramPacket(data, data.length, InetAddress.getByName(PHONE), port));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String newId() {
        return RecordingIds.next();
    }
}
