package org.callrec.ingest.allocation;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.callrec.core.allocation.InternalApi;
import org.callrec.core.audio.AudioCodec;
import org.callrec.core.chunk.ChunkCodec;
import org.callrec.core.chunk.MediaChunk;
import org.callrec.core.chunk.RecordOrigin;
import org.callrec.core.chunk.RecordType;
import org.callrec.core.chunk.RecordingEnded;
import org.callrec.core.chunk.RecordingStarted;
import org.callrec.core.id.RecordingIds;
import org.callrec.ingest.IngestTestResources;
import org.callrec.ingest.MediaTopicReader;
import org.callrec.ingest.config.IngestConfig;
import org.callrec.testing.rtp.RtpPackets;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * The internal API control-service calls ({@code org.callrec.core.allocation}) and what the
 * node does with the RTP sent to the ports it hands out: real UDP sockets, a real Kafka broker.
 */
@QuarkusTest
@WithTestResource(IngestTestResources.class)
class AllocationApiTest {

    private static final String ALLOCATIONS = InternalApi.ALLOCATIONS;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String PHONE = "127.0.0.1";

    @Inject
    IngestConfig config;
    @Inject
    Allocations allocations;
    @Inject
    RecordingIdGuard ids;
    @Inject
    MediaSockets mediaSockets;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private final List<DatagramSocket> sockets = new ArrayList<>();

    @BeforeEach
    void everyPortIsFree() {
        // ports released by earlier tests rest for ingest.ports.quarantine first
        await().atMost(WAIT).until(() -> allocations.freePorts() == IngestTestResources.POOL_SIZE);
    }

    @AfterEach
    void releaseEverythingAndCloseSockets() {
        allocations.sessions().stream().map(s -> s.start().recordingId()).toList()
                .forEach(id -> release(id, Map.of("reason", "test-over")));
        sockets.forEach(DatagramSocket::close);
    }

