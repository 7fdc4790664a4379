package org.callrec.core.audio;

/**
 * ITU-T G.722 decoder, 64 kbit/s (mode 1: all six lower-band bits are audio), written from the
 * recommendation. One input byte carries one 8 kHz sub-band sample pair and yields two 16 kHz
 * output samples:
 *
 * <pre>
 *  byte ─┬─ IL (6 bits) ─▶ inverse quantiser QM6 ─▶ + SL ─▶ RL ─┐
 *        │                 IL&gt;&gt;2 ─▶ QM4 ─▶ DLT ─▶ adapt DETL, predictor (SL)
 *        └─ IH (2 bits) ─▶ inverse quantiser QM2 ─▶ + SH ─▶ RH ─┤
 *                                                 DH ─▶ adapt DETH, predictor (SH)
 *                          receive QMF: XD = RL − RH, XS = RL + RH, 24 taps ─▶ 2 samples
 * </pre>
 *
 * <p>Both sub-bands are ADPCM with a backward-adaptive quantiser step (log domain, leakage 127/128)
 * and a backward-adaptive predictor of two poles and six zeros (see {@code G722Band}); the lower
 * band's predictor is driven by the 4-bit core of the code word so that it stays in step with an
 * encoder whatever the mode. The receive QMF interpolates both bands back to 16 kHz.
 *
 * <p>Samples are 16-bit: the sub-band signals are the recommendation's 15-bit ones, and the QMF
 * output is scaled to 16 bits (the 14-bit output of the recommendation ×4) and saturated.
 * Checked against ffmpeg 5.1's {@code g722} decoder: identical samples on the same bitstream,
 * i.e. infinite SNR (see {@code G722DecoderTest} with a committed fixture, {@code G722FfmpegTest}
 * on 6 s of tones, sweep and noise); the codec itself reaches ~21 dB SNR against that source.
 *
 * <p>The decoder is stateful (predictors, scale factors, QMF delay line): feed one stream's bytes
 * in order through one instance; {@link #reset()} starts a new stream. Not thread-safe.
 */
public final class G722Decoder {

    private final G722Band low = G722Band.lower();
    private final G722Band high = G722Band.higher();
    private final int[] xd = new int[12];  // receive QMF delay lines, newest first
    private final int[] xs = new int[12];

    /** A decoder in the reset state, 64 kbit/s (mode 1). */
    public G722Decoder() {
    }

    /**
     * Decodes {@code len} bytes.
     *
     * @param src    G.722 bytes (one per 8 kHz RTP timestamp unit)
     * @param srcOff first byte
     * @param len    bytes to decode
     * @param dst    where the 16 kHz samples go; must hold {@code 2 × len} from {@code dstOff}
     * @param dstOff first sample
     * @return samples written ({@code 2 × len})
     */
    public int decode(byte[] src, int srcOff, int len, short[] dst, int dstOff) {
        int out = dstOff;
        for (int i = 0; i < len; i++) {
            int code = src[srcOff + i] & 0xFF;
            int il = code & 0x3F;
            int ih = code >> 6;

            // Lower band: reconstruct with all 6 bits, adapt with the 4-bit core.
            int detl = low.det;
            int rl = G722Band.clamp(low.s + ((detl * G722Tables.QM6[il]) >> 15), -16384, 16383);
            int ril = il >> 2;
            low.update((detl * G722Tables.QM4[ril]) >> 15, G722Tables.WL4[ril]);

            // Higher band.
            int dh = (high.det * G722Tables.QM2[ih]) >> 15;
            int rh = G722Band.clamp(high.s + dh, -16384, 16383);
            high.update(dh, G722Tables.WH[ih]);

            // Receive QMF.
            System.arraycopy(xd, 0, xd, 1, 11);
            System.arraycopy(xs, 0, xs, 1, 11);
            xd[0] = rl - rh;
            xs[0] = rl + rh;
            int even = 0;
            int odd = 0;
            for (int k = 0; k < 12; k++) {
                even += G722Tables.QMF[2 * k] * xd[k];
                odd += G722Tables.QMF[2 * k + 1] * xs[k];
            }
            dst[out++] = (short) G722Band.sat(even >> 11);
            dst[out++] = (short) G722Band.sat(odd >> 11);
        }
        return out - dstOff;
    }

    /** Back to the reset state: the next byte is decoded as the first of a new stream. */
    public void reset() {
        low.reset();
        high.reset();
        java.util.Arrays.fill(xd, 0);
        java.util.Arrays.fill(xs, 0);
    }
}
