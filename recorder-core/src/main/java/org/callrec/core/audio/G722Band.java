package org.callrec.core.audio;

/**
 * State of one G.722 sub-band ADPCM coder (ITU-T G.722 §3.5, §3.6, §4.2, §4.3), shared by the
 * encoder and the decoder, which run the same adaptation so their states stay equal.
 *
 * <p>After each sample the quantised difference {@code d} (lower band: from the 4-bit core of the
 * code word, so that modes 2 and 3 stay in step; higher band: the 2-bit code) drives:
 * <ul>
 *   <li>the quantiser scale factor: log domain {@code nb ← nb·127/128 + W(code)} limited to
 *       [0, {@code nbMax}], then the linear step {@code det} from the 32-entry
 *       inverse-log table (blocks LOGSCL/SCALEL, LOGSCH/SCALEH);</li>
 *   <li>the predictor: a 2-pole section fed by the reconstructed signal {@code r = s + d} and a
 *       6-zero section fed by {@code d}, both adapted by sign-sign rules with leakage (blocks
 *       PARREC, RECONS, UPPOL1, UPPOL2, UPZERO, DELAYA, FILTEP, FILTEZ, PREDIC).</li>
 * </ul>
 * All arithmetic is the recommendation's 16-bit fixed point: products shifted right by 15,
 * sums saturated to 16 bits. Not thread-safe.
 */
final class G722Band {

    /** Inverse-log table of SCALEL/SCALEH: 2048·2^(i/32), rounded. */
    private static final int[] ILB = {
        2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543, 2599, 2656, 2714, 2774, 2834,
        2896, 2960, 3025, 3091, 3158, 3228, 3298, 3371, 3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008,
    };

    private final int nbMax;
    private final int scaleShift;
    private final int detInitial;

    int s;       // prediction of the next sub-band sample (SL / SH)
    int det;     // quantiser scale factor (DETL / DETH)
    private int sz;      // zero-section part of the prediction (SZL / SZH)
    private int nb;      // log scale factor (NBL / NBH)
    private int a1;      // pole coefficients (AL1, AL2 / AH1, AH2)
    private int a2;
    private final int[] b = new int[6];   // zero coefficients (BL1..6 / BH1..6)
    private final int[] dq = new int[6];  // past quantised differences (DLT1..6 / DH1..6)
    private int p1;      // past partial reconstructions (PLT1, PLT2 / PH1, PH2)
    private int p2;
    private int r1;      // past reconstructed sample (RLT1 / RH1)

    private G722Band(int nbMax, int scaleShift, int detInitial) {
        this.nbMax = nbMax;
        this.scaleShift = scaleShift;
        this.detInitial = detInitial;
        reset();
    }

    /** The lower band: NBL limited to 18432, DETL from 32. */
    static G722Band lower() {
        return new G722Band(18432, 8, 32);
    }

    /** The higher band: NBH limited to 22528, DETH from 8. */
    static G722Band higher() {
        return new G722Band(22528, 10, 8);
    }

    /** Back to the reset state of the recommendation (all zero, minimum step). */
    void reset() {
        s = 0;
        sz = 0;
        nb = 0;
        det = detInitial;
        a1 = 0;
        a2 = 0;
        p1 = 0;
        p2 = 0;
        r1 = 0;
        java.util.Arrays.fill(b, 0);
        java.util.Arrays.fill(dq, 0);
    }

    /**
     * Adapts the scale factor and the predictor to one quantised difference.
     *
     * @param d      quantised difference of this sample (DLT / DH)
     * @param weight log scale factor multiplier W of this sample's code (WL / WH)
     */
    void update(int d, int weight) {
        // LOGSCL / LOGSCH and SCALEL / SCALEH
        nb = clamp(((nb * 32512) >> 15) + weight, 0, nbMax);
        int mant = ILB[(nb >> 6) & 31];
        int shift = (nb >> 11) - scaleShift;
        det = (shift < 0 ? mant >> -shift : mant << shift) << 2;

        // PARREC, RECONS
        int p = sat(d + sz);
        int r = sat(s + d);

        // UPPOL2: second pole coefficient
        boolean sg0 = p < 0;
        boolean sg1 = p1 < 0;
        boolean sg2 = p2 < 0;
        int wd1 = clamp(a1 << 2, -32767, 32767);
        int wd2 = (sg0 == sg1 ? -wd1 : wd1) >> 7;
        int wd3 = sg0 == sg2 ? 128 : -128;
        int ap2 = clamp(wd2 + wd3 + ((a2 * 32512) >> 15), -12288, 12288);

        // UPPOL1: first pole coefficient, kept inside the stability triangle
        int ap1 = (sg0 == sg1 ? 192 : -192) + ((a1 * 32640) >> 15);
        int lim = 15360 - ap2;
        ap1 = clamp(ap1, -lim, lim);

        // UPZERO: zero coefficients
        int step = d == 0 ? 0 : 128;
        boolean sgd = d < 0;
        for (int i = 0; i < 6; i++) {
            int inc = sgd == (dq[i] < 0) ? step : -step;
            b[i] = inc + ((b[i] * 32640) >> 15);
        }

        // DELAYA
        System.arraycopy(dq, 0, dq, 1, 5);
        dq[0] = d;
        p2 = p1;
        p1 = p;
        int r2 = r1;
        r1 = r;
        a1 = ap1;
        a2 = ap2;

        // FILTEZ, FILTEP, PREDIC: prediction of the next sample
        int zero = 0;
        for (int i = 0; i < 6; i++) {
            zero = sat(zero + ((b[i] * sat(dq[i] << 1)) >> 15));
        }
        sz = zero;
        int pole = sat(((a1 * sat(r1 << 1)) >> 15) + ((a2 * sat(r2 << 1)) >> 15));
        s = sat(pole + sz);
    }

    /** Saturates to a 16-bit word. */
    static int sat(int v) {
        return clamp(v, Short.MIN_VALUE, Short.MAX_VALUE);
    }

    static int clamp(int v, int lo, int hi) {
        return v < lo ? lo : Math.min(v, hi);
    }
}
