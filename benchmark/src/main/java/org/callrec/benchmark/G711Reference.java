package org.callrec.benchmark;

/**
 * G.711 decoding written from the formulas of ITU-T G.711 (1988), Tables 1a/1b and 2a/2b, on
 * purpose independent of recorder-core's table-driven {@code G711} that the storage service
 * decodes with: the benchmark checks the stored PCM against this, so a wrong table in the
 * pipeline cannot agree with itself. Output is the decoder's value on the 16-bit scale
 * (the standard's 13-bit A-law / 14-bit µ-law values shifted left by 3 / 2).
 */
final class G711Reference {

    private G711Reference() {
    }

    /**
     * A-law: the even bits of the character are inverted for transmission (XOR 0x55); then bit 1
     * (MSB) is the sign (1 = positive), bits 2–4 the segment {@code s}, bits 5–8 the step
     * {@code q}. Decoder output (Table 1, in units of the 12-bit magnitude):
     * {@code s = 0: 2q + 1}; {@code s ≥ 1: (2q + 33) · 2^(s−1)}.
     */
    static short alaw(byte encoded) {
        int c = (encoded & 0xFF) ^ 0x55;
        int segment = (c >> 4) & 0x07;
        int step = c & 0x0F;
        int magnitude = segment == 0 ? 2 * step + 1 : (2 * step + 33) << (segment - 1);
        int linear16 = magnitude << 3;
        return (short) ((c & 0x80) != 0 ? linear16 : -linear16);
    }

    /**
     * µ-law: the character is sent inverted (one's complement); then bit 1 is the sign (1 =
     * negative), bits 2–4 the segment {@code s}, bits 5–8 the step {@code q}. Decoder output
     * (Table 2, 14-bit magnitude): {@code (2q + 33) · 2^s − 33}.
     */
    static short ulaw(byte encoded) {
        int c = ~encoded & 0xFF;
        int segment = (c >> 4) & 0x07;
        int step = c & 0x0F;
        int magnitude = ((2 * step + 33) << segment) - 33;
        int linear16 = magnitude << 2;
        return (short) ((c & 0x80) != 0 ? -linear16 : linear16);
    }
}
