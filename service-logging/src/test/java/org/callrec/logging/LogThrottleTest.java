package org.callrec.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** One line per interval; what is left out is counted and told by the next line; text made printable. */
class LogThrottleTest {

    @Test
    @DisplayName("the first line passes, the next ones within the interval are counted, the next line tells how many")
    void throttles() {
        AtomicLong now = new AtomicLong(1_000);
        LogThrottle throttle = new LogThrottle(Duration.ofSeconds(10), now::get);

        assertThat(throttle.admit()).isZero();
        for (int i = 0; i < 1_000; i++) {
            assertThat(throttle.admit()).isEqualTo(-1);
        }
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertThat(throttle.admit()).isEqualTo(1_000);
        assertThat(throttle.admit()).isEqualTo(-1);
    }

    @Test
    @DisplayName("CR, LF, NUL, bidi overrides and backslashes are escaped; long text is cut")
    void printable() {
        assertThat(LogThrottle.printable("a\r\nINFO forged\u0000\u202e\\x", 100))
                .isEqualTo("a\\u000d\\u000aINFO forged\\u0000\\u202e\\u005cx");
        assertThat(LogThrottle.printable("Grüße /internal/v1/node", 100)).isEqualTo("Grüße /internal/v1/node");
        assertThat(LogThrottle.printable("x".repeat(500), 10)).isEqualTo("x".repeat(10) + "…");
        assertThat(LogThrottle.printable(null, 10)).isEqualTo("null");
    }
}
