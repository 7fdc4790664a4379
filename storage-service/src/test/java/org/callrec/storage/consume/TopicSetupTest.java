package org.callrec.storage.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.callrec.core.chunk.Topics;
import org.callrec.infra.EmbeddedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** storage does not own the media topic: it waits for it and checks it, never creates or changes it. */
class TopicSetupTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static EmbeddedKafka kafka;
    private static Admin admin;

    @BeforeAll
    static void startBroker() {
        Logger.getLogger("org.apache.kafka").setLevel(Level.SEVERE);
        Logger.getLogger("kafka").setLevel(Level.WARNING);
        kafka = EmbeddedKafka.start();
        admin = Admin.create(adminProps());
    }

    @AfterAll
    static void stopBroker() {
        admin.close();
        kafka.close();
    }

    @Test
    @DisplayName("a missing media topic is waited for, not created")
    void aMissingTopicIsNotCreated() throws Exception {
        assertThatThrownBy(() -> TopicSetup.check(adminProps(), "media-missing", "media-ingest-service",
                Topics.MEDIA_REQUIRED_CONFIG, TIMEOUT))
                .isInstanceOf(TopicSetup.MissingTopic.class)
                .hasMessageContaining("media-missing").hasMessageContaining("media-ingest-service");
        assertThat(admin.listTopics().names().get()).doesNotContain("media-missing");
    }

    @Test
    @DisplayName("an existing media topic passes the check and is left as it is, even when its configuration is wrong")
    void anExistingTopicIsCheckedNotChanged() throws Exception {
        admin.createTopics(List.of(new NewTopic("media-compacted", 1, (short) 1)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all().get();

        TopicSetup.check(adminProps(), "media-compacted", "media-ingest-service", Topics.MEDIA_REQUIRED_CONFIG, TIMEOUT);

        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "media-compacted");
        assertThat(admin.describeConfigs(List.of(resource)).all().get().get(resource)
                .get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
    }

    private static Map<String, Object> adminProps() {
        return new HashMap<>(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }
}
