package org.callrec.core.audio;

/**
 * ITU-T G.711 A-law and µ-law, both directions. Decoding is by 256-entry tables built from the
 * reference algorithm (the same values as ffmpeg's {@code pcm_alaw}/{@code pcm_mulaw}).
 */
public final class G711 {

    private static final short[] ALAW = new short[256];
    private static final short[] ULAW = new short[256];

    static {
        for (int i = 0; i < 256; i++) {
            ALAW[i] = (short) alaw2linear(i);
            ULAW[i] = (short) ulaw2linear(i);
        }
    }

    private G711() {
    }

    /** Decodes one A-law byte to a 16-bit linear sample. */
    public static short alawToLinear(byte b) {
        return ALAW[b & 0xFF];
    }

    /** Decodes one µ-law byte to a 16-bit linear sample. */
    public static short ulawToLinear(byte b) {
        return ULAW[b & 0xFF];
    }

    /** The A-law byte closest to silence (decodes to +8, the smallest step). */
    public static final byte ALAW_SILENCE = (byte) 0xD5;
    /** The µ-law byte that decodes to silence. */
    public static final byte ULAW_SILENCE = (byte) 0xFF;

    private static int alaw2linear(int aVal) {
        aVal ^= 0x55;
        int t = (aVal & 0x0F) << 4;
        int seg = (aVal & 0x70) >> 4;
        switch (seg) {
            case 0 -> t += 8;
            case 1 -> t += 0x108;
            default -> {
                t += 0x108;
                t <<= seg - 1;
            }
        }
        return (aVal & 0x80) != 0 ? t : -t;
    }

    private static int ulaw2linear(int uVal) {
        uVal = ~uVal;
        int t = ((uVal & 0x0F) << 3) + 0x84;
        t <<= (uVal & 0x70) >> 4;
        return (uVal & 0x80) != 0 ? (0x84 - t) : (t - 0x84);
    }

    /** Encodes a 16-bit linear sample to A-law. */
    public static byte linearToAlaw(short sample) {
        int pcm = sample >> 3; // 13-bit magnitude domain
        int mask;
        if (pcm >= 0) {
            mask = 0xD5;
        } else {
            mask = 0x55;
            pcm = -pcm - 1;
        }
        int seg = segment(pcm, ALAW_SEG_END);
        int aval;
        if (seg >= 8) {
            aval = 0x7F;
        } else {
            aval = seg << 4;
            aval |= seg < 2 ? (pcm >> 1) & 0x0F : (pcm >> seg) & 0x0F;
        }
        return (byte) (aval ^ mask);
    }

    /** Encodes a 16-bit linear sample to µ-law. */
    public static byte linearToUlaw(short sample) {
        final int bias = 0x84;
        int pcm = sample >> 2; // 14-bit domain
        int mask;
        if (pcm < 0) {
            pcm = -pcm;
            mask = 0x7F;
        } else {
            mask = 0xFF;
        }
        if (pcm > 8159) {
            pcm = 8159;
        }
        pcm += bias >> 2;
        int seg = segment(pcm, ULAW_SEG_END);
        if (seg >= 8) {
            return (byte) (0x7F ^ mask);
        }
        int uval = (seg << 4) | ((pcm >> (seg + 1)) & 0x0F);
        return (byte) (uval ^ mask);
    }

    private static final int[] ALAW_SEG_END = {0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF};
    private static final int[] ULAW_SEG_END = {0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF};

    private static int segment(int val, int[] table) {
        for (int i = 0; i < table.length; i++) {
            if (val <= table[i]) {
                return i;
            }
        }
        return table.length;
    }
}
