package org.callrec.core.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The small parts the assembler keeps an SSRC switch and duplicates with. */
class SsrcSwitchPartsTest {

    private static final long WINDOW = 500_000;   // microseconds

    @Nested
    @DisplayName("PendingSwitch")
    class Pending {

        private final PendingSwitch pending = new PendingSwitch(WINDOW, 3);

        @Test
        @DisplayName("waits one window from the new SSRC's first packet, then hands its datagrams over in arrival order")
        void waitsOneWindow() {
            assertThat(pending.isPending()).isFalse();
            assertThat(pending.isDue(Long.MAX_VALUE)).isFalse();
            pending.begin(0xBEEFL, 1_000);
            pending.hold(1_000, new byte[] {1}, 0, 1);
            pending.hold(1_200, new byte[] {0, 2, 0}, 1, 1);
            assertThat(pending.isFor(0xBEEFL)).isTrue();
            assertThat(pending.isFor(0xCAFEL)).isFalse();
            assertThat(pending.isDue(1_000 + WINDOW)).isFalse();
            assertThat(pending.isDue(1_001 + WINDOW)).isTrue();
            assertThat(pending.ssrc()).isEqualTo(0xBEEFL);
            List<Arrival> held = pending.end();
            assertThat(held).extracting(Arrival::arrivalMicros).containsExactly(1_000L, 1_200L);
            assertThat(held.get(1).datagram()).containsExactly(2);
            assertThat(pending.isPending()).isFalse();
            assertThat(pending.isFor(0xBEEFL)).isFalse();
        }

        @Test
        @DisplayName("says when more than its bound are held")
        void bounded() {
            pending.begin(7, 0);
            assertThat(pending.hold(0, new byte[1], 0, 1)).isFalse();
            assertThat(pending.hold(0, new byte[1], 0, 1)).isFalse();
            assertThat(pending.hold(0, new byte[1], 0, 1)).isFalse();
            assertThat(pending.hold(0, new byte[1], 0, 1)).isTrue();
            assertThat(pending.end()).hasSize(4);
        }
    }

    @Nested
    @DisplayName("LeftSsrcs")
    class Left {

        private final LeftSsrcs left = new LeftSsrcs(WINDOW);

        @Test
        @DisplayName("a packet of an SSRC left behind is a straggler within the window after its last packet, then it is back")
        void stragglers() {
            left.switched(1, 10_000, 2);
            assertThat(left.isStraggler(1, 10_000 + WINDOW)).isTrue();
            assertThat(left.isStraggler(1, 10_001 + WINDOW)).isFalse();
            assertThat(left.isStraggler(2, 10_000)).isFalse();
        }

        @Test
        @DisplayName("switching back to an SSRC forgets that it was left")
        void switchingBack() {
            left.switched(1, 10_000, 2);
            left.switched(2, 20_000, 1);
            assertThat(left.isStraggler(1, 20_000)).isFalse();
            assertThat(left.isStraggler(2, 20_000)).isTrue();
        }

        @Test
        @DisplayName("only the most recent SSRCs are remembered")
        void bounded() {
            for (long s = 0; s <= LeftSsrcs.REMEMBERED; s++) {
                left.switched(s, 0, s + 1);
            }
            assertThat(left.isStraggler(0, 0)).isFalse();
            assertThat(left.isStraggler(1, 0)).isTrue();
            assertThat(left.isStraggler(LeftSsrcs.REMEMBERED, 0)).isTrue();
        }
    }

    @Nested
    @DisplayName("WrittenPackets")
    class Written {

        private final WrittenPackets written = new WrittenPackets();

        @Test
        @DisplayName("remembers the last SIZE packets written, and forgets all on clear")
        void ring() {
            assertThat(written.contains(0)).isFalse();
            for (long s = 0; s < WrittenPackets.SIZE + 10; s++) {
                written.add(s);
            }
            assertThat(written.contains(9)).isFalse();                       // overwritten
            assertThat(written.contains(10)).isTrue();
            assertThat(written.contains(WrittenPackets.SIZE + 9)).isTrue();
            assertThat(written.contains(WrittenPackets.SIZE + 10)).isFalse(); // never written
            written.clear();
            assertThat(written.contains(WrittenPackets.SIZE + 9)).isFalse();
        }
    }
}
