package org.callrec.core.audio;

/**
 * Constants of ITU-T G.722 (64 kbit/s, mode 1) shared by {@link G722Encoder} and
 * {@link G722Decoder}. Values are the recommendation's fixed-point ones; quantiser levels are
 * stored ×8 so that {@code (det × level) >> 15} gives the difference signal directly.
 */
final class G722Tables {

    private G722Tables() {
    }

    /** QMF coefficients h0 … h23 (×2^13), symmetric. */
    static final int[] QMF = {
        3, -11, -11, 53, 12, -156, 32, 362, -210, -805, 951, 3876,
        3876, 951, -805, -210, 362, 32, -156, 12, 53, -11, -11, 3,
    };

    /**
     * Lower-band decision levels Q6(1 … 29) of the 60-level quantiser (×2^-12 of DETL);
     * interval {@code m} (1 … 30) is [Q6(m-1), Q6(m)).
     */
    static final int[] Q6 = {
        0, 35, 72, 110, 150, 190, 233, 276, 323, 370, 422, 473, 530, 587, 650, 714,
        786, 858, 940, 1023, 1121, 1219, 1339, 1458, 1612, 1765, 1980, 2195, 2557, 2919,
    };

    /** Code word of interval m (1 … 30) for a negative difference (ILN). */
    static final int[] ILN = {
        0, 63, 62, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13,
        12, 11, 10, 9, 8, 7, 6, 5, 4,
    };

    /** Code word of interval m (1 … 30) for a positive difference (ILP). */
    static final int[] ILP = {
        0, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43, 42, 41,
        40, 39, 38, 37, 36, 35, 34, 33, 32,
    };

    /** 6-bit inverse quantiser output (QM6 ×8), by lower-band code word (mode 1 decoding). */
    static final int[] QM6 = {
        -136, -136, -136, -136, -24808, -21904, -19008, -16704, -14984, -13512, -12280, -11192,
        -10232, -9360, -8576, -7856, -7192, -6576, -6000, -5456, -4944, -4464, -4008, -3576,
        -3168, -2776, -2400, -2032, -1688, -1360, -1040, -728,
        24808, 21904, 19008, 16704, 14984, 13512, 12280, 11192, 10232, 9360, 8576, 7856,
        7192, 6576, 6000, 5456, 4944, 4464, 4008, 3576, 3168, 2776, 2400, 2032,
        1688, 1360, 1040, 728, 432, 136, -432, -136,
    };

    /**
     * 4-bit inverse quantiser output (QM4 ×8), by the code word's 4 most significant bits: what
     * encoder and decoder feed their lower-band predictors in every mode.
     */
    static final int[] QM4 = {
        0, -20456, -12896, -8968, -6288, -4240, -2584, -1200,
        20456, 12896, 8968, 6288, 4240, 2584, 1200, 0,
    };

    /** Lower-band log scale factor multiplier WL, by 4-bit code word (through RIL → magnitude). */
    static final int[] WL4 = {
        -60, 3042, 1198, 538, 334, 172, 58, -30,
        3042, 1198, 538, 334, 172, 58, -30, -60,
    };

    /** Higher-band decision level (×2^-12 of DETH) between the inner and outer intervals. */
    static final int Q2 = 564;

    /** Higher-band 2-bit inverse quantiser output (QM2 ×8), by code word. */
    static final int[] QM2 = {-7408, -1616, 7408, 1616};

    /** Higher-band log scale factor multiplier WH, by code word. */
    static final int[] WH = {798, -214, 798, -214};
}
