package org.callrec.ingest.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Set;

import org.callrec.ingest.media.StreamLatch.Verdict;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Which source a recording accepts: the rules of {@link StreamLatch}, on a clock moved by hand. */
class StreamLatchRulesTest {

    private static final InetAddress PHONE = ip("203.0.113.7");
    private static final long SECOND = 1_000_000_000L;
    private static final long SSRC = 0x1234L;

    @Test
    @DisplayName("only the phone's address is allowed; a same-host phone may use the host's addresses")
    void allowedAddresses() {
        assertThat(new StreamLatch(PHONE, Set.of(), 0).allowedAddress(PHONE)).isTrue();
        assertThat(new StreamLatch(PHONE, Set.of(), 0).allowedAddress(ip("203.0.113.8"))).isFalse();
        StreamLatch local = new StreamLatch(ip("127.0.0.1"), Set.of(ip("127.0.0.1"), ip("10.0.0.5")), 0);
        assertThat(local.allowedAddress(ip("10.0.0.5"))).isTrue();
        assertThat(local.allowedAddress(ip("127.0.0.2"))).isFalse();
    }

    @Test
    @DisplayName("the first packet latches address and port; another port is foreign-port, however long the phone is silent, when re-latching is off")
    void latchesOnTheFirstSource() {
        StreamLatch latch = new StreamLatch(PHONE, Set.of(), 0);

        assertThat(latch.admit(PHONE, 5004, SSRC, 0)).isEqualTo(Verdict.ACCEPT);
        assertThat(latch.latched()).isEqualTo("203.0.113.7:5004");
        assertThat(latch.admit(PHONE, 5006, SSRC, 1)).isEqualTo(Verdict.FOREIGN_PORT);
        assertThat(latch.admit(PHONE, 5004, 0x9999L, 2)).as("an SSRC change of the latched source").isEqualTo(Verdict.ACCEPT);
        assertThat(latch.admit(PHONE, 5006, 0x9999L, 3600 * SECOND)).isEqualTo(Verdict.FOREIGN_PORT);
    }

    @Test
    @DisplayName("with re-latching: only after the latched source's silence, and only for the SSRC it sent last")
    void relatchNeedsSilenceAndTheStreamsSsrc() {
        StreamLatch latch = new StreamLatch(PHONE, Set.of(), 30 * SECOND);
        latch.admit(PHONE, 5004, SSRC, 0);

        // while the phone sends, nobody takes over
        assertThat(latch.admit(PHONE, 6000, SSRC, 29 * SECOND)).isEqualTo(Verdict.FOREIGN_PORT);
        assertThat(latch.admit(PHONE, 5004, SSRC, 29 * SECOND)).isEqualTo(Verdict.ACCEPT);
        // 30 s of silence: a stranger's SSRC still cannot, the stream's own can
        assertThat(latch.admit(PHONE, 6000, 0x5EEDL, 59 * SECOND)).isEqualTo(Verdict.FOREIGN_PORT);
        assertThat(latch.admit(PHONE, 6000, SSRC, 59 * SECOND)).isEqualTo(Verdict.RELATCHED);
        assertThat(latch.latched()).isEqualTo("203.0.113.7:6000");
        assertThat(latch.admit(PHONE, 5004, SSRC, 59 * SECOND + 1)).isEqualTo(Verdict.FOREIGN_PORT);
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
