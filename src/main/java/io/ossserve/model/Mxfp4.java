package io.ossserve.model;

/**
 * MXFP4 as stored by gpt-oss: blocks of 32 values along the input dimension; each block is 16 bytes of
 * E2M1 codes (element 2j in the low nibble of byte j, element 2j+1 in the high nibble) and one E8M0
 * scale byte (factor 2^(s-127)).
 */
public final class Mxfp4 {
    private Mxfp4() {}

    public static final int BLOCK = 32;
    public static final int BYTES_PER_BLOCK = 16;
    public static final int SCALE_BIAS = 127;

    /** E2M1 code → value. */
    public static final float[] FP4_VALUES = {
        +0.0f, +0.5f, +1.0f, +1.5f, +2.0f, +3.0f, +4.0f, +6.0f,
        -0.0f, -0.5f, -1.0f, -1.5f, -2.0f, -3.0f, -4.0f, -6.0f,
    };

    /** 2^(s-127) as a float (0 for very small s, as the reference's ldexp underflows). */
    public static float scale(int scaleByte) {
        return Math.scalb(1.0f, (scaleByte & 0xFF) - SCALE_BIAS);
    }

    /** Value of the low (even) element of a packed byte, before scaling. */
    public static float low(int packed) {
        return FP4_VALUES[packed & 0xF];
    }

    /** Value of the high (odd) element of a packed byte, before scaling. */
    public static float high(int packed) {
        return FP4_VALUES[(packed >>> 4) & 0xF];
    }

    /** Bytes of one MXFP4 row of {@code cols} values: codes plus scales. */
    public static long rowBytes(long cols) {
        return cols / BLOCK * (BYTES_PER_BLOCK + 1);
    }
}
