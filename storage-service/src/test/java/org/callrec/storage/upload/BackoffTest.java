package org.callrec.storage.upload;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesFromTheFirstDelayUpToTheCeiling() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10));

        assertThat(backoff.delay(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.delay(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.delay(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(backoff.delay(4)).isEqualTo(Duration.ofSeconds(8));
        assertThat(backoff.delay(5)).isEqualTo(Duration.ofSeconds(10));
        // far past any overflow, still the ceiling
        assertThat(backoff.delay(1_000)).isEqualTo(Duration.ofSeconds(10));
    }
}
