package org.callrec.catalog.recording;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which part of a 1,000-byte file a {@code Range} header asks for (RFC 9110 §14.1.2). */
class ByteRangeTest {

    private static ByteRange.Request of(String header) {
        return ByteRange.of(header, 1000);
    }

    @Test
    void aClosedRangeIsThatPart() {
        assertThat(of("bytes=0-99")).isEqualTo(new ByteRange.Part(new ByteRange(0, 99)));
        assertThat(of("bytes=500-499999")).isEqualTo(new ByteRange.Part(new ByteRange(500, 999)));
    }

    @Test
    void anOpenRangeRunsToTheEndAndASuffixIsTheLastBytes() {
        assertThat(of("bytes=900-")).isEqualTo(new ByteRange.Part(new ByteRange(900, 999)));
        assertThat(of("bytes=-10")).isEqualTo(new ByteRange.Part(new ByteRange(990, 999)));
        assertThat(of("bytes=-5000")).isEqualTo(new ByteRange.Part(new ByteRange(0, 999)));
    }

    @Test
    void aRangeStartingPastTheEndIsUnsatisfiable() {
        assertThat(of("bytes=1000-")).isInstanceOf(ByteRange.Unsatisfiable.class);
        assertThat(of("bytes=1000-1001")).isInstanceOf(ByteRange.Unsatisfiable.class);
        assertThat(of("bytes=-0")).isInstanceOf(ByteRange.Unsatisfiable.class);
    }

    @Test
    void whatIsNotOneByteRangeIsIgnoredAndTheWholeFileSent() {
        for (String h : new String[] {null, "", "items=0-1", "bytes=", "bytes=5", "bytes=9-3", "bytes=0-1,5-6",
            "bytes=a-b", "bytes=-", "bytes=99999999999999999999-"}) {
            assertThat(of(h)).as(h).isInstanceOf(ByteRange.Whole.class);
        }
    }
}
