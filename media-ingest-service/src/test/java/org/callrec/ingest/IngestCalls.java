package org.callrec.ingest;

import static io.restassured.RestAssured.given;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.callrec.core.allocation.InternalApi;
import org.callrec.core.chunk.ChunkCodec;
import org.callrec.core.chunk.MediaChunk;
import org.callrec.core.chunk.RecordType;
import org.callrec.core.chunk.RecordingEnded;
import org.callrec.core.id.RecordingIds;

import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** The internal API calls, UDP sends and topic reads the ingest tests share; the phone is on 127.0.0.1. */
public final class IngestCalls {

    /** The phone's address in these tests (this host). */
    public static final String PHONE = "127.0.0.1";

    private IngestCalls() {
    }

    /** A new recording id, as control-service mints it (ingest accepts only a fresh UUIDv7). */
    public static String newId() {
        return RecordingIds.next();
    }

    /** Allocates a PCMA recording for a phone at {@link #PHONE}, as control-service asks. */
    public static Response allocate(String recordingId) {
        return allocate(recordingId, Map.of());
    }

    /** Allocates as {@link #allocate(String)}, with {@code extra} members in the request body. */
    public static Response allocate(String recordingId, Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("recordingId", recordingId);
        body.put("tenant", "acme");
        body.put("phoneSessionId", "phone-session-1");
        body.put("device", "00:15:65:12:34:56");
        body.put("codec", "PCMA");
        body.put("direction", "in");
        body.put("phoneAddress", PHONE);
        body.putAll(extra);
        return given().contentType(ContentType.JSON).body(body).post(InternalApi.ALLOCATIONS);
    }

    /** Allocates and answers the UDP port (asserting a 200). */
    public static int allocatePort(String recordingId) {
        return allocate(recordingId).then().statusCode(200).extract().path("port");
    }

    /** Releases a recording with reason {@code hangup}. */
    public static Response release(String recordingId) {
        return given().contentType(ContentType.JSON).body(Map.of("reason", "hangup"))
                .post(InternalApi.release(recordingId));
    }

    /** Sends a datagram to the node's port on this host. */
    public static void send(DatagramSocket from, int port, byte[] data) throws IOException {
        from.send(new DatagramPacket(data, data.length, InetAddress.getByName(PHONE), port));
    }

    /** The recording's END record, read from the media topic once it is there. */
    public static RecordingEnded endOf(String bootstrapServers, String topic, String recordingId) {
        List<ConsumerRecord<String, byte[]>> records = MediaTopicReader.readRecording(bootstrapServers, topic,
                recordingId);
        return ChunkCodec.decodeEnd(records.get(records.size() - 1).value());
    }

    /** Every datagram of the recording's MEDIA records, byte for byte, in order (read until its END). */
    public static List<byte[]> mediaOf(String bootstrapServers, String topic, String recordingId) {
        List<byte[]> received = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : MediaTopicReader.readRecording(bootstrapServers, topic, recordingId)) {
            if (ChunkCodec.typeOf(r.value()) == RecordType.MEDIA) {
                MediaChunk.parse(r.value()).forEach((arrival, buf, off, len) ->
                        received.add(Arrays.copyOfRange(buf, off, off + len)));
            }
        }
        return received;
    }
}
