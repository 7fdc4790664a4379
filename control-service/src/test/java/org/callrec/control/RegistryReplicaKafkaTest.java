package org.callrec.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import jakarta.inject.Inject;

import org.callrec.control.protocol.ControlServer;
import org.callrec.control.tenant.RegistryReplica;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The registry replica on a real Kafka topic: read from the beginning at start (caught up only
 * once it holds what was there), a change taking effect on the next start, and the last known
 * registry serving on when Kafka goes away.
 */
@QuarkusTest
@WithTestResource(FakeIngestNodes.class)
@WithTestResource(KafkaRegistry.class)
@TestProfile(RegistryReplicaKafkaTest.OnKafka.class)
class RegistryReplicaKafkaTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String REGISTERED = "00:00:5e:00:01:01";

    /** A profile of its own: this app runs on the broker of {@link KafkaRegistry}. */
    public static final class OnKafka implements QuarkusTestProfile {
    }

    @Inject
    ControlServer server;
    @Inject
    RegistryReplica replica;

    KafkaRegistry kafka;

    @Test
    @DisplayName("caught up with what the topic held at start; a device added is accepted; Kafka down: the last known registry serves on")
    void replicaOnKafka() {
        // 1. Caught up means: everything published before the start is in the replica
        await().atMost(WAIT).until(replica::caughtUp);
        assertThat(replica.registry().device(REGISTERED)).isPresent();
        assertThat(replica.registry().tenant("beta")).isPresent();

        try (PhoneConnection phone = new PhoneConnection("127.0.0.72", server.port())) {
            assertThat(phone.send(start("kafka-1", REGISTERED))).containsEntry("result", "success");
            // 2. An unregistered phone at beta's site is refused, until the catalog publishes it
            assertThat(phone.send(start("kafka-2", "00:00:5e:00:01:02"))).containsEntry("reason", "unknown-device");
            kafka.publish("device:00:00:5e:00:01:02", "{\"mac\":\"00:00:5e:00:01:02\",\"tenant\":\"beta\",\"enabled\":true}");
            await().atMost(Duration.ofSeconds(2)).until(() -> replica.registry().device("00:00:5e:00:01:02").isPresent());
            assertThat(phone.send(start("kafka-3", "00:00:5e:00:01:02"))).containsEntry("result", "success");

            // 3. Kafka goes away: known devices still record, unknown ones are still refused
            kafka.stopBroker();
            assertThat(phone.send(start("kafka-4", REGISTERED))).containsEntry("result", "success");
            assertThat(phone.send(start("kafka-5", "00:00:5e:00:01:03"))).containsEntry("reason", "unknown-device");
            assertThat(replica.caughtUp()).isTrue();
        }
    }

    private static String start(String id, String mac) {
        return PhoneConnection.startCommand(id).replace("00:15:65:12:34:56", mac);
    }
}
