package org.callrec.ingest.kafka;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.callrec.core.allocation.InternalApi;
import org.callrec.core.chunk.ChunkCodec;
import org.callrec.core.chunk.RecordType;
import org.callrec.core.id.RecordingIds;
import org.callrec.ingest.IngestTestResources;
import org.callrec.ingest.MediaTopicReader;
import org.callrec.ingest.config.IngestConfig;
import org.callrec.testing.rtp.RtpPackets;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * Every Kafka client the node creates gets the operator's {@code kafka.*} properties (here
 * {@code security.protocol}, {@code client.rack}, a custom key and a metrics reporter that shows
 * each client's configuration), while what the node relies on stays fixed.
 */
@QuarkusTest
@WithTestResource(IngestTestResources.class)
@TestProfile(KafkaPassThroughTest.ExtraKafkaProperties.class)
class KafkaPassThroughTest {

    /** What an operator adds beside {@code kafka.bootstrap.servers}, and what it may not change. */
    public static final class ExtraKafkaProperties implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "kafka.metric.reporters", ConfigCapturingReporter.class.getName(),
                    "kafka.security.protocol", "PLAINTEXT",
                    "kafka.client.rack", RACK,
                    "kafka.callrec.test.marker", MARKER,
                    // attempts to change what the node relies on
                    "kafka.acks", "0",
                    "kafka.enable.idempotence", "false",
                    "kafka.group.id", "someone-elses-group");
        }
    }

    static final String RACK = "rack-7";
    static final String MARKER = "passed-through";
    private static final String ALLOCATIONS = InternalApi.ALLOCATIONS;

    @Inject
    IngestConfig config;
    @Inject
    KafkaReachability reachability;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    @DisplayName("the media producer, the journal's producer and reader, and both admin clients get every kafka.* property")
    void everyClientGetsTheKafkaProperties() {
        List<String> clients = List.of(KafkaClientProperties.MEDIA_PRODUCER, KafkaClientProperties.JOURNAL_PRODUCER,
                KafkaClientProperties.JOURNAL_READER, KafkaClientProperties.HEALTH_ADMIN,
                KafkaClientProperties.TOPICS_ADMIN + config.kafka().mediaTopic(),
                KafkaClientProperties.TOPICS_ADMIN + config.kafka().allocationsTopic());

        // The topic admins run on the publisher's thread: they may come a little after the start
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(clients)
                .allSatisfy(id -> assertThat(ConfigCapturingReporter.configOf(id)).as(id).isNotNull()));

        assertThat(clients).allSatisfy(id -> assertThat(ConfigCapturingReporter.configOf(id)).as(id)
                .containsEntry("bootstrap.servers", bootstrapServers)
                .containsEntry("security.protocol", "PLAINTEXT")
                .containsEntry("client.rack", RACK)
                .containsEntry("callrec.test.marker", MARKER)
                .doesNotContainKey("group.id"));
    }

    @Test
    @DisplayName("the producers stay idempotent with acks=all whatever kafka.acks and kafka.enable.idempotence say")
    void producersKeepTheirDeliveryGuarantees() {
        assertThat(List.of(KafkaClientProperties.MEDIA_PRODUCER, KafkaClientProperties.JOURNAL_PRODUCER))
                .allSatisfy(id -> assertThat(ConfigCapturingReporter.configOf(id)).as(id)
                        .containsEntry("acks", "all")
                        .containsEntry("enable.idempotence", true));
    }

    @Test
    @DisplayName("with these properties the node reaches the broker and publishes a recording from START to END")
    void theNodeStillWorks() throws IOException {
        String recordingId = RecordingIds.next();

        // Readiness: the health admin client reaches the broker
        await().atMost(Duration.ofSeconds(30)).until(() -> reachability.current().up());

        // A recording with a few packets, then released
        int port = given().contentType(ContentType.JSON)
                .body(Map.of("recordingId", recordingId, "tenant", "acme", "codec", "PCMA", "phoneAddress", "127.0.0.1"))
                .post(ALLOCATIONS).then().statusCode(200).extract().path("port");
        try (DatagramSocket phone = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            for (int seq = 0; seq < 10; seq++) {
                byte[] packet = RtpPackets.pcma(seq, seq);
                phone.send(new DatagramPacket(packet, packet.length, InetAddress.getLoopbackAddress(), port));
            }
        }
        given().contentType(ContentType.JSON).body(Map.of("reason", "hangup"))
                .post(ALLOCATIONS + "/" + recordingId + "/release").then().statusCode(200);

        // It reaches the media topic whole
        List<ConsumerRecord<String, byte[]>> records = MediaTopicReader.readRecording(bootstrapServers,
                config.kafka().mediaTopic(), recordingId);
        List<RecordType> types = records.stream().map(r -> ChunkCodec.typeOf(r.value())).toList();
        assertThat(types).first().isEqualTo(RecordType.START);
        assertThat(types).last().isEqualTo(RecordType.END);
    }
}
