package org.callrec.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.callrec.core.audio.AudioCodec;
import org.callrec.core.chunk.ChunkCodec;
import org.callrec.core.chunk.RecordType;
import org.callrec.core.chunk.Topics;
import org.callrec.core.protocol.Terminator;
import org.callrec.simulator.CallResult;
import org.callrec.simulator.EndMode;
import org.callrec.simulator.PhoneConfig;
import org.callrec.simulator.SimulatedPhone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What operators scrape moves by exactly what the calls did: the three services' Prometheus
 * metrics are read on their management ports before and after simulated phones record calls,
 * and each counter is compared with an independent count (the simulator's packets, the media
 * topic's records, the objects in the bucket). No metric carries a recording's identity.
 */
class MetricsEndToEndTest {

    private static final int PHONES = 3;
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private static RecordingStack stack;
    private static Archive archive;

    @BeforeAll
    static void startTheSuite() throws Exception {
        stack = RecordingStack.start();
        archive = new Archive(stack.s3Client(), RecordingStack.BUCKET);
    }

    @AfterAll
    static void stopTheSuite() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @DisplayName("recording calls moves commands, packets, chunks, recordings and bytes by exactly what happened")
    void countersMoveByWhatTheCallsDid() throws Exception {
        // 1. Before: every service serves its metrics on its management port.
        Map<String, Double> control0 = samples(stack.control().metrics());
        Map<String, Double> ingest0 = samples(stack.ingest().metrics());
        Map<String, Double> storage0 = samples(stack.storage().metrics());

        // 2. Three phones record a 2 s call each, at the same time.
        List<CallResult> calls = callAtOnce();
        assertThat(calls).allSatisfy(c -> assertThat(c.success()).as("%s", c).isTrue());
        List<Archive.Stored> stored = new ArrayList<>();
        for (CallResult call : calls) {
            stored.add(awaitStored(call));
        }
        await().atMost(Duration.ofSeconds(30)).until(() ->
                delta(storage0, samples(stack.storage().metrics()), "callrec_storage_recordings_stored_total") == PHONES);

        // 3. After.
        Map<String, Double> control1 = samples(stack.control().metrics());
        Map<String, Double> ingest1 = samples(stack.ingest().metrics());
        Map<String, Double> storage1 = samples(stack.storage().metrics());

        // control: one successful start and one successful stop per phone, nothing left open.
        assertThat(delta(control0, control1,
                "callrec_control_commands_total{command=\"RecordStartRequest\",result=\"success\"}")).isEqualTo(PHONES);
        assertThat(delta(control0, control1,
                "callrec_control_commands_total{command=\"RecordStopRequest\",result=\"success\"}")).isEqualTo(PHONES);
        assertThat(control1.get("callrec_control_recordings_active")).isZero();

        // ingest: every packet the phones sent was received, none dropped; as many chunks as
        // MEDIA records on the topic; three recordings started and ended; the ports rest.
        long sent = calls.stream().mapToLong(CallResult::packetsSent).sum();
        assertThat(delta(ingest0, ingest1, "callrec_ingest_packets_received_total")).isEqualTo(sent);
        for (String reason : List.of("foreign-source", "foreign-port", "oversize", "malformed", "publish-backlog", "ended")) {
            assertThat(delta(ingest0, ingest1, "callrec_ingest_packets_dropped_total{reason=\"" + reason + "\"}"))
                    .as("dropped %s", reason).isZero();
        }
        assertThat(delta(ingest0, ingest1, "callrec_ingest_chunks_published_total")).isEqualTo(mediaRecordsOnTheTopic());
        assertThat(delta(ingest0, ingest1, "callrec_ingest_recordings_started_total")).isEqualTo(PHONES);
        assertThat(delta(ingest0, ingest1, "callrec_ingest_recordings_ended_total")).isEqualTo(PHONES);
        assertThat(ingest1.get("callrec_ingest_recordings_active")).isZero();
        assertThat(ingest1).containsKeys("callrec_ingest_ports_free", "callrec_ingest_ports_total");

        // storage: three recordings stored, none failed, and the bytes of exactly the objects written.
        long wavBytes = stored.stream().mapToLong(s -> s.wavBytes().length).sum();
        long jsonBytes = 0;
        for (Archive.Stored s : stored) {
            jsonBytes += archive.get(s.metadataKey()).length;
        }
        assertThat(delta(storage0, storage1, "callrec_storage_bytes_stored_total{object=\"audio\"}")).isEqualTo(wavBytes);
        assertThat(delta(storage0, storage1, "callrec_storage_bytes_stored_total{object=\"metadata\"}")).isEqualTo(jsonBytes);
        assertThat(storage1.keySet()).noneMatch(k -> k.startsWith("callrec_storage_recordings_failed_total")
                && storage1.get(k) - storage0.getOrDefault(k, 0.0) != 0);
        assertThat(storage1).containsKey("callrec_storage_consumer_lag_records");

        // 4. No metric of any service names a recording, a phone or a stream.
        List<String> ids = stored.stream().map(s -> s.metadata().path("recordingId").asText()).toList();
        for (ServiceProcess service : List.of(stack.control(), stack.ingest(), stack.storage())) {
            String text = service.metrics();
            for (Label label : labels(text)) {
                assertThat(label.name()).as("label of %s", label.metric()).doesNotContainIgnoringCase("recording")
                        .doesNotContainIgnoringCase("ssrc").doesNotContainIgnoringCase("device")
                        .doesNotContainIgnoringCase("phone").doesNotContainIgnoringCase("session")
                        // no peer address either (Quarkus' Vert.x UDP meters tag each datagram with its sender)
                        .isNotEqualTo("remote_address");
                assertThat(label.metric()).as("metric of %s", service).doesNotStartWith("udp_");
                if (label.name().equals("id")) {
                    // Micrometer's JVM meters name memory pools and buffers "id"; nothing else may.
                    assertThat(label.metric()).as("metric with an id label").startsWith("jvm_");
                }
            }
            for (String id : ids) {
                assertThat(text).as("metrics of a service").doesNotContain(id);
            }
            for (CallResult call : calls) {
                assertThat(text).doesNotContain(call.config().sessionId()).doesNotContainIgnoringCase(call.config().device());
            }
        }

        // 5. The production profile logs JSON, with the recording id as an MDC field.
        for (String id : ids) {
            assertThat(stack.control().output()).as("control log").contains("\"recordingId\":\"" + id + "\"");
            assertThat(stack.ingest().output()).as("ingest log").contains("\"recordingId\":\"" + id + "\"");
        }
    }

    // ---------------------------------------------------------------------------------------

    private static List<CallResult> callAtOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(PHONES);
        try {
            List<Future<CallResult>> futures = new ArrayList<>();
            for (int i = 0; i < PHONES; i++) {
                PhoneConfig phone = PhoneConfig.builder().control("127.0.0.1", stack.controlPort)
                        .codec(i % 2 == 0 ? AudioCodec.PCMA : AudioCodec.PCMU).terminator(Terminator.CRLF)
                        .endMode(EndMode.STOP).toneHz(440 + 100 * i).duration(Duration.ofSeconds(2)).build();
                futures.add(pool.submit(() -> SimulatedPhone.call(phone)));
            }
            List<CallResult> results = new ArrayList<>();
            for (Future<CallResult> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdown();
        }
    }

    private static Archive.Stored awaitStored(CallResult call) {
        AtomicReference<Archive.Stored> found = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Optional<Archive.Stored> s = archive.find(call.config().sessionId(), call.config().device());
            s.ifPresent(found::set);
            return s.isPresent();
        });
        return found.get();
    }

    /** MEDIA records on the media topic (this stack's topic holds only this test's calls). */
    private static long mediaRecordsOnTheTopic() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.infra.kafkaBootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-metrics-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        long media = 0;
        int ends = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.MEDIA));
            long deadline = System.currentTimeMillis() + 30_000;
            while (ends < PHONES && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    RecordType type = ChunkCodec.typeOf(r.value());
                    if (type == RecordType.MEDIA) {
                        media++;
                    } else if (type == RecordType.END) {
                        ends++;
                    }
                }
            }
        }
        assertThat(ends).as("END records read").isEqualTo(PHONES);
        return media;
    }

    /** Every sample of a Prometheus text exposition, keyed by {@code name{labels}} as printed. */
    private static Map<String, Double> samples(String text) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line.strip());
            if (!line.startsWith("#") && m.matches()) {
                samples.put(m.group(2) == null ? m.group(1) : m.group(1) + m.group(2), Double.parseDouble(m.group(4)));
            }
        }
        return samples;
    }

    /** One label of one sample. */
    private record Label(String metric, String name, String value) {
    }

    private static List<Label> labels(String text) {
        List<Label> labels = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line.strip());
            if (!line.startsWith("#") && m.matches() && m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.add(new Label(m.group(1), l.group(1), l.group(2)));
                }
            }
        }
        return labels;
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String sample) {
        assertThat(after).as("metric %s is published", sample).containsKey(sample);
        return after.get(sample) - before.getOrDefault(sample, 0.0);
    }
}