    @Test
    @DisplayName("on Linux x86_64 the media sockets read through Netty's native epoll transport")
    void mediaSocketsUseNativeEpollOnLinux() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux")
                && System.getProperty("os.arch").equals("amd64"), "the native library shipped is linux-x86_64");
        assertThat(mediaSockets.transport()).isEqualTo("epoll");
    }

    @Test
    @DisplayName("allocate answers the advertised address and a port of the range, bound for the recording")
    void allocateReturnsTheAdvertisedAddressAndAPortInRange() {
        String recordingId = newId();

        Response response = allocate(request(recordingId));

        response.then().statusCode(200)
                .body("recordingId", equalTo(recordingId))
                .body("node", equalTo(IngestTestResources.NODE_ID))
                .body("address", equalTo(IngestTestResources.ADVERTISED_ADDRESS));
        int port = response.path("port");
        assertThat(port).isBetween(config.ports().min(), config.ports().max());
        // the node holds the port: nobody else can bind it
        assertThatThrownBy(() -> new DatagramSocket(new InetSocketAddress("0.0.0.0", port)).close())
                .isInstanceOf(BindException.class);
    }

    @Test
    @DisplayName("allocate is idempotent per recordingId: same endpoint, one recording, one port used")
    void allocateIsIdempotent() {
        String recordingId = newId();
        int freeBefore = allocations.freePorts();

        int first = allocate(request(recordingId)).then().statusCode(200).extract().path("port");
        int second = allocate(request(recordingId)).then().statusCode(200).extract().path("port");

        assertThat(second).isEqualTo(first);
        assertThat(allocations.freePorts()).isEqualTo(freeBefore - 1);
        List<String> open = given().get(ALLOCATIONS).then().statusCode(200).extract().path("recordingId");
        assertThat(open).containsOnlyOnce(recordingId);
    }

    @Test
    @DisplayName("an allocate for a recording that was just released (still lingering) is 409 recording-ended, not a second START")
    void allocateAfterReleaseIsRefused() {
        String recordingId = newId();
        allocate(request(recordingId)).then().statusCode(200);
        release(recordingId, Map.of("reason", "hangup")).then().statusCode(200);

        // Within release-linger the recording is ending: it cannot be opened again.
        allocate(request(recordingId)).then().statusCode(409).body("error", equalTo("recording-ended"));
    }

    @Test
    @DisplayName("an allocate arriving after control-service already released that id (it gave up waiting) is 409, no orphan opened")
    void allocateAfterAnEarlyReleaseIsRefused() {
        String recordingId = newId();
        int freeBefore = allocations.freePorts();
        // control-service timed out on this node and ended the id before the node made it
        release(recordingId, Map.of("reason", "allocation-abandoned")).then().statusCode(404);

        allocate(request(recordingId)).then().statusCode(409).body("error", equalTo("recording-ended"));
        assertThat(allocations.freePorts()).isEqualTo(freeBefore);
    }

    @Test
    @DisplayName("an id is accepted once: allocating a released id again, after its linger, is 409 duplicate-recording and counted")
    void aReleasedIdIsNeverAllocatedAgain() {
        String recordingId = newId();
        allocate(request(recordingId)).then().statusCode(200);
        release(recordingId, Map.of("reason", "hangup")).then().statusCode(200);
        long before = ids.refusedDuplicates();

        // while it lingers the answer is recording-ended; once the linger is over the recording is
        // gone from the node, and its id still is not new
        await().atMost(WAIT).until(() -> !"recording-ended".equals(allocate(request(recordingId)).path("error")));
        allocate(request(recordingId)).then().statusCode(409).body("error", equalTo("duplicate-recording"));
        assertThat(ids.refusedDuplicates()).isGreaterThan(before);
        assertThat(allocations.sessions()).isEmpty();
    }

    static Stream<Arguments> idsThatAreNotNew() {
        SecureRandom random = new SecureRandom();
        byte[] bits = new byte[16];
        random.nextBytes(bits);
        long now = System.currentTimeMillis();
        return Stream.of(
                Arguments.of("a UUIDv4", UUID.randomUUID().toString()),
                Arguments.of("a name", "rec-1"),
                Arguments.of("an upper-case UUIDv7", RecordingIds.next().toUpperCase(Locale.ROOT)),
                Arguments.of("a UUIDv7 minted 2 minutes ago", RecordingIds.derived(now - 120_000, bits)),
                Arguments.of("a UUIDv7 minted 2 minutes ahead", RecordingIds.derived(now + 120_000, bits)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("idsThatAreNotNew")
    @DisplayName("an id that is not a fresh canonical UUIDv7 is 409 duplicate-recording and takes no port")
    void anIdThatCannotBeNewIsRefused(String description, String recordingId) {
        int freeBefore = allocations.freePorts();

        allocate(request(recordingId)).then().statusCode(409).body("error", equalTo("duplicate-recording"));

        assertThat(allocations.freePorts()).isEqualTo(freeBefore);
        assertThat(allocations.sessions()).isEmpty();
    }

    @Test
    @DisplayName("an allocate for an open id from another phone or tenant is 409 duplicate-recording, the open one goes on")
    void anOpenIdForAnotherCallIsRefused() {
        String recordingId = newId();
        int port = allocate(request(recordingId)).then().statusCode(200).extract().path("port");

        allocate(with(request(recordingId), "phoneAddress", "127.0.0.5")).then().statusCode(409)
                .body("error", equalTo("duplicate-recording"));
        allocate(with(request(recordingId), "tenant", "other")).then().statusCode(409)
                .body("error", equalTo("duplicate-recording"));

        assertThat(allocations.sessions()).singleElement().satisfies(s -> {
            assertThat(s.port()).isEqualTo(port);
            assertThat(s.start().phoneAddress()).isEqualTo(PHONE);
        });
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                Arguments.of("no recordingId", without(request("x"), "recordingId"), "bad-request"),
                Arguments.of("blank recordingId", with(request("x"), "recordingId", " "), "bad-request"),
                Arguments.of("no tenant", without(request(newId()), "tenant"), "bad-request"),
                Arguments.of("codec OPUS", with(request(newId()), "codec", "OPUS"), "unsupported-codec"),
                Arguments.of("no codec", without(request(newId()), "codec"), "unsupported-codec"),
                Arguments.of("phoneAddress a host name", with(request(newId()), "phoneAddress", "phone.example.com"),
                        "bad-request"),
                Arguments.of("no phoneAddress", without(request(newId()), "phoneAddress"), "bad-request"));
    }

    @ParameterizedTest(name = "{0} → {2}")
    @MethodSource("badRequests")
    @DisplayName("an invalid allocate request is answered 400 with an error token, and takes no port")
    void invalidAllocateRequest(String description, Map<String, Object> body, String token) {
        int freeBefore = allocations.freePorts();

        allocate(body).then().statusCode(400).body("error", equalTo(token));

        assertThat(allocations.freePorts()).isEqualTo(freeBefore);
        assertThat(allocations.sessions()).isEmpty();
    }

    @Test
    @DisplayName("an allocate without a body is answered 400 bad-request")
    void allocateWithoutABody() {
        given().contentType(ContentType.JSON).post(ALLOCATIONS).then().statusCode(400)
                .body("error", equalTo("bad-request"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("addressesThatAreNotIps")
    @DisplayName("a phoneAddress that is not an IP address is answered 400 bad-request")
    void phoneAddressThatIsNotAnIp(String phoneAddress) {
        allocate(with(request(newId()), "phoneAddress", phoneAddress)).then().statusCode(400)
                .body("error", equalTo("bad-request"));
    }

    static Stream<String> addressesThatAreNotIps() {
        return Stream.of("999.1.1.1", "1.2.3", "...", "not:an:ip");
    }

    @Test
    @DisplayName("a phone on the node's own host may send from any of the host's interface addresses (not from other loopback ones)")
    void samehostPhoneMaySendFromAnyOwnAddress() throws IOException {
        String ownAddress = nonLoopbackInterfaceAddress();
        assumeTrue(ownAddress != null, "this host has no non-loopback IPv4 address");
        String recordingId = newId();
        int port = allocate(request(recordingId)).then().statusCode(200).extract().path("port");

        // The phone reached control as 127.0.0.1, but its RTP leaves from the host's LAN address.
        DatagramSocket phoneOtherInterface = udpSocket(ownAddress);
        for (int seq = 0; seq < 3; seq++) {
            send(phoneOtherInterface, port, RtpPackets.pcma(seq, seq));
        }
        awaitAccepted(recordingId, 3);
        release(recordingId, Map.of("reason", "hangup")).then().statusCode(200)
                .body("droppedByReason", org.hamcrest.Matchers.anEmptyMap());
    }

    private static String nonLoopbackInterfaceAddress() throws IOException {
        for (java.net.NetworkInterface nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : java.util.Collections.list(nic.getInetAddresses())) {
                if (a instanceof java.net.Inet4Address && !a.isLoopbackAddress() && nic.isUp()) {
                    return a.getHostAddress();
                }
            }
        }
        return null;
    }

    @Test
    @DisplayName("RTP from the phone's address is accepted; from elsewhere foreign-source; garbage malformed; too long oversize")
    void rtpIsFilteredBySourceAndShape() throws IOException {
        String recordingId = newId();
        int port = allocate(request(recordingId)).then().statusCode(200).extract().path("port");
        DatagramSocket phone = udpSocket(PHONE);
        DatagramSocket stranger = udpSocket("127.0.0.2");

        // Dropped ones first: on loopback they reach the node's socket before what follows
        send(stranger, port, RtpPackets.pcma(1, 0));
        send(stranger, port, RtpPackets.pcma(2, 0));
        send(phone, port, "hello".getBytes());
        send(phone, port, RtpPackets.versionOne());
        send(phone, port, RtpPackets.packet(3, 480, 1600, 0));
        for (int seq = 10; seq < 15; seq++) {
            send(phone, port, RtpPackets.pcma(seq, seq));
        }
        awaitAccepted(recordingId, 5);

        Response released = release(recordingId, Map.of("reason", "hangup"));

        released.then().statusCode(200)
                .body("recordingId", equalTo(recordingId))
                .body("packetsAccepted", equalTo(5));
        Map<String, Integer> dropped = released.path("droppedByReason");
        assertThat(dropped).containsOnly(entry("foreign-source", 2), entry("malformed", 2), entry("oversize", 1));
    }

    @Test
    @DisplayName("release answers the counts; a second release, or one for an unknown id, is 404 unknown-recording")
    void releaseOfUnknownRecording() {
        String recordingId = newId();
        allocate(request(recordingId)).then().statusCode(200);

        release(recordingId, Map.of("reason", "hangup")).then().statusCode(200)
                .body("recordingId", equalTo(recordingId))
                .body("packetsAccepted", equalTo(0));

        release(recordingId, Map.of("reason", "hangup")).then().statusCode(404)
                .body("error", equalTo("unknown-recording"));
        release("no-such-recording", Map.of("reason", "hangup")).then().statusCode(404)
                .body("error", equalTo("unknown-recording"));
    }

    @Test
    @DisplayName("the media topic holds START, MEDIA…, END for the recording, on one partition, every accepted datagram byte-exact in order")
    void recordingOnTheMediaTopic() throws IOException {
        String recordingId = newId();
        int port = allocate(request(recordingId)).then().statusCode(200).extract().path("port");
        DatagramSocket phone = udpSocket(PHONE);

        // 30 packets of 172 bytes fill several chunks of 2 KiB; garbage in between is left out
        List<byte[]> sent = new ArrayList<>();
        for (int seq = 0; seq < 30; seq++) {
            byte[] packet = RtpPackets.pcma(seq, seq * 7);
            sent.add(packet);
            send(phone, port, packet);
            if (seq % 10 == 5) {
                send(phone, port, "not rtp".getBytes());
            }
        }
        awaitAccepted(recordingId, sent.size());
        release(recordingId, Map.of("reason", "hangup", "fields", Map.of("remote_name", "Bob Jr"))).then()
                .statusCode(200);

        List<ConsumerRecord<String, byte[]>> records = MediaTopicReader.readRecording(bootstrapServers,
                config.kafka().mediaTopic(), recordingId);

        // one partition, in order: START, MEDIA…, END
        assertThat(records).extracting(ConsumerRecord::partition).containsOnly(records.get(0).partition());
        List<RecordType> types = records.stream().map(r -> ChunkCodec.typeOf(r.value())).toList();
        assertThat(types).hasSizeGreaterThan(3).first().isEqualTo(RecordType.START);
        assertThat(types).last().isEqualTo(RecordType.END);
        assertThat(types.subList(1, types.size() - 1)).containsOnly(RecordType.MEDIA);

        RecordingStarted start = ChunkCodec.decodeStart(records.get(0).value());
        assertThat(start.recordingId()).isEqualTo(recordingId);
        assertThat(start.tenant()).isEqualTo("acme");
        assertThat(start.phoneSessionId()).isEqualTo("phone-session-1");
        assertThat(start.device()).isEqualTo("00:15:65:12:34:56");
        assertThat(start.codec()).isEqualTo(AudioCodec.PCMA);
        assertThat(start.direction()).isEqualTo("in");
        assertThat(start.phoneAddress()).isEqualTo(PHONE);
        assertThat(start.ingestNode()).isEqualTo(IngestTestResources.NODE_ID);
        assertThat(start.mediaPort()).isEqualTo(port);
        assertThat(start.fields()).containsOnly(entry("remote_name", "Alice"), entry("remote_number", "100"));
        // every record names where it comes from: this node and the recording's port
        assertThat(records).allSatisfy(r -> assertThat(RecordOrigin.parseHeader(
                r.headers().lastHeader(RecordOrigin.HEADER).value()))
                .isEqualTo(new RecordOrigin(IngestTestResources.NODE_ID, port)));

        // chunks numbered 0, 1, 2 …, carrying exactly the datagrams sent, in order
        List<MediaChunk> chunks = records.subList(1, records.size() - 1).stream()
                .map(r -> MediaChunk.parse(r.value())).toList();
        assertThat(chunks).extracting(MediaChunk::chunkIndex)
                .containsExactlyElementsOf(IntStream.range(0, chunks.size()).boxed().toList());
        List<byte[]> received = new ArrayList<>();
        chunks.forEach(chunk -> chunk.forEach((arrival, buf, off, len) -> received.add(Arrays.copyOfRange(buf, off,
                off + len))));
        assertThat(received).containsExactlyElementsOf(sent);

        RecordingEnded end = ChunkCodec.decodeEnd(records.get(records.size() - 1).value());
        assertThat(end.recordingId()).isEqualTo(recordingId);
        assertThat(end.reason()).isEqualTo("hangup");
        assertThat(end.packetsAccepted()).isEqualTo(sent.size());
        assertThat(end.droppedByReason()).containsOnly(entry("malformed", 3L));
        assertThat(end.chunks()).isEqualTo(chunks.size());
        assertThat(end.fields()).containsOnly(entry("remote_name", "Bob Jr"));
    }

    @Test
    @DisplayName("a G.722 recording (any spelling) is allocated, its START says G722, and its PT 9 packets are published untouched")
    void g722RecordingIsAcceptedAndForwarded() throws IOException {
        String recordingId = newId();
        int port = allocate(with(request(recordingId), "codec", "G.722")).then().statusCode(200).extract().path("port");
        DatagramSocket phone = udpSocket(PHONE);

        // 20 ms G.722 packets: payload type 9, 160 bytes, timestamps +160 (8 kHz RTP clock)
        List<byte[]> sent = new ArrayList<>();
        for (int seq = 0; seq < 5; seq++) {
            byte[] packet = RtpPackets.pcma(seq, seq * 3);
            packet[1] = 9;
            sent.add(packet);
            send(phone, port, packet);
        }
        awaitAccepted(recordingId, sent.size());
        release(recordingId, Map.of("reason", "hangup")).then().statusCode(200);

        List<ConsumerRecord<String, byte[]>> records = MediaTopicReader.readRecording(bootstrapServers,
                config.kafka().mediaTopic(), recordingId);
        assertThat(ChunkCodec.decodeStart(records.get(0).value()).codec()).isEqualTo(AudioCodec.G722);
        List<byte[]> received = new ArrayList<>();
        records.subList(1, records.size() - 1).forEach(r -> MediaChunk.parse(r.value())
                .forEach((arrival, buf, off, len) -> received.add(Arrays.copyOfRange(buf, off, off + len))));
        assertThat(received).containsExactlyElementsOf(sent);
    }

    @Test
    @DisplayName("a chunk is published within chunk.duration even when it is not full")
    void partialChunkIsPublishedOnTime() throws IOException {
        String recordingId = newId();
        int port = allocate(request(recordingId)).then().statusCode(200).extract().path("port");
        byte[] packet = RtpPackets.pcma(1, 1);

        send(udpSocket(PHONE), port, packet);

        // still open: the MEDIA record comes from the flush timer, not from a release
        List<ConsumerRecord<String, byte[]>> records = MediaTopicReader.readUntil(bootstrapServers,
                config.kafka().mediaTopic(), recordingId, RecordType.MEDIA);
        MediaChunk chunk = MediaChunk.parse(records.get(records.size() - 1).value());
        assertThat(chunk.chunkIndex()).isZero();
        assertThat(chunk.packetCount()).isOne();
        assertThat(allocations.sessions()).extracting(s -> s.start().recordingId()).contains(recordingId);
    }

    @Test
    @DisplayName("packets arriving within release-linger after the release are still recorded")
    void packetsInFlightAtReleaseAreKept() throws IOException {
        String recordingId = newId();
        int port = allocate(request(recordingId)).then().statusCode(200).extract().path("port");
        DatagramSocket phone = udpSocket(PHONE);
        send(phone, port, RtpPackets.pcma(1, 1));
        awaitAccepted(recordingId, 1);

        release(recordingId, Map.of("reason", "hangup")).then().statusCode(200).body("packetsAccepted", equalTo(1));
        // the phone has not heard of the stop yet
        send(phone, port, RtpPackets.pcma(2, 2));

        List<ConsumerRecord<String, byte[]>> records = MediaTopicReader.readRecording(bootstrapServers,
                config.kafka().mediaTopic(), recordingId);
        RecordingEnded end = ChunkCodec.decodeEnd(records.get(records.size() - 1).value());
        assertThat(end.packetsAccepted()).isEqualTo(2);
    }

    @Test
    @DisplayName("when every port of the range is in use, allocate is answered 503 no-capacity")
    void exhaustedPool() {
        int size = IngestTestResources.POOL_SIZE;
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ports.add(allocate(request(newId())).then().statusCode(200).extract().path("port"));
        }

        assertThat(ports).doesNotHaveDuplicates();
        allocate(request(newId())).then().statusCode(503).body("error", equalTo("no-capacity"));
    }

    @Test
    @DisplayName("a port of the range that another process holds is skipped")
    void portHeldElsewhereIsSkipped() throws IOException {
        int size = IngestTestResources.POOL_SIZE;
        int held = config.ports().min();
        sockets.add(new DatagramSocket(new InetSocketAddress("0.0.0.0", held)));

        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < size - 1; i++) {
            ports.add(allocate(request(newId())).then().statusCode(200).extract().path("port"));
        }

        assertThat(ports).doesNotContain(held).doesNotHaveDuplicates();
        allocate(request(newId())).then().statusCode(503).body("error", equalTo("no-capacity"));
    }

    private void awaitAccepted(String recordingId, int packets) {
        await().atMost(WAIT).untilAsserted(() -> {
            List<Map<String, Object>> open = given().get(ALLOCATIONS).then().statusCode(200).extract().path("$");
            assertThat(open).filteredOn(r -> recordingId.equals(r.get("recordingId")))
                    .singleElement().satisfies(r -> assertThat(r).containsEntry("packetsAccepted", packets));
        });
    }

    private DatagramSocket udpSocket(String address) throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(address, 0));
        sockets.add(socket);
        return socket;
    }

    private static void send(DatagramSocket from, int port, byte[] data) throws IOException {
        from.send(new DatagramPacket(data, data.length, InetAddress.getByName(PHONE), port));
    }

    private static Response allocate(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).post(ALLOCATIONS);
    }

    private static Response release(String recordingId, Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).post(ALLOCATIONS + "/" + recordingId + "/release");
    }

    /** A valid allocate request, as control-service sends it. */
    private static Map<String, Object> request(String recordingId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("recordingId", recordingId);
        body.put("tenant", "acme");
        body.put("phoneSessionId", "phone-session-1");
        body.put("device", "00:15:65:12:34:56");
        body.put("codec", "PCMA");
        body.put("direction", "in");
        body.put("phoneAddress", PHONE);
        body.put("fields", Map.of("remote_name", "Alice", "remote_number", "100"));
        return body;
    }

    private static Map<String, Object> without(Map<String, Object> body, String key) {
        Map<String, Object> copy = new HashMap<>(body);
        copy.remove(key);
        return copy;
    }

    private static Map<String, Object> with(Map<String, Object> body, String key, Object value) {
        Map<String, Object> copy = new HashMap<>(body);
        copy.put(key, value);
        return copy;
    }

    private static String newId() {
        return RecordingIds.next();
    }
}
