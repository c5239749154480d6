package io.ossserve.model;

/** bfloat16 ⇄ float32 conversions on raw 16-bit patterns. */
public final class Bf16 {
    private Bf16() {}

    public static float toFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** Round-to-nearest-even; NaN stays a quiet NaN. */
    public static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7FFFFFFF) > 0x7F800000) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }

    /** The float nearest to {@code value} that bf16 can represent exactly. */
    public static float round(float value) {
        return toFloat(fromFloat(value));
    }
}
