package org.callrec.catalog.recording;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.callrec.catalog.CatalogInfraResource;
import org.callrec.core.audio.G711;
import org.callrec.core.audio.WavHeader;
import org.callrec.core.chunk.Topics;
import org.callrec.core.completion.CompletionEvent;
import org.callrec.infra.EmbeddedS3;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;

/**
 * Recordings as storage-service leaves them, for the tests: G.711 A-law WAV segments and the
 * metadata document in the bucket (the layout of storage's ObjectKeys and docs/metadata.md), and
 * the completion event on the topic.
 */
public final class Archive implements AutoCloseable {

    /** One stored recording: its id, objects and the audio bytes of each segment. */
    public record Stored(String id, String tenant, String metadataKey, List<String> audioKeys, List<byte[]> files,
                         String event) {
        /** The data chunks of every segment, in order (the samples of the whole recording). */
        public byte[] samples() {
            var out = new java.io.ByteArrayOutputStream();
            for (byte[] f : files) {
                out.write(f, WavHeader.LENGTH, f.length - WavHeader.LENGTH);
            }
            return out.toByteArray();
        }
    }

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MinioClient s3;
    private final KafkaProducer<String, String> producer;

    public Archive(CatalogInfraResource infra) {
        s3 = MinioClient.builder().endpoint(infra.s3Endpoint())
                .credentials(EmbeddedS3.DEFAULT_ACCESS_KEY, EmbeddedS3.DEFAULT_SECRET_KEY).region("us-east-1").build();
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()));
    }

    /** A recording's facts; each {@code seconds} entry is one segment of that length. */
    public record Call(String tenant, Instant startedAt, String localNumber, String remoteNumber, String device,
                       String direction, boolean intact, double... seconds) {
        public static Call of(String tenant, Instant startedAt, String local, String remote) {
            return new Call(tenant, startedAt, local, remote, "0c:38:3e:00:00:01", "out", true, 2.0);
        }

        public Call segments(double... s) {
            return new Call(tenant, startedAt, localNumber, remoteNumber, device, direction, intact, s);
        }

        public Call device(String mac) {
            return new Call(tenant, startedAt, localNumber, remoteNumber, mac, direction, intact, seconds);
        }
    }

    /** Puts the objects of {@code call} in the bucket (no event). */
    public Stored put(Call call) throws Exception {
        String id = UUID.randomUUID().toString();
        String base = call.tenant() + "/" + DAY.format(call.startedAt()) + "/" + id;
        List<String> keys = new ArrayList<>();
        List<byte[]> files = new ArrayList<>();
        List<Map<String, Object>> segments = new ArrayList<>();
        double at = 0;
        long bytes = 0;
        for (int i = 0; i < call.seconds().length; i++) {
            String key = i == 0 ? base + ".wav" : base + String.format(".part-%03d.wav", i + 1);
            byte[] wav = tone(call.seconds()[i], i);
            putObject(key, wav, "audio/wav");
            keys.add(key);
            files.add(wav);
            Map<String, Object> seg = new LinkedHashMap<>();
            seg.put("index", i + 1);
            seg.put("key", key);
            seg.put("startSeconds", at);
            seg.put("durationSeconds", call.seconds()[i]);
            seg.put("bytes", wav.length);
            segments.add(seg);
            at += call.seconds()[i];
            bytes += wav.length;
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("recordingId", id);
        doc.put("source", "network");
        doc.put("tenant", call.tenant());
        doc.put("phone", Map.of("sessionId", "p-" + id.substring(0, 6), "device", call.device(), "address", "10.0.0.9"));
        doc.put("direction", call.direction());
        doc.put("codec", "PCMA");
        doc.put("localNumber", call.localNumber());
        doc.put("localName", "Alice");
        doc.put("remoteNumber", call.remoteNumber());
        doc.put("remoteName", "Bob");
        doc.put("startedAt", call.startedAt().toString());
        doc.put("endedAt", call.startedAt().plusMillis((long) (at * 1000)).toString());
        doc.put("durationSeconds", at);
        doc.put("stopReason", "stop-request");
        doc.put("bucket", CatalogInfraResource.BUCKET);
        doc.put("audio", Map.of("key", keys.get(0), "format", "wav/alaw", "sampleRate", 8000, "channels", 1,
                "bytes", bytes, "segments", segments));
        doc.put("metadataKey", base + ".json");
        doc.put("quality", Map.of("intact", call.intact(), "problems", List.of(), "packetsLost", 0));
        putObject(base + ".json", JSON.writeValueAsBytes(doc), "application/json");
        String event = new CompletionEvent(CompletionEvent.TYPE, id, call.tenant(), CatalogInfraResource.BUCKET,
                keys.get(0), base + ".json", "p", call.device(), "PCMA", at, "stop-request",
                call.startedAt().toString(), call.startedAt().toString(), Instant.now().toString(), "network", bytes)
                .toJson();
        return new Stored(id, call.tenant(), base + ".json", keys, files, event);
    }

    /** Puts the objects and publishes the completion event. */
    public Stored record(Call call) throws Exception {
        Stored s = put(call);
        publish(s);
        return s;
    }

    /** Publishes the recording's completion event (again). */
    public void publish(Stored s) throws Exception {
        producer.send(new ProducerRecord<>(Topics.COMPLETED, s.id(), s.event())).get();
    }

    /** Publishes any text on the completion topic. */
    public void publishRaw(String key, String value) throws Exception {
        producer.send(new ProducerRecord<>(Topics.COMPLETED, key, value)).get();
    }

    public void putObject(String key, byte[] body, String type) throws Exception {
        s3.putObject(PutObjectArgs.builder().bucket(CatalogInfraResource.BUCKET).object(key)
                .stream(new ByteArrayInputStream(body), (long) body.length, -1L).contentType(type).build());
    }

    /** The object's bytes, or empty when it is not in the bucket. */
    public Optional<byte[]> get(String key) throws Exception {
        try {
            s3.statObject(StatObjectArgs.builder().bucket(CatalogInfraResource.BUCKET).object(key).build());
        } catch (ErrorResponseException e) {
            return Optional.empty();
        }
        try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket(CatalogInfraResource.BUCKET).object(key)
                .build())) {
            return Optional.of(in.readAllBytes());
        }
    }

    /** A WAV of A-law samples: a tone whose level differs per segment, so segments are told apart. */
    static byte[] tone(double seconds, int segment) {
        int n = (int) Math.round(seconds * 8000);
        byte[] wav = new byte[WavHeader.LENGTH + n];
        System.arraycopy(WavHeader.build(WavHeader.FORMAT_ALAW, 1, 8000, 8, n), 0, wav, 0, WavHeader.LENGTH);
        double amp = 8000 + 4000 * segment;
        for (int i = 0; i < n; i++) {
            wav[WavHeader.LENGTH + i] = G711.linearToAlaw((short) (amp * Math.sin(2 * Math.PI * 440 * i / 8000.0)));
        }
        return wav;
    }

    @Override
    public void close() {
        producer.close();
    }
}
