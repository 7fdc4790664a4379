package org.callrec.core.audio;

/**
 * ITU-T G.722 encoder, 64 kbit/s, written from the recommendation. Two 16 kHz input samples make
 * one output byte:
 *
 * <pre>
 *  x ─▶ transmit QMF (24 taps) ─┬─ XL ─▶ − SL ─▶ EL ─▶ 60-level quantiser (DETL) ─▶ IL (6 bits)
 *                               │          IL&gt;&gt;2 ─▶ QM4 ─▶ DLT ─▶ adapt DETL, predictor (SL)
 *                               └─ XH ─▶ − SH ─▶ EH ─▶ 4-level quantiser (DETH)  ─▶ IH (2 bits)
 *                                          IH ─▶ QM2 ─▶ DH ─▶ adapt DETH, predictor (SH)
 *  byte = IH &lt;&lt; 6 | IL
 * </pre>
 *
 * <p>The sub-band ADPCM and its adaptation are those of {@link G722Decoder} (shared code), so a
 * decoder fed this encoder's bytes tracks its state exactly. The 16-bit input is scaled into the
 * recommendation's sub-band range by the QMF. Checked against ffmpeg 5.1's {@code g722} encoder:
 * identical bytes on 6 s of tones, sweep and noise (see {@code G722FfmpegTest}). Stateful; {@link #reset()} starts a new stream. Not thread-safe.
 */
public final class G722Encoder {

    private final G722Band low = G722Band.lower();
    private final G722Band high = G722Band.higher();
    private final int[] x = new int[24];  // transmit QMF delay line, newest first

    /** An encoder in the reset state, 64 kbit/s. */
    public G722Encoder() {
    }

    /**
     * Encodes {@code samples} samples (an odd last sample is ignored).
     *
     * @param src     16-bit samples at 16 kHz
     * @param srcOff  first sample
     * @param samples samples to encode
     * @param dst     where the bytes go; must hold {@code samples / 2} from {@code dstOff}
     * @param dstOff  first byte
     * @return bytes written ({@code samples / 2})
     */
    public int encode(short[] src, int srcOff, int samples, byte[] dst, int dstOff) {
        int pairs = samples / 2;
        for (int n = 0; n < pairs; n++) {
            // Transmit QMF: the newest sample is x[0].
            System.arraycopy(x, 0, x, 2, 22);
            x[1] = src[srcOff + 2 * n];
            x[0] = src[srcOff + 2 * n + 1];
            int xa = 0;
            int xb = 0;
            for (int i = 0; i < 12; i++) {
                xa += G722Tables.QMF[2 * i] * x[2 * i];
                xb += G722Tables.QMF[2 * i + 1] * x[2 * i + 1];
            }
            int xl = G722Band.sat((xa + xb) >> 14);
            int xh = G722Band.sat((xa - xb) >> 14);

            // Lower band.
            int el = G722Band.sat(xl - low.s);
            int il = quantiseLow(el, low.det);
            int ril = il >> 2;
            low.update((low.det * G722Tables.QM4[ril]) >> 15, G722Tables.WL4[ril]);

            // Higher band.
            int eh = G722Band.sat(xh - high.s);
            int wd = eh >= 0 ? eh : ~eh;
            boolean outer = wd >= (G722Tables.Q2 * high.det) >> 12;
            int ih = eh >= 0 ? (outer ? 2 : 3) : (outer ? 0 : 1);
            high.update((high.det * G722Tables.QM2[ih]) >> 15, G722Tables.WH[ih]);

            dst[dstOff + n] = (byte) (ih << 6 | il);
        }
        return pairs;
    }

    /** QUANTL: the interval of |EL| among the 30 decision levels scaled by DETL, then its code. */
    private static int quantiseLow(int el, int det) {
        int wd = el >= 0 ? el : ~el;
        int m = 1;
        while (m < 30 && wd >= (G722Tables.Q6[m] * det) >> 12) {
            m++;
        }
        return el >= 0 ? G722Tables.ILP[m] : G722Tables.ILN[m];
    }

    /** Back to the reset state: the next samples start a new stream. */
    public void reset() {
        low.reset();
        high.reset();
        java.util.Arrays.fill(x, 0);
    }
}
