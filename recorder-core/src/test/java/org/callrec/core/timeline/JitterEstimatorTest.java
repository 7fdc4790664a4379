package org.callrec.core.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** RFC 3550 §6.4.1 / A.8 interarrival jitter, on an 8 kHz clock (20 ms = 160 units). */
class JitterEstimatorTest {

    private static final long T0 = 1_718_000_000_000_000L; // epoch microseconds, far from zero

    private final JitterEstimator jitter = new JitterEstimator(8000);

    @Test
    @DisplayName("packets arriving exactly as they were sent have no jitter")
    void perfectPacing() {
        for (int k = 0; k < 50; k++) {
            jitter.update(T0 + 20_000L * k, 160L * k);
        }
        assertThat(jitter.jitterUnits()).isZero();
        assertThat(jitter.maxJitterMillis()).isZero();
    }

    @Test
    @DisplayName("one transit difference D moves the estimate by D/16, as J += (|D| - J) / 16")
    void oneStepIsASixteenth() {
        jitter.update(T0, 0);
        jitter.update(T0 + 40_000, 160);   // 20 ms late: D = 160 units
        assertThat(jitter.jitterUnits()).isCloseTo(10.0, within(1e-9));
        jitter.update(T0 + 60_000, 320);   // back on pace: D = 0
        assertThat(jitter.jitterUnits()).isCloseTo(10.0 - 10.0 / 16, within(1e-9));
    }

    @Test
    @DisplayName("the largest estimate is kept, in milliseconds")
    void maxInMillis() {
        jitter.update(T0, 0);
        jitter.update(T0 + 40_000, 160);   // J = 10 units = 1.25 ms
        for (int k = 2; k < 40; k++) {
            jitter.update(T0 + 20_000L * (k + 1), 160L * k);
        }
        assertThat(jitter.jitterUnits()).isLessThan(10.0);
        assertThat(jitter.maxJitterMillis()).isCloseTo(1.25, within(1e-9));
    }

    @Test
    @DisplayName("after a restart the first packet is not compared with the old stream's last")
    void restartForgetsTheLastTransit() {
        jitter.update(T0, 0);
        jitter.update(T0 + 20_000, 160);
        jitter.restart();
        // a new stream whose timestamps start elsewhere, one second later
        jitter.update(T0 + 1_000_000, 987_654);
        jitter.update(T0 + 1_020_000, 987_814);
        assertThat(jitter.maxJitterMillis()).isZero();
    }

    @Test
    @DisplayName("the arrival clock's origin does not matter")
    void clockOrigin() {
        JitterEstimator nearZero = new JitterEstimator(8000);
        long[] offsets = {0, 3_000, 0, 7_000, 1_000, 0};
        for (int k = 0; k < offsets.length; k++) {
            jitter.update(T0 + 20_000L * k + offsets[k], 160L * k);
            nearZero.update(20_000L * k + offsets[k], 160L * k);
        }
        assertThat(jitter.maxJitterMillis()).isPositive().isEqualTo(nearZero.maxJitterMillis());
    }
}
