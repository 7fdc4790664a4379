package org.callrec.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class SteadyWindowTest {

    @Test
    void theWindowOpensAfterTheLastStartAndClosesBeforeTheFirstStop() {
        // 1,000 phones 10 ms apart: the last starts at 9.99 s; 40 s calls: the first stops at 40 s.
        SteadyWindow.Plan plan = SteadyWindow.plan(1000, 0, Duration.ofMillis(10), Duration.ofSeconds(40)).orElseThrow();

        assertThat(plan.from()).isEqualTo(Duration.ofMillis(9_990).plus(SteadyWindow.AFTER_LAST_START));
        assertThat(plan.to()).isEqualTo(Duration.ofSeconds(40).minus(SteadyWindow.BEFORE_FIRST_STOP));
        assertThat(plan.length()).isEqualTo(Duration.ofMillis(26_010));
    }

    @Test
    void noWindowWhenTheCallsDoNotAllOverlapLongEnough() {
        // the ramp (20 s) is as long as the calls
        assertThat(SteadyWindow.plan(1000, 0, Duration.ofMillis(20), Duration.ofSeconds(20))).isEmpty();
        // just under the shortest window
        assertThat(SteadyWindow.plan(1, 0, Duration.ZERO, SteadyWindow.SHORTEST.plus(SteadyWindow.AFTER_LAST_START)
                .plus(SteadyWindow.BEFORE_FIRST_STOP).minusMillis(1))).isEmpty();
        // calls in waves of 10: never all in progress at once
        assertThat(SteadyWindow.plan(100, 10, Duration.ZERO, Duration.ofSeconds(60))).isEmpty();
        // a cap at or above the fleet is no cap
        assertThat(SteadyWindow.plan(100, 100, Duration.ZERO, Duration.ofSeconds(60))).isPresent();
    }
}
