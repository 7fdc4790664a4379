package org.callrec.ingest.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.callrec.ingest.config.IngestConfig;

/**
 * The one place that builds the configuration of every Kafka client of this node: the media
 * producer, the allocation journal's producer and reader, and the admin clients (topic creation,
 * readiness).
 *
 * <p>Three layers, later ones win:
 * <ol>
 * <li><b>defaults</b> of this service that an operator may tune ({@code linger.ms} 20,
 * {@code reconnect.backoff.max.ms});</li>
 * <li><b>every {@code kafka.*} property</b> of the configuration, prefix removed — Quarkus's
 * {@code default-kafka-broker} map, which also turns env vars {@code KAFKA_SECURITY_PROTOCOL}
 * into {@code security.protocol}: the broker address, TLS, SASL, {@code client.rack},
 * compression …, as in storage-service. {@code group.id}, {@code group.instance.id} and
 * {@code transactional.id} are left out: no client of this node joins a group or runs
 * transactions;</li>
 * <li><b>fixed</b> settings that the node's guarantees rely on (idempotent {@code acks=all}
 * delivery, the bounded buffers, the never-blocking publisher, the timeouts from
 * {@code ingest.*}, the client ids): a {@code kafka.*} property cannot change them.</li>
 * </ol>
 */
public final class KafkaClientProperties {

    /** Client id of the media-topic producer. */
    public static final String MEDIA_PRODUCER = "callrec-ingest";
    /** Client id of the allocation journal's producer. */
    public static final String JOURNAL_PRODUCER = "callrec-ingest-journal";
    /** Client id of the consumer that reads the allocation journal at start. */
    public static final String JOURNAL_READER = "callrec-ingest-journal-reader";
    /** Client id of the readiness check's admin client. */
    public static final String HEALTH_ADMIN = "callrec-ingest-health";
    /** Client id prefix of the admin client that creates a topic (the topic name follows). */
    public static final String TOPICS_ADMIN = "callrec-ingest-topics-";

    /** {@code kafka.*} properties never passed on: no client of this node is in a group or transactional. */
    static final Set<String> LEFT_OUT = Set.of(ConsumerConfig.GROUP_ID_CONFIG, ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG);

    /**
     * The producers' {@code linger.ms} unless a {@code kafka.*} property sets it: a batch waits up
     * to 20 ms for more records, so a node publishing many recordings sends a few full produce
     * requests instead of one per handful of chunks (BENCHMARKS.md, issue 14). Nothing waits for
     * these acknowledgements on a call's path: a start is answered without them.
     */
    static final int LINGER_MS = 20;

    /** How long one wait for a topic's metadata may block the publisher thread ({@code max.block.ms}). */
    static final int METADATA_WAIT_MS = 5000;

    private KafkaClientProperties() {
    }

    /** The {@code bootstrap.servers} of these properties, for log messages. */
    public static String bootstrapServers(Map<String, ?> kafka) {
        return String.valueOf(kafka.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
    }

    /**
     * {@code defaults}, then {@code kafka} (the {@code kafka.*} properties) without the left-out
     * keys, then {@code fixed}.
     */
    static Map<String, Object> layered(Map<String, ?> defaults, Map<String, ?> kafka, Map<String, ?> fixed) {
        Map<String, Object> c = new HashMap<>(defaults);
        kafka.forEach((key, value) -> {
            if (!LEFT_OUT.contains(key)) {
                c.put(key, value);
            }
        });
        c.putAll(fixed);
        return c;
    }

    /**
     * A producer of the media topic or the allocation journal: idempotent, {@code acks=all},
     * retried until {@code ingest.kafka.delivery-timeout}, never waiting longer than
     * {@value #METADATA_WAIT_MS} ms in {@code send}, and with a buffer larger than the node's
     * bound so that {@code send} never waits for room.
     */
    public static Map<String, Object> producer(Map<String, ?> kafka, IngestConfig.Kafka settings, String clientId) {
        long deliveryMs = Math.min(Integer.MAX_VALUE, settings.deliveryTimeout().toMillis());
        long requestMs = Math.min(30_000, Math.max(1_000, deliveryMs / 2));
        Map<String, Object> fixed = new HashMap<>();
        fixed.put(ProducerConfig.ACKS_CONFIG, "all");
        fixed.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        fixed.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        fixed.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
        fixed.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) requestMs);
        fixed.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(deliveryMs, requestMs + 5));
        fixed.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, METADATA_WAIT_MS);
        // Our bound plus the per-record overhead of the batches: send never waits for room.
        fixed.put(ProducerConfig.BUFFER_MEMORY_CONFIG,
                settings.publishQueueBytes() + 256L * settings.publishQueue() + 8L * 1024 * 1024);
        fixed.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        return layered(Map.of(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS, ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000),
                kafka, fixed);
    }

    /** An admin client whose calls take at most {@code requestTimeoutMs} each and {@code apiTimeoutMs} in all. */
    public static Map<String, Object> admin(Map<String, ?> kafka, String clientId, int requestTimeoutMs,
            int apiTimeoutMs) {
        return layered(Map.of(), kafka, Map.of(AdminClientConfig.CLIENT_ID_CONFIG, clientId,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeoutMs,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, apiTimeoutMs));
    }

    /**
     * A consumer that reads partitions it assigns itself, in no group, committing nothing and
     * seeing only committed records; its blocking calls take at most {@code apiTimeoutMs}.
     */
    public static Map<String, Object> reader(Map<String, ?> kafka, String clientId, int apiTimeoutMs) {
        return layered(Map.of(), kafka, Map.of(ConsumerConfig.CLIENT_ID_CONFIG, clientId,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, apiTimeoutMs));
    }
}
