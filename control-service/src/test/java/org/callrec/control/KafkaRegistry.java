package org.callrec.control;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.callrec.core.chunk.Topics;
import org.callrec.infra.EmbeddedKafka;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real Kafka broker with the registry topic, created and filled before control starts (as the
 * catalog would have done); the channels on the Kafka connector.
 */
public final class KafkaRegistry implements QuarkusTestResourceLifecycleManager {

    /** What is on the topic before control starts. */
    static final Map<String, String> BEFORE_START = Map.of(
            "tenant:" + FakeIngestNodes.TENANT, "{\"id\":\"" + FakeIngestNodes.TENANT + "\",\"unknownDevices\":\"accept\"}",
            "tenant:beta", "{\"id\":\"beta\",\"allowedNetworks\":[\"127.0.0.64/28\"],\"unknownDevices\":\"refuse\"}",
            "device:00:00:5e:00:01:01", "{\"mac\":\"00:00:5e:00:01:01\",\"tenant\":\"beta\",\"enabled\":true}");

    private EmbeddedKafka kafka;
    private KafkaProducer<String, String> producer;

    @Override
    public Map<String, String> start() {
        kafka = EmbeddedKafka.builder().partitions(1).start();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(
                    new NewTopic(Topics.REGISTRY, 2, (short) 1).configs(Map.of("cleanup.policy", "compact")),
                    new NewTopic(Topics.TENANT_ACTIVITY, 1, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()), new StringSerializer(),
                new StringSerializer());
        BEFORE_START.forEach(this::publish);
        producer.flush();
        return Map.of(
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "control.tenants.registry", "true",
                "mp.messaging.incoming.registry.connector", "smallrye-kafka",
                "mp.messaging.incoming.tenant-activity.connector", "smallrye-kafka",
                "mp.messaging.outgoing.tenant-activity-out.connector", "smallrye-kafka");
    }

    /** Publishes one record and waits until the broker has it. */
    void publish(String key, String value) {
        try {
            producer.send(new ProducerRecord<>(Topics.REGISTRY, key, value)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Kafka goes away (the broker stops). */
    void stopBroker() {
        producer.close();
        kafka.close();
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(this, new TestInjector.MatchesType(KafkaRegistry.class));
    }

    @Override
    public void stop() {
        if (kafka != null) {
            producer.close();
            kafka.close();
        }
    }
}
