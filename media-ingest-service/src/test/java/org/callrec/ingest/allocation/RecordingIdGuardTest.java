package org.callrec.ingest.allocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.callrec.core.id.RecordingIds;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The memory of recent recording ids, on a clock the test moves. */
class RecordingIdGuardTest {

    private static final long T0 = 1_750_000_000_000L;
    private static final byte[] BITS = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

    private final AtomicLong now = new AtomicLong(T0);

    private static String mintedAt(long millis, int n) {
        byte[] b = BITS.clone();
        b[9] = (byte) n;
        return RecordingIds.derived(millis, b);
    }

    @Test
    @DisplayName("an id is accepted once, however long after: first by memory, then by its time")
    void acceptedOnce() {
        RecordingIdGuard guard = new RecordingIdGuard(Duration.ofSeconds(60), 100, now::get);
        String id = mintedAt(T0, 1);

        guard.accept(id);
        assertThatThrownBy(() -> guard.accept(id)).isInstanceOfSatisfying(AllocationException.class,
                e -> assertThat(e.error()).isEqualTo("duplicate-recording"));
        now.set(T0 + 59_000);
        assertThatThrownBy(() -> guard.accept(id)).isInstanceOf(AllocationException.class);
        now.set(T0 + 61_000); // forgotten now, and refused by its time
        assertThatThrownBy(() -> guard.accept(id)).isInstanceOf(AllocationException.class);
        assertThat(guard.remembered()).isZero();
        assertThat(guard.refusedDuplicates()).isEqualTo(3);
    }

    @Test
    @DisplayName("an id minted ahead of the node's clock is remembered until its own time has left the window")
    void aheadOfTheClock() {
        RecordingIdGuard guard = new RecordingIdGuard(Duration.ofSeconds(60), 100, now::get);
        String id = mintedAt(T0 + 50_000, 2);
        guard.accept(id);

        now.set(T0 + 105_000); // 55 s after the id's time: still inside the window, still remembered
        assertThatThrownBy(() -> guard.accept(id)).isInstanceOfSatisfying(AllocationException.class,
                e -> assertThat(e.getMessage()).contains("before"));
    }

    @Test
    @DisplayName("a full memory refuses with no-capacity and counts it; pruning makes room again")
    void boundedMemory() {
        RecordingIdGuard guard = new RecordingIdGuard(Duration.ofSeconds(60), 2, now::get);
        guard.accept(mintedAt(T0, 1));
        guard.accept(mintedAt(T0, 2));

        assertThatThrownBy(() -> guard.accept(mintedAt(T0, 3))).isInstanceOfSatisfying(AllocationException.class,
                e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.error()).isEqualTo("no-capacity");
                });
        assertThat(guard.refusedFull()).isEqualTo(1);

        now.set(T0 + 61_000);
        guard.accept(mintedAt(T0 + 61_000, 4));
        assertThat(guard.remembered()).isEqualTo(1);
    }

    @Test
    @DisplayName("ids read from the journal are remembered (those still in the window), so a restart forgets none")
    void rememberedFromTheJournal() {
        RecordingIdGuard guard = new RecordingIdGuard(Duration.ofSeconds(60), 100, now::get);
        String recent = mintedAt(T0 - 10_000, 5);
        guard.remember(recent);
        guard.remember(mintedAt(T0 - 600_000, 6));
        guard.remember("not-an-id");

        assertThat(guard.remembered()).isEqualTo(1);
        assertThatThrownBy(() -> guard.accept(recent)).isInstanceOf(AllocationException.class);
    }
}
