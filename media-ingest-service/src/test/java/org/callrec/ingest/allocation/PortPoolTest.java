package org.callrec.ingest.allocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PortPoolTest {

    private static final long QUARANTINE = 30_000_000_000L; // 30 s in nanoseconds

    /** A clock the test moves by hand. */
    private final AtomicLong now = new AtomicLong(1_000_000L);

    @Test
    @DisplayName("every port of the range is handed out once, then nothing")
    void handsOutEveryPortOnce() {
        PortPool pool = new PortPool(40000, 40009, QUARANTINE, now::get);

        List<Integer> taken = takeAll(pool);

        assertThat(taken).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(40000, 40009).boxed().toList());
        assertThat(pool.take()).isEmpty();
        assertThat(pool.available()).isZero();
        assertThat(pool.size()).isEqualTo(10);
    }

    @Test
    @DisplayName("ports are handed out in random order, so the next recording's port cannot be guessed")
    void randomOrder() {
        List<Integer> first = takeAll(new PortPool(40000, 40999, QUARANTINE, now::get));
        List<Integer> second = takeAll(new PortPool(40000, 40999, QUARANTINE, now::get));

        // ascending order, or twice the same order, has a chance of 1 in 1000! by luck
        assertThat(first).isNotEqualTo(IntStream.rangeClosed(40000, 40999).boxed().toList());
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    @DisplayName("a port resting with its socket open is handed for closing once its quarantine is over, and free only once closed")
    void restingPortIsFreeOnlyOnceItsSocketIsClosed() {
        PortPool pool = new PortPool(40000, 40000, QUARANTINE, now::get);
        int port = pool.take().orElseThrow();

        pool.rest(port);

        assertThat(pool.pollRested()).isEmpty();
        assertThat(pool.resting()).isOne();
        now.addAndGet(QUARANTINE);
        // rested, but its socket is still open: not free, handed out for closing exactly once
        assertThat(pool.available()).isZero();
        assertThat(pool.take()).isEmpty();
        assertThat(pool.pollRested()).containsExactly(port);
        assertThat(pool.pollRested()).isEmpty();
        assertThat(pool.available()).isZero();
        assertThat(pool.take(port)).as("recovery cannot take a port whose socket is closing").isFalse();

        pool.closed(port);

        assertThat(pool.resting()).isZero();
        assertThat(pool.take()).hasValue(port);
    }

    @Test
    @DisplayName("closed() of a port that was not handed out for closing changes nothing")
    void closedOfAnotherPortIsIgnored() {
        PortPool pool = new PortPool(40000, 40001, QUARANTINE, now::get);
        int port = pool.take().orElseThrow();

        pool.closed(port);

        assertThat(pool.available()).isOne();
    }

    @Test
    @DisplayName("a released port stays out of the pool until the quarantine has passed")
    void quarantineKeepsAReleasedPortOut() {
        PortPool pool = new PortPool(40000, 40000, QUARANTINE, now::get);
        int port = pool.take().orElseThrow();

        pool.release(port);

        assertThat(pool.take()).isEmpty();
        now.addAndGet(QUARANTINE - 1);
        assertThat(pool.available()).isZero();
        assertThat(pool.take()).isEmpty();
        now.addAndGet(1);
        assertThat(pool.available()).isOne();
        assertThat(pool.take()).isEqualTo(OptionalInt.of(port));
    }

    @Test
    @DisplayName("each released port rests for its own quarantine, counted from its own release")
    void eachPortRestsFromItsOwnRelease() {
        PortPool pool = new PortPool(40000, 40001, QUARANTINE, now::get);
        int a = pool.take().orElseThrow();
        int b = pool.take().orElseThrow();

        pool.release(a);
        now.addAndGet(QUARANTINE / 2);
        pool.release(b);

        now.addAndGet(QUARANTINE / 2);
        assertThat(pool.take()).isEqualTo(OptionalInt.of(a));
        assertThat(pool.take()).isEmpty();
        now.addAndGet(QUARANTINE / 2);
        assertThat(pool.take()).isEqualTo(OptionalInt.of(b));
    }

    @Test
    @DisplayName("a port given back after a failed bind rests like a released one")
    void givenBackPortRestsToo() {
        PortPool pool = new PortPool(40000, 40000, QUARANTINE, now::get);
        int port = pool.take().orElseThrow();

        pool.giveBack(port);

        assertThat(pool.take()).isEmpty();
        now.addAndGet(QUARANTINE);
        assertThat(pool.take()).isEqualTo(OptionalInt.of(port));
    }

    @Test
    @DisplayName("with no quarantine a released port is available at once")
    void zeroQuarantine() {
        PortPool pool = new PortPool(40000, 40000, 0, now::get);
        int port = pool.take().orElseThrow();

        pool.release(port);

        assertThat(pool.take()).isEqualTo(OptionalInt.of(port));
    }

    @Test
    @DisplayName("the clock may start anywhere, negative values included (System.nanoTime has no origin)")
    void clockNearItsWrap() {
        now.set(Long.MAX_VALUE - QUARANTINE / 2);
        PortPool pool = new PortPool(40000, 40000, QUARANTINE, now::get);
        int port = pool.take().orElseThrow();

        pool.release(port);
        assertThat(pool.take()).isEmpty();
        now.addAndGet(QUARANTINE); // wraps to a negative value

        assertThat(pool.take()).isEqualTo(OptionalInt.of(port));
    }

    @ParameterizedTest(name = "{0}-{1}")
    @CsvSource({ "0, 10", "-1, 10", "10, 65536", "20, 10" })
    @DisplayName("a range outside 1-65535, or upside down, is refused")
    void invalidRange(int min, int max) {
        assertThatIllegalArgumentException().isThrownBy(() -> new PortPool(min, max, QUARANTINE, now::get))
                .withMessageContaining(min + "-" + max);
    }

    @ParameterizedTest(name = "{0}-{1}")
    @CsvSource({ "1, 1", "65535, 65535", "1, 65535" })
    @DisplayName("ranges at the limits are accepted")
    void rangesAtTheLimits(int min, int max) {
        assertThat(new PortPool(min, max, QUARANTINE, now::get).size()).isEqualTo(max - min + 1);
    }

    private static List<Integer> takeAll(PortPool pool) {
        List<Integer> taken = new ArrayList<>();
        for (OptionalInt port = pool.take(); port.isPresent(); port = pool.take()) {
            taken.add(port.getAsInt());
        }
        return taken;
    }
}
