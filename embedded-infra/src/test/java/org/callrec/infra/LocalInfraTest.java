package org.callrec.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.Properties;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LocalInfraTest {

    @Test
    @DisplayName("-Dkafka.broker.<key>=<value> becomes the broker property <key>; other properties and the bare prefix do not")
    void brokerPropertiesComeFromPrefixedSystemProperties() {
        Properties system = new Properties();
        system.setProperty("kafka.broker.num.io.threads", "2");
        system.setProperty("kafka.broker.num.network.threads", "1");
        system.setProperty("kafka.broker.", "ignored");
        system.setProperty("kafka.bootstrap.servers", "elsewhere:9092");
        system.setProperty("java.version", "17");

        assertThat(LocalInfra.brokerProperties(system))
                .containsOnly(
                        entry("num.io.threads", "2"),
                        entry("num.network.threads", "1"));
    }
}
