package org.callrec.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.callrec.core.audio.AudioCodec;
import org.callrec.core.audio.G711;
import org.junit.jupiter.api.Test;

class G711TableTest {

    @Test
    void theAlawTableAgreesWithRecorderCoresEncoderForEverySample() {
        for (int s = Short.MIN_VALUE; s <= Short.MAX_VALUE; s++) {
            assertThat(G711Table.ALAW.encode((short) s)).as("sample %d", s).isEqualTo(G711.linearToAlaw((short) s));
        }
    }

    @Test
    void theUlawTableAgreesWithRecorderCoresEncoderForEverySample() {
        for (int s = Short.MIN_VALUE; s <= Short.MAX_VALUE; s++) {
            assertThat(G711Table.ULAW.encode((short) s)).as("sample %d", s).isEqualTo(G711.linearToUlaw((short) s));
        }
    }

    @Test
    void eachG711CodecHasItsLawsTable() {
        assertThat(G711Table.of(AudioCodec.PCMA)).isSameAs(G711Table.ALAW);
        assertThat(G711Table.of(AudioCodec.PCMU)).isSameAs(G711Table.ULAW);
    }
}
