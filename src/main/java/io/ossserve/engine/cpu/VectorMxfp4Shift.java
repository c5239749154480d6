package io.ossserve.engine.cpu;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.AND;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.ROL;

import io.ossserve.model.Mxfp4;
import io.ossserve.model.Mxfp4Experts;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Batch-1 MXFP4 rows with the codes decoded by shifts instead of a table lookup. On 256-bit vectors (AVX2, {@link #rows}):
 * 19 vector operations per 64 codes (in 16-bit halves, as below), against five per 8 codes for the table decode of
 * {@link VectorMxfp4} (shift, the AND that {@code selectFrom} adds to wrap its indices, the permute, and a shift and XOR
 * that fix the sign). On 512-bit vectors (AVX-512, {@link #wideRows}): 19 operations per 128 codes against 23.
 * <p>
 * A code's nibble (sign s, exponent e1 e0, mantissa m) is moved to bits 28-31 of its int lane, then shifted right
 * arithmetically by 6: s stays at bit 31 (and is copied into bits 25-30) while e1 e0 m land at bits 22-24. Masked with
 * 0x81C00000 the lane is exactly the float ±fp4(c) · 2^-126: exponent field e and mantissa bit m give
 * 2^(e-127) · (1 + m/2) = fp4(c) · 2^-126 for e ≥ 1, and for e = 0 the subnormal m · 2^-127 = fp4(c) · 2^-126 too.
 * The input is laid out multiplied by 2^64 ({@link #layout}) and each block's scale is 2^(s-65), so every product and
 * every partial sum is the table decode's multiplied by 2^-62, and the results are the same to the bit when every input
 * is zero or of magnitude in [2^-62, 2^62) ({@link #layout} refuses the rest) and no scale byte reaches 192
 * ({@link #scalesFit} refuses those tensors). Why: such an input has an ulp of at least 2^-85, so every product
 * fp4 · x (fp4 a multiple of 0.5) and every sum of them is a multiple of 2^-86, 2^-148 once scaled; below the normal
 * range (2^-126) a multiple of 2^-148 is a subnormal exactly, and above it both domains round to 24 bits alike. Nothing
 * overflows that would not overflow in the table decode too (the inputs stay below 2^126 once multiplied, the scales
 * at most 2^126).
 * <p>
 * The code 0.5 decodes to a subnormal: on AMD Zen 3 the FMA takes it at full speed (with a multiply in place of the
 * first FMA of each chain the loop ran 2.3 times slower, seen), but some processors handle subnormal operands in
 * microcode, so {@link VectorKernels} times both decodes on the first calls and keeps the faster
 * ({@link Mxfp4DecodeChoice}). AMD Zen 3, one thread, rows in L2, alternating in one JVM ({@code Mxfp4DecodeCost}):
 * 5.58-5.62 against 7.21-7.41 ns per block pair at best with a loop per row (4.85-4.89 against 7.17-7.19 with the
 * row loop in the same method; docs/benchmarks.md, seventh session), before the 16-bit decode and the flat loop of
 * {@link #rows}. AMD Zen 4, 512-bit: see {@link #wideRows}.
 */
final class VectorMxfp4Shift {
    private VectorMxfp4Shift() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /** The input's factor: 2^64. */
    private static final float INPUT_FACTOR = 0x1p64f;
    /** Inputs at or above this magnitude, or nonzero below {@link #MIN_INPUT}, make {@link #layout} refuse. */
    private static final float MAX_INPUT = 0x1p62f, MIN_INPUT = 0x1p-62f;
    /** Sign bit and the three bits that hold e1 e0 m after the shifts. */
    private static final int SIGN_AND_MAGNITUDE = 0x81C00000;
    /** 2^(s-65): the block scale 2^(s-127) times the 2^62 that the decode and the input leave out. */
    private static final float[] SCALE = new float[256];
    private static final VectorMask<Float> UPPER_HALF = VectorMask.fromLong(F, 0xF0);

    private static final VectorSpecies<Float> F16 = FloatVector.SPECIES_512;
    private static final VectorSpecies<Integer> I16 = IntVector.SPECIES_512;
    /** The biased exponent that 2^(s-65) adds to the scale byte s: 2^(s-65) has the float bits (s + 62) << 23. */
    private static final int SCALE_EXPONENT_OFFSET = 62;

    static {
        for (int s = 0; s < 256; s++) {
            SCALE[s] = Math.scalb(1f, s - 65);
        }
    }

    /**
     * Whether this decode applies to {@code w}: an even number of blocks per row (whole block pairs) and no scale byte of
     * 192 or more (2^(s-65) would overflow from 193 on; 192 itself is refused by the cheap test). Reads every scale byte
     * once: the caller keeps the answer.
     */
    static boolean scalesFit(Mxfp4Experts w) {
        if (w.blocksPerRow() % 2 != 0) {
            return false;
        }
        MemorySegment scales = w.scales();
        long n = scales.byteSize(), i = 0;
        for (; i + 8 <= n; i += 8) {
            long v = scales.get(ValueLayout.JAVA_LONG_UNALIGNED, i);
            if (((v & (v << 1)) & 0x8080808080808080L) != 0) {      // a byte with bits 7 and 6 set: 192 or more
                return false;
            }
        }
        for (; i < n; i++) {
            if ((scales.get(ValueLayout.JAVA_BYTE, i) & 0xFF) >= 192) {
                return false;
            }
        }
        return true;
    }

    /**
     * One token's input x[xOff, xOff + cols) times 2^64 in the {@link VectorMxfp4#interleave8} layout, into out from outOff;
     * false (out partly written) when an input is infinite, of magnitude 2^62 or more, or nonzero below 2^-62. NaN passes:
     * it gives NaN in both decodes.
     */
    static boolean layout(float[] x, int xOff, int cols, float[] out, int outOff) {
        return laidOut(false, x, xOff, cols, out, outOff);
    }

    /** As {@link #layout}, in the {@link VectorMxfp4#interleave16} layout that {@link #wideRows} reads. */
    static boolean wideLayout(float[] x, int xOff, int cols, float[] out, int outOff) {
        return laidOut(true, x, xOff, cols, out, outOff);
    }

    private static boolean laidOut(boolean wide, float[] x, int xOff, int cols, float[] out, int outOff) {
        if (!inRange(x, xOff, cols)) {
            return false;
        }
        if (wide) {
            VectorMxfp4.interleave16(x, xOff, cols, out, outOff);
        } else {
            VectorMxfp4.interleave8(x, xOff, cols, out, outOff);
        }
        for (int i = outOff; i < outOff + cols; i++) {
            out[i] *= INPUT_FACTOR;
        }
        return true;
    }

    private static boolean inRange(float[] x, int xOff, int cols) {
        for (int i = xOff; i < xOff + cols; i++) {
            float a = Math.abs(x[i]);
            if (a >= MAX_INPUT || (a < MIN_INPUT && a != 0)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Rows [r0, r1) of one expert against one token laid out by {@link #layout}, into out[r]: one flat loop over all block
     * pairs of the rows (an expert's rows are contiguous, and so are their scales; {@link #scalesFit} leaves only rows of
     * whole pairs), each row's sum stored and the input offset wrapped at its end. The codes are decoded in 16-bit
     * halves as in {@link #wideRows}: 19 operations per 64 codes against 23 with a shift pair per code. The products in
     * the same order as before, so the same bits.
     * <p>
     * AMD Zen 4 with {@code -XX:UseAVX=2}, one thread, L2, one JVM: 3.26-3.34 ns per block pair, against 3.61 with the
     * row loop and the pair loop nested in one method and 3.97-4.04 with the pair loop in a method of its own per row
     * (4.23 with the shift pair per code). The JIT did not always compile it well: with the bench's calibration loops
     * (FMA chains and a stream sum on the same species) run before the engine, an FMA intrinsic failed in its C2 code
     * in 5 of 6 bench processes limited to AVX2 ({@code VectorSupport::ternaryOp failed to inline (intrinsic)} in
     * {@code -XX:+PrintInlining}), the engine timed it at 70-88 ns per 1000 weights and the timed choice kept the table
     * decode (48-49 ns), as it did in every process with the per-row loop (52 ns). Without those loops first (a server;
     * the bench now calibrates after its warm-up), 10 of 10 processes: 27-31 ns, the experts of a `small` step 4.4-5.2
     * ms against 7.8-8.7 with the table decode. The nested loops, tried with the calibration first, timed 47-48 ns in 2
     * of 3 processes and 33 in the third.
     */
    static void rows(Mxfp4Experts w, int expert, float[] xs, float[] out, int r0, int r1) {
        MemorySegment blocks = w.blocks(), scales = w.scales();
        int rowEnd = w.blocksPerRow() * Mxfp4.BLOCK;
        long b = w.blockOffset(expert, r0), s = w.scaleOffset(expert, r0);
        long end = b + (long) (r1 - r0) * w.blocksPerRow() * Mxfp4.BYTES_PER_BLOCK;
        FloatVector zero = FloatVector.zero(F), acc = zero;
        int j = 0, r = r0;
        for (; b < end; b += 2 * Mxfp4.BYTES_PER_BLOCK, s += 2) {
            IntVector v = IntVector.fromMemorySegment(I, blocks, b, LE);
            // code k of each lane sits at bits 4k..4k+3; after these shifts each 16-bit half holds one code at its bits
            // 12-15 (codes 7|3, 6|2, 5|1, 4|0), see the class doc. fma rather than mul for the first products: a
            // multiply by a subnormal is slow on AMD Zen 3, the fma is not. Written out rather than through helpers:
            // once the JIT had compiled such a helper on its own it could be left out of this loop and its vectors
            // boxed (seen: some processes ran this loop as slowly as the table decode)
            IntVector c73 = v.reinterpretAsShorts().lanewise(ASHR, 6).reinterpretAsInts();
            IntVector c62 = v.lanewise(LSHL, 4).reinterpretAsShorts().lanewise(ASHR, 6).reinterpretAsInts();
            IntVector c51 = v.lanewise(LSHL, 8).reinterpretAsShorts().lanewise(ASHR, 6).reinterpretAsInts();
            IntVector c40 = v.lanewise(LSHL, 12).reinterpretAsShorts().lanewise(ASHR, 6).reinterpretAsInts();
            FloatVector t0 = c40.lanewise(LSHL, 16).lanewise(AND, SIGN_AND_MAGNITUDE).reinterpretAsFloats()
                    .fma(FloatVector.fromArray(F, xs, j), zero);
            FloatVector t1 = c51.lanewise(LSHL, 16).lanewise(AND, SIGN_AND_MAGNITUDE).reinterpretAsFloats()
                    .fma(FloatVector.fromArray(F, xs, j + 8), zero);
            t0 = c62.lanewise(LSHL, 16).lanewise(AND, SIGN_AND_MAGNITUDE).reinterpretAsFloats()
                    .fma(FloatVector.fromArray(F, xs, j + 16), t0);
            t1 = c73.lanewise(LSHL, 16).lanewise(AND, SIGN_AND_MAGNITUDE).reinterpretAsFloats()
                    .fma(FloatVector.fromArray(F, xs, j + 24), t1);
            t0 = c40.lanewise(AND, SIGN_AND_MAGNITUDE).reinterpretAsFloats().fma(FloatVector.fromArray(F, xs, j + 32), t0);
            t1 = c51.lanewise(AND, SIGN_AND_MAGNITUDE).reinterpretAsFloats().fma(FloatVector.fromArray(F, xs, j + 40), t1);
            t0 = c62.lanewise(AND, SIGN_AND_MAGNITUDE).reinterpretAsFloats().fma(FloatVector.fromArray(F, xs, j + 48), t0);
            t1 = c73.lanewise(AND, SIGN_AND_MAGNITUDE).reinterpretAsFloats().fma(FloatVector.fromArray(F, xs, j + 56), t1);
            FloatVector scale = FloatVector.broadcast(F, SCALE[scales.get(ValueLayout.JAVA_BYTE, s) & 0xFF])
                    .blend(SCALE[scales.get(ValueLayout.JAVA_BYTE, s + 1) & 0xFF], UPPER_HALF);
            acc = t0.add(t1).fma(scale, acc);
            j += 2 * Mxfp4.BLOCK;
            if (j == rowEnd) {
                out[r++] = acc.reduceLanes(VectorOperators.ADD);
                acc = zero;
                j = 0;
            }
        }
    }

    /**
     * Rows [r0, r1) of one expert against one token laid out by {@link #wideLayout}, into out[r], on 512-bit vectors
     * (AVX-512): the shift decode of {@link VectorMxfp4#wideRows}, with the same operations in the same order, so the
     * same results (the class doc's argument holds lane by lane). Quads of blocks (64 bytes, one 512-bit load; code k of
     * int lane i is element 8i + k), then a last block pair if the row has one ({@link #scalesFit} refuses odd block
     * counts).
     * <p>
     * The codes are shifted right in 16-bit lanes: one arithmetic shift by 6 decodes the code at bits 12-15 of each
     * half of an int lane, codes 3 and 7 of the lane: the upper one is then the lane masked with 0x81C00000, the lower
     * one the lane shifted left by 16 and masked. The lane shifted left by 4, 8 and 12 first gives codes 2 and 6, 1 and
     * 5, 0 and 4. That is 19 vector operations per 128 codes against 23 for the table decode (a shift, the AND that
     * {@code selectFrom} adds and a permute per 16 codes, less one shift).
     * <p>
     * Unlike {@link #rows}, the row loop is in this method with the quad loop, as in {@link VectorMxfp4#wideRows}: with a
     * method per row the loop ran at 7.13 ns per quad against 5.44 for a by-hand copy with both loops in one method (AMD
     * Zen 4, one thread, rows in L2, one JVM; the table decode 6.23). As it is here: 5.68-5.76 against 6.46-6.53 for the
     * table decode ({@code Mxfp4WideDecodeCost}).
     */
    static void wideRows(Mxfp4Experts w, int expert, float[] xs, float[] out, int r0, int r1) {
        MemorySegment blocks = w.blocks(), scales = w.scales();
        int nb = w.blocksPerRow(), quads = nb & ~3;
        if (quads == nb) {
            wideFlat(w, expert, xs, out, r0, r1);
            return;
        }
        FloatVector zero = FloatVector.zero(F16);
        for (int r = r0; r < r1; r++) {
            long bOff = w.blockOffset(expert, r), sOff = w.scaleOffset(expert, r);
            FloatVector acc = zero;
            for (int g = 0; g < quads; g += 4) {
                int j = Mxfp4.BLOCK * g;
                IntVector v = IntVector.fromMemorySegment(I16, blocks, bOff + (long) Mxfp4.BYTES_PER_BLOCK * g, LE);
                // each half of a lane holds its code at bits 12-15 after these shifts; written out, not through helpers
                // (see rows): codes 7|3, 6|2, 5|1, 4|0
                IntVector c73 = v.reinterpretAsShorts().lanewise(ASHR, 6).reinterpretAsInts();
                IntVector c62 = v.lanewise(LSHL, 4).reinterpretAsShorts().lanewise(ASHR, 6).reinterpretAsInts();
                IntVector c51 = v.lanewise(LSHL, 8).reinterpretAsShorts().lanewise(ASHR, 6).reinterpretAsInts();
                IntVector c40 = v.lanewise(LSHL, 12).reinterpretAsShorts().lanewise(ASHR, 6).reinterpretAsInts();
                FloatVector t0 = c40.lanewise(LSHL, 16).lanewise(AND, SIGN_AND_MAGNITUDE).reinterpretAsFloats()
                        .fma(FloatVector.fromArray(F16, xs, j), zero);
                FloatVector t1 = c51.lanewise(LSHL, 16).lanewise(AND, SIGN_AND_MAGNITUDE).reinterpretAsFloats()
                        .fma(FloatVector.fromArray(F16, xs, j + 16), zero);
                t0 = c62.lanewise(LSHL, 16).lanewise(AND, SIGN_AND_MAGNITUDE).reinterpretAsFloats()
                        .fma(FloatVector.fromArray(F16, xs, j + 32), t0);
                t1 = c73.lanewise(LSHL, 16).lanewise(AND, SIGN_AND_MAGNITUDE).reinterpretAsFloats()
                        .fma(FloatVector.fromArray(F16, xs, j + 48), t1);
                t0 = c40.lanewise(AND, SIGN_AND_MAGNITUDE).reinterpretAsFloats().fma(FloatVector.fromArray(F16, xs, j + 64), t0);
                t1 = c51.lanewise(AND, SIGN_AND_MAGNITUDE).reinterpretAsFloats().fma(FloatVector.fromArray(F16, xs, j + 80), t1);
                t0 = c62.lanewise(AND, SIGN_AND_MAGNITUDE).reinterpretAsFloats().fma(FloatVector.fromArray(F16, xs, j + 96), t0);
                t1 = c73.lanewise(AND, SIGN_AND_MAGNITUDE).reinterpretAsFloats().fma(FloatVector.fromArray(F16, xs, j + 112), t1);
                // 2^(s-65) per lane: the quad's scale byte of the lane's block, plus 62, as a float's exponent field
                FloatVector scale = IntVector.broadcast(I16, scales.get(VectorMxfp4.SCALES_LE, sOff + g))
                        .lanewise(ROL, VectorMxfp4.QUAD_ROTATIONS).lanewise(AND, VectorMxfp4.EXPONENT_FIELD)
                        .lanewise(ADD, SCALE_EXPONENT_OFFSET << 23).reinterpretAsFloats();
                acc = t0.add(t1).fma(scale, acc);
            }
            float sum = acc.reduceLanes(VectorOperators.ADD);
            out[r] = quads == nb ? sum : sum + wideRest(blocks, bOff, scales, sOff, quads, xs);
        }
    }

    /**
     * {@link #wideRows} for rows of whole quads: one flat loop over all quads of rows [r0, r1) (an expert's rows are
     * contiguous, and so are their scales), the row's sum stored and the input offset wrapped at each row end. The same
     * operations in the same order per row as {@link #wideRows}, so the same bits. The row loop sets up the segment
     * checks, the loop and its spills again for every row: with 8 quads per row (1024 columns) that cost about a tenth
     * (AMD Zen 4, one thread, 256 rows × 1024 in L2, one JVM: 5.44 against 6.06 ns per quad).
     */
    private static void wideFlat(Mxfp4Experts w, int expert, float[] xs, float[] out, int r0, int r1) {
        MemorySegment blocks = w.blocks(), scales = w.scales();
        int rowEnd = w.blocksPerRow() * Mxfp4.BLOCK;             // input floats per row
        long b = w.blockOffset(expert, r0), s = w.scaleOffset(expert, r0);
        long end = b + (long) (r1 - r0) * w.blocksPerRow() * Mxfp4.BYTES_PER_BLOCK;
        FloatVector zero = FloatVector.zero(F16), acc = zero;
        int j = 0, r = r0;
        for (; b < end; b += 4 * Mxfp4.BYTES_PER_BLOCK, s += 4) {
            // the quad body of wideRows, written out the same way (no helpers: see rows)
            IntVector v = IntVector.fromMemorySegment(I16, blocks, b, LE);
            IntVector c73 = v.reinterpretAsShorts().lanewise(ASHR, 6).reinterpretAsInts();
            IntVector c62 = v.lanewise(LSHL, 4).reinterpretAsShorts().lanewise(ASHR, 6).reinterpretAsInts();
            IntVector c51 = v.lanewise(LSHL, 8).reinterpretAsShorts().lanewise(ASHR, 6).reinterpretAsInts();
            IntVector c40 = v.lanewise(LSHL, 12).reinterpretAsShorts().lanewise(ASHR, 6).reinterpretAsInts();
            FloatVector t0 = c40.lanewise(LSHL, 16).lanewise(AND, SIGN_AND_MAGNITUDE).reinterpretAsFloats()
                    .fma(FloatVector.fromArray(F16, xs, j), zero);
            FloatVector t1 = c51.lanewise(LSHL, 16).lanewise(AND, SIGN_AND_MAGNITUDE).reinterpretAsFloats()
                    .fma(FloatVector.fromArray(F16, xs, j + 16), zero);
            t0 = c62.lanewise(LSHL, 16).lanewise(AND, SIGN_AND_MAGNITUDE).reinterpretAsFloats()
                    .fma(FloatVector.fromArray(F16, xs, j + 32), t0);
            t1 = c73.lanewise(LSHL, 16).lanewise(AND, SIGN_AND_MAGNITUDE).reinterpretAsFloats()
                    .fma(FloatVector.fromArray(F16, xs, j + 48), t1);
            t0 = c40.lanewise(AND, SIGN_AND_MAGNITUDE).reinterpretAsFloats().fma(FloatVector.fromArray(F16, xs, j + 64), t0);
            t1 = c51.lanewise(AND, SIGN_AND_MAGNITUDE).reinterpretAsFloats().fma(FloatVector.fromArray(F16, xs, j + 80), t1);
            t0 = c62.lanewise(AND, SIGN_AND_MAGNITUDE).reinterpretAsFloats().fma(FloatVector.fromArray(F16, xs, j + 96), t0);
            t1 = c73.lanewise(AND, SIGN_AND_MAGNITUDE).reinterpretAsFloats().fma(FloatVector.fromArray(F16, xs, j + 112), t1);
            FloatVector scale = IntVector.broadcast(I16, scales.get(VectorMxfp4.SCALES_LE, s))
                    .lanewise(ROL, VectorMxfp4.QUAD_ROTATIONS).lanewise(AND, VectorMxfp4.EXPONENT_FIELD)
                    .lanewise(ADD, SCALE_EXPONENT_OFFSET << 23).reinterpretAsFloats();
            acc = t0.add(t1).fma(scale, acc);
            j += 4 * Mxfp4.BLOCK;
            if (j == rowEnd) {
                out[r++] = acc.reduceLanes(VectorOperators.ADD);
                acc = zero;
                j = 0;
            }
        }
    }

    /**
     * The last block pair of a row (from block g), in the 256-bit layout and order of {@link VectorMxfp4}'s 64-wide rest:
     * one chain, then the scales.
     */
    private static float wideRest(MemorySegment blocks, long bOff, MemorySegment scales, long sOff, int g, float[] xs) {
        FloatVector p = FloatVector.zero(F);
        IntVector v = IntVector.fromMemorySegment(I, blocks, bOff + (long) Mxfp4.BYTES_PER_BLOCK * g, LE);
        int j = Mxfp4.BLOCK * g;
        for (int k = 0; k < 8; k++) {
            p = v.lanewise(LSHL, 28 - 4 * k).lanewise(ASHR, 6).lanewise(AND, SIGN_AND_MAGNITUDE).reinterpretAsFloats()
                    .fma(FloatVector.fromArray(F, xs, j + 8 * k), p);
        }
        FloatVector scale = FloatVector.broadcast(F, SCALE[scales.get(ValueLayout.JAVA_BYTE, sOff + g) & 0xFF])
                .blend(SCALE[scales.get(ValueLayout.JAVA_BYTE, sOff + g + 1) & 0xFF], UPPER_HALF);
        // 0 + the pair's sum, as the table decode's rest adds it: the same sign of a zero sum, so the same bits
        float rest = 0;
        rest += p.mul(scale).reduceLanes(VectorOperators.ADD);
        return rest;
    }
}
