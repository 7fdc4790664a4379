package org.callrec.storage.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.callrec.core.audio.G711;
import org.callrec.core.chunk.Topics;
import org.callrec.core.completion.CompletionEvent;
import org.callrec.core.registry.Registry;
import org.callrec.core.registry.RegistryKeys;
import org.callrec.core.registry.StoragePlacement;
import org.callrec.core.registry.TenantEntry;
import org.callrec.core.audio.WavFile;
import org.callrec.core.phonefile.PhoneFileLayout;
import org.callrec.core.phonefile.PhoneFileLayout.Framing;
import org.callrec.core.phonefile.PhoneFileWriter;
import org.callrec.storage.EmbeddedInfraResource;
import org.callrec.storage.config.StorageConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** {@code POST /api/v1/imports} against a real S3 server and a real Kafka broker. */
@QuarkusTest
@WithTestResource(EmbeddedInfraResource.class)
class PhoneFileImportTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    StorageConfig config;

    @Inject
    ObjectMapper json;

    @TestHTTPResource("/api/v1/imports")
    URI imports;

    /** The credentials of the test profile (src/test/resources/import-credentials). */
    static final String ACME_TOKEN = "test-import-token-acme-0001";
    static final String DEFAULT_TOKEN = "test-import-token-default-0001";

    @Inject
    MeterRegistry registry;

    @Inject
    Registry replica;

    private MinioClient s3;
    private HttpClient client = HTTP;
    /** The {@code Authorization} header sent; null sends none. */
    private String authorization = "Bearer " + ACME_TOKEN;
    private boolean expectContinue;
    private KafkaConsumer<String, String> completed;

    @BeforeEach
    void connect() {
        s3 = MinioClient.builder().endpoint(config.s3().endpoint())
                .credentials(config.s3().accessKey().orElseThrow(), config.s3().secretKey().orElseThrow()).build();
        completed = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer());
        completed.subscribe(List.of(config.kafka().completedTopic()));
    }

    @AfterEach
    void disconnect() throws Exception {
        s3.close();
        completed.close();
    }

    /** {@code units} units of 160 µ-law bytes of a 400 Hz tone. */
    private static byte[] tone(int units) {
        byte[] b = new byte[units * 160];
        for (int i = 0; i < b.length; i++) {
            b[i] = G711.linearToUlaw((short) Math.round(8000 * Math.sin(2 * Math.PI * 400 * i / 8000.0)));
        }
        return b;
    }

    private static byte[] phoneFile(PhoneFileLayout layout, byte[] payload) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PhoneFileWriter w = new PhoneFileWriter(out, "PCMU", layout, 160, 160, payload.length / 160)) {
            for (int off = 0; off < payload.length; off += 160) {
                w.writeUnit(payload, off);
            }
        }
        return out.toByteArray();
    }

    private HttpResponse<String> post(String contentType, HttpRequest.BodyPublisher body, Map<String, String> params)
            throws Exception {
        String query = params.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(imports + (query.isEmpty() ? "" : "?" + query)))
                .timeout(Duration.ofSeconds(60)).expectContinue(expectContinue).POST(body);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(byte[] file, Map<String, String> params) throws Exception {
        return post("application/octet-stream", HttpRequest.BodyPublishers.ofByteArray(file), params);
    }

    private byte[] read(String key) throws Exception {
        try (var in = s3.getObject(GetObjectArgs.builder().bucket(config.s3().bucket()).object(key).build())) {
            return in.readAllBytes();
        }
    }

    @Test
    @DisplayName("an import goes where its tenant's placement in the registry says: bucket, prefix, named in answer, document and event")
    void importPlacedByTheTenantsRegistryEntry() throws Exception {
        // catalog-service publishes globex with a bucket and prefix of its own; storage's replica reads it
        TenantEntry globex = new TenantEntry("globex", "Globex", TenantEntry.ACTIVE, List.of(), null, null, null,
                new StoragePlacement("globex-usb", "globex/usb", null), null);
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers), new StringSerializer(), new StringSerializer())) {
            p.send(new ProducerRecord<>(Topics.REGISTRY, RegistryKeys.tenant("globex"), json.writeValueAsString(globex)))
                    .get();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> replica.tenant("globex").isPresent());
        authorization = "Bearer test-import-token-globex-0001";
        byte[] file = phoneFile(new PhoneFileLayout(ByteOrder.LITTLE_ENDIAN, Framing.PAYLOAD), tone(50));

        HttpResponse<String> response = post(file, Map.of("fileName", "Record_20251127_101500.wav"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode answer = json.readTree(response.body());
        String id = answer.get("recordingId").asText();
        assertThat(answer.get("bucket").asText()).isEqualTo("globex-usb");
        assertThat(answer.get("audioKey").asText()).isEqualTo("globex/usb/2025/11/27/" + id + ".wav");
        byte[] wav;
        try (var in = s3.getObject(GetObjectArgs.builder().bucket("globex-usb").object(answer.get("audioKey").asText())
                .build())) {
            wav = in.readAllBytes();
        }
        assertThat(wav).hasSize(44 + 2 * 50 * 160);
        JsonNode doc;
        try (var in = s3.getObject(GetObjectArgs.builder().bucket("globex-usb")
                .object(answer.get("metadataKey").asText()).build())) {
            doc = json.readTree(in.readAllBytes());
        }
        assertThat(doc.get("bucket").asText()).isEqualTo("globex-usb");
        List<ConsumerRecord<String, String>> events = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            completed.poll(Duration.ofMillis(200)).forEach(events::add);
            return events.stream().anyMatch(e -> e.key().equals(id));
        });
        CompletionEvent event = CompletionEvent.fromJson(
                events.stream().filter(e -> e.key().equals(id)).findFirst().orElseThrow().value());
        assertThat(event.bucket()).isEqualTo("globex-usb");
        assertThat(event.audioBytes()).isEqualTo(wav.length);
    }

    @Test
    @DisplayName("a phone file is stored as WAV + metadata beside network recordings, announced, and idempotent")
    void imports() throws Exception {
        // A big-endian file whose units carry RTP headers, 2 s of µ-law, with its call's metadata.
        byte[] payload = tone(100);
        byte[] file = phoneFile(new PhoneFileLayout(ByteOrder.BIG_ENDIAN, Framing.RTP_UNCOUNTED), payload);
        Map<String, String> params = Map.of("tenant", "acme", "device", "001565AABBCC",
                "callId", "call-42", "direction", "in", "localNumber", "1001", "localName", "Zoë Müller",
                "remoteNumber", "+4930123456", "remoteName", "Jürgen Groß", "fileName", "Record_20251126_093000.wav",
                "timeZone", "Europe/Paris");

        HttpResponse<String> response = post(file, params);

        // 201 with the id and keys; the date comes from the file name, read in the phone's time zone.
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode answer = json.readTree(response.body());
        String id = answer.get("recordingId").asText();
        String key = "acme/2025/11/26/" + id;
        assertThat(answer.get("source").asText()).isEqualTo("phone-file");
        assertThat(answer.get("audioKey").asText()).isEqualTo(key + ".wav");
        assertThat(answer.get("metadataKey").asText()).isEqualTo(key + ".json");
        assertThat(answer.get("codec").asText()).isEqualTo("PCMU");
        assertThat(answer.get("durationSeconds").asDouble()).isEqualTo(2.0);
        assertThat(answer.get("byteOrder").asText()).isEqualTo("big-endian");
        assertThat(answer.get("rtpHeader").asText()).isEqualTo("added-to-rtpLen");

        // The WAV holds the decoded call, sample for sample.
        WavFile wav = WavFile.parse(read(key + ".wav"));
        assertThat(wav.sampleRate()).isEqualTo(8000);
        short[] expected = new short[payload.length];
        for (int i = 0; i < payload.length; i++) {
            expected[i] = G711.ulawToLinear(payload[i]);
        }
        assertThat(wav.samples()).containsExactly(expected);

        // The metadata has the network recordings' shape, with source and the file's layout.
        JsonNode doc = json.readTree(read(key + ".json"));
        assertThat(doc.get("recordingId").asText()).isEqualTo(id);
        assertThat(doc.get("source").asText()).isEqualTo("phone-file");
        assertThat(doc.get("tenant").asText()).isEqualTo("acme");
        assertThat(doc.at("/phone/sessionId").asText()).isEqualTo("call-42");
        assertThat(doc.at("/phone/device").asText()).isEqualTo("00:15:65:aa:bb:cc");
        assertThat(doc.get("direction").asText()).isEqualTo("in");
        assertThat(doc.get("codec").asText()).isEqualTo("PCMU");
        assertThat(doc.get("localName").asText()).isEqualTo("Zoë Müller");
        assertThat(doc.get("remoteName").asText()).isEqualTo("Jürgen Groß");
        assertThat(doc.get("startedAt").asText()).isEqualTo("2025-11-26T08:30:00Z");
        assertThat(doc.get("endedAt").asText()).isEqualTo("2025-11-26T08:30:02Z");
        assertThat(doc.get("durationSeconds").asDouble()).isEqualTo(2.0);
        assertThat(doc.at("/audio/bytes").asLong()).isEqualTo(44 + 2L * payload.length);
        assertThat(doc.at("/quality/packetsReceived").asLong()).isEqualTo(100);
        assertThat(doc.at("/quality/packetsLost").asLong()).isZero();
        assertThat(doc.at("/phoneFile/fileName").asText()).isEqualTo("Record_20251126_093000.wav");
        assertThat(doc.at("/phoneFile/byteOrder").asText()).isEqualTo("big-endian");
        assertThat(doc.at("/phoneFile/rtpLen").asInt()).isEqualTo(160);
        assertThat(doc.at("/phoneFile/units").asLong()).isEqualTo(100);
        assertThat(doc.at("/phoneFile/sha256").asText()).hasSize(64);
        assertThat(doc.at("/startRequest/fileName").asText()).isEqualTo("Record_20251126_093000.wav");

        // A completion event like a network recording's, marked as an import.
        List<ConsumerRecord<String, String>> events = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            completed.poll(Duration.ofMillis(200)).forEach(events::add);
            return events.stream().anyMatch(e -> e.key().equals(id));
        });
        JsonNode event = json.readTree(events.stream().filter(e -> e.key().equals(id)).findFirst().orElseThrow().value());
        assertThat(event.get("type").asText()).isEqualTo("recording.completed");
        assertThat(event.get("source").asText()).isEqualTo("phone-file");
        assertThat(event.get("audioKey").asText()).isEqualTo(key + ".wav");
        assertThat(event.get("durationSeconds").asDouble()).isEqualTo(2.0);

        // Sending the same file again (a client retry) gives the same recording and keys; this time
        // over HTTP/1.1 asking "Expect: 100-continue" first, as curl does for large files.
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        expectContinue = true;
        HttpResponse<String> again = post(file, params);
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(json.readTree(again.body()).get("recordingId").asText()).isEqualTo(id);
    }

    @Test
    @DisplayName("garbage, a truncated file and trailing bytes are refused with 400 invalid-file and a reason")
    void invalidFiles() throws Exception {
        byte[] garbage = new byte[500];
        new java.util.Random(7).nextBytes(garbage);
        HttpResponse<String> r = post(garbage, Map.of());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json.readTree(r.body()).get("error").asText()).isEqualTo("invalid-file");

        byte[] file = phoneFile(new PhoneFileLayout(ByteOrder.LITTLE_ENDIAN, Framing.PAYLOAD), tone(50));
        r = post(Arrays.copyOf(file, file.length - 100), Map.of());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json.readTree(r.body()).get("message").asText()).startsWith("truncated");

        r = post(Arrays.copyOf(file, file.length + 5), Map.of());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json.readTree(r.body()).get("message").asText()).contains("goes on for 5 bytes");
    }

    @Test
    @DisplayName("bad metadata is 400 bad-request, a wrong content type 415, a body over the limit 413")
    void refusals() throws Exception {
        byte[] file = phoneFile(new PhoneFileLayout(ByteOrder.LITTLE_ENDIAN, Framing.PAYLOAD), tone(5));

        HttpResponse<String> r = post(file, Map.of("device", "not-a-mac"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"bad-request\"", "not a MAC address");
        assertThat(post(file, Map.of("direction", "sideways")).statusCode()).isEqualTo(400);
        assertThat(post(file, Map.of("recordedAt", "yesterday")).body()).contains("not an ISO-8601 instant");

        r = post("application/x-www-form-urlencoded", HttpRequest.BodyPublishers.ofByteArray(file), Map.of());
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(r.body()).contains("application/octet-stream");

        // The test limit is 1 MiB (application.properties): declared by Content-Length, or streamed
        // chunked; over HTTP/1.1 (curl's default) and HTTP/2.
        byte[] big = new byte[(int) config.imports().maxSize().asLongValue() + 1];
        for (HttpClient.Version version : HttpClient.Version.values()) {
            client = HttpClient.newBuilder().version(version).build();
            r = post(big, Map.of());
            assertThat(r.statusCode()).as("%s", version).isEqualTo(413);
            assertThat(r.body()).contains("\"too-large\"");
            r = post("application/octet-stream", HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)),
                    Map.of());
            assertThat(r.statusCode()).as("%s chunked", version).isEqualTo(413);
        }

        // The service still answers afterwards.
        client = HTTP;
        assertThat(post(file, Map.of()).statusCode()).isEqualTo(201);
    }

    private double counted(String name, String tag, String value) {
        var c = registry.find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    @DisplayName("no credential, another scheme or a wrong token: 401 with WWW-Authenticate: Bearer, counted by reason, nothing stored")
    void credentialsAreRequired() throws Exception {
        byte[] file = phoneFile(new PhoneFileLayout(ByteOrder.LITTLE_ENDIAN, Framing.PAYLOAD), tone(5));
        double stored = counted("callrec.storage.imports", "result", "stored");
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("missing", null);
        cases.put("not-bearer", "Basic YWNtZTp0ZXN0");
        cases.put("unknown-token", "Bearer " + ACME_TOKEN + "x");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            double before = counted("callrec.storage.import.auth.failures", "reason", c.getKey());
            authorization = c.getValue();

            HttpResponse<String> r = post(file, Map.of());

            assertThat(r.statusCode()).as(c.getKey()).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).as(c.getKey()).hasValueSatisfying(
                    v -> assertThat(v).startsWith("Bearer "));
            assertThat(json.readTree(r.body()).get("error").asText()).isEqualTo("unauthorized");
            assertThat(counted("callrec.storage.import.auth.failures", "reason", c.getKey())).isEqualTo(before + 1);
        }
        // A presented but wrong token is told so (RFC 6750's invalid_token); the store saw nothing.
        assertThat(post(file, Map.of()).headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                v -> assertThat(v).contains("error=\"invalid_token\""));
        assertThat(counted("callrec.storage.imports", "result", "stored")).isEqualTo(stored);
    }

    @Test
    @DisplayName("the tenant is the credential's: none named goes to it, another named is refused")
    void tenantComesFromTheCredential() throws Exception {
        byte[] file = phoneFile(new PhoneFileLayout(ByteOrder.LITTLE_ENDIAN, Framing.PAYLOAD), tone(7));

        // The default tenant's credential (listed by its SHA-256) imports into "default".
        authorization = "Bearer " + DEFAULT_TOKEN;
        HttpResponse<String> r = post(file, Map.of("recordedAt", "2025-01-02T03:04:05Z"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(json.readTree(r.body()).get("audioKey").asText()).startsWith("default/2025/01/02/");

        // acme's credential naming no tenant imports into acme.
        authorization = "Bearer " + ACME_TOKEN;
        r = post(file, Map.of("recordedAt", "2025-01-02T03:04:05Z"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(json.readTree(r.body()).get("tenant").asText()).isEqualTo("acme");
        assertThat(json.readTree(r.body()).get("audioKey").asText()).startsWith("acme/2025/01/02/");

        // acme's credential naming another tenant is refused, and nothing lands under that tenant.
        r = post(file, Map.of("tenant", "victim", "recordedAt", "2025-01-02T03:04:05Z"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"bad-request\"", "tenant of its credential");
        assertThat(s3.listObjects(io.minio.ListObjectsArgs.builder().bucket(config.s3().bucket()).prefix("victim/")
                .recursive(true).build())).isEmpty();
    }

    @Test
    @DisplayName("imports beyond storage.import.max-concurrent get 503 + Retry-After; a broken-off or idle upload frees its slot and its work file")
    void concurrentImportsAreBounded() throws Exception {
        java.nio.file.Path workDir = config.importWorkDir();
        // Two uploads that send their headers and a first part of the body, then stall.
        List<java.net.Socket> held = new ArrayList<>();
        for (int i = 0; i < config.imports().maxConcurrent(); i++) {
            java.net.Socket socket = new java.net.Socket(imports.getHost(), imports.getPort());
            socket.getOutputStream().write(("POST " + imports.getPath() + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + ACME_TOKEN + "\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: 100000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(new byte[1000]);
            socket.getOutputStream().flush();
            held.add(socket);
        }
        var running = registry.get("callrec.storage.imports.running").gauge();
        await().atMost(Duration.ofSeconds(10)).until(() -> running.value() == config.imports().maxConcurrent());
        try (var files = java.nio.file.Files.list(workDir)) {
            assertThat(files.filter(f -> f.toString().endsWith(".phone"))).hasSize(config.imports().maxConcurrent());
        }

        // One more is refused at once, with a hint when to come back.
        byte[] file = phoneFile(new PhoneFileLayout(ByteOrder.LITTLE_ENDIAN, Framing.PAYLOAD), tone(5));
        HttpResponse<String> r = post(file, Map.of());
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(json.readTree(r.body()).get("error").asText()).isEqualTo("too-many-imports");
        assertThat(r.headers().firstValue("Retry-After")).hasValue("5");

        // The first client goes away; the second one stays silent past storage.import.idle-timeout (2 s here).
        held.get(0).close();
        await().atMost(Duration.ofSeconds(15)).until(() -> running.value() == 0);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            try (var files = java.nio.file.Files.list(workDir)) {
                assertThat(files).as("work files deleted").isEmpty();
            }
        });
        assertThat(held.get(1).getInputStream().read()).as("the idle upload's connection is closed").isEqualTo(-1);
        held.get(1).close();

        // The slots are free again.
        assertThat(post(file, Map.of()).statusCode()).isEqualTo(201);
        try (var files = java.nio.file.Files.list(workDir)) {
            assertThat(files).as("work files deleted after a stored import too").isEmpty();
        }
    }
}
