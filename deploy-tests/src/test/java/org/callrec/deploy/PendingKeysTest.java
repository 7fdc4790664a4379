package org.callrec.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The chart and docker-compose.yml set keys of issue 10's shared contract before the services
 * read them ({@link ServiceConfig#pendingEnvNames()}). Once a branch adds one to its service, it
 * is real and must leave the pending list, so that the ordinary check ("every variable is a real
 * key") covers it again and a misspelt name cannot hide there.
 */
@DisplayName("keys the deployment files set ahead of the services")
class PendingKeysTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(ServiceConfig.class)
    @DisplayName("no pending key is real yet (when one is, delete it from ServiceConfig's pending list)")
    void pendingKeysAreNotYetReal(ServiceConfig service) {
        Set<String> real = new TreeSet<>(service.pendingEnvNames());
        real.retainAll(service.envNames());

        assertThat(real).as("keys %s now reads: remove them from ServiceConfig's pending list", service.module())
                .isEmpty();
    }
}
