package io.ossserve.engine.cpu;

import io.ossserve.model.DType;
import io.ossserve.model.Matrix;
import io.ossserve.model.Mxfp4;
import io.ossserve.model.Mxfp4Experts;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels (256-bit: 8 float lanes). Weights are decoded in registers, never expanded in memory:
 * <ul>
 * <li>BF16: one 256-bit int load holds 16 bf16 values; {@code lane << 16} is the even element and
 *     {@code lane & 0xFFFF0000} the odd one, so the input vector is split once per call into its even and
 *     odd elements ({@code xe}, {@code xo}) and no shuffle is needed in the inner loop.</li>
 * <li>MXFP4: codes are decoded in int lanes (8 codes per int) by a lane permute against an 8-entry
 *     float table plus a sign bit; two blocks per 256-bit load, each block's scale applied once.</li>
 * </ul>
 * Rows are split across threads; prefill multiplies each decoded weight vector with up to 4 tokens.
 */
public final class VectorKernels implements CpuKernels {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    private static final int L = F.length();            // 8 float lanes
    private static final int BF16_STEP = 2 * L;         // 16 bf16 values per int vector
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int HI_MASK = 0xFFFF0000;

    /** E8M0 byte → 2^(s-127). */
    private static final float[] SCALE = new float[256];

    static {
        for (int s = 0; s < 256; s++) {
            SCALE[s] = Mxfp4.scale(s);
        }
    }

    private final Parallel parallel;

    public VectorKernels(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public String name() {
        return "vector-" + F.vectorBitSize();
    }

    /** Rows per parallel piece so that each piece streams at least 64 KB of weights. */
    static int grain(long rowBytes) {
        return (int) Math.max(4, (64 << 10) / Math.max(1, rowBytes));
    }

    // ---- input preparation ------------------------------------------------------------------------

    /** Splits x [tokens, cols] into its even and odd elements: xe/xo [tokens, cols/2]. */
    private static void split(float[] x, int tokens, int cols, float[] xe, float[] xo) {
        int half = cols / 2;
        for (int t = 0; t < tokens; t++) {
            int src = t * cols, dst = t * half;
            for (int j = 0; j < half; j++) {
                xe[dst + j] = x[src + 2 * j];
                xo[dst + j] = x[src + 2 * j + 1];
            }
        }
    }

    // ---- dense matrices ---------------------------------------------------------------------------

    @Override
    public void matmul(Matrix w, float[] x, int tokens, float[] out) {
        if (w.dtype() != DType.BF16 || w.cols() % 2 != 0) {
            matmulF32(w, x, tokens, out);
            return;
        }
        int rows = w.rows(), cols = w.cols(), half = cols / 2;
        float[] xe = new float[tokens * half];
        float[] xo = new float[tokens * half];
        split(x, tokens, cols, xe, xo);
        MemorySegment seg = w.data();
        long rowBytes = w.rowBytes();
        int vecEnd = cols / BF16_STEP * BF16_STEP;
        parallel.forRange(rows, grain(rowBytes), (r0, r1) -> {
            int t = 0;
            for (; t + 4 <= tokens; t += 4) {
                int r = r0;
                for (; r + 2 <= r1; r += 2) {
                    bf16Tile2x4(seg, r, rowBytes, xe, xo, t, half, vecEnd, cols, rows, out);
                }
                for (; r < r1; r++) {
                    for (int u = t; u < t + 4; u++) {
                        out[u * rows + r] = bf16Dot(seg, r * rowBytes, xe, xo, u * half, vecEnd, cols);
                    }
                }
            }
            for (; t < tokens; t++) {
                int r = r0;
                for (; r + 4 <= r1; r += 4) {
                    bf16Tile4x1(seg, r, rowBytes, xe, xo, t * half, vecEnd, cols, out, t * rows);
                }
                for (; r < r1; r++) {
                    out[t * rows + r] = bf16Dot(seg, r * rowBytes, xe, xo, t * half, vecEnd, cols);
                }
            }
        });
    }

    private static float bf16Tail(MemorySegment seg, long rowOff, float[] xe, float[] xo, int xOff, int from, int cols) {
        float s = 0;
        for (int k = from; k < cols; k += 2) {
            int bits = seg.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE), rowOff + 2L * k);
            s += Float.intBitsToFloat(bits << 16) * xe[xOff + k / 2] + Float.intBitsToFloat(bits & HI_MASK) * xo[xOff + k / 2];
        }
        return s;
    }

    private static float bf16Dot(MemorySegment seg, long rowOff, float[] xe, float[] xo, int xOff, int vecEnd, int cols) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
        for (int k = 0; k < vecEnd; k += BF16_STEP) {
            IntVector w = IntVector.fromMemorySegment(I, seg, rowOff + 2L * k, LE);
            int j = xOff + k / 2;
            a0 = w.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, xe, j), a0);
            a1 = w.and(HI_MASK).reinterpretAsFloats().fma(FloatVector.fromArray(F, xo, j), a1);
        }
        return a0.add(a1).reduceLanes(VectorOperators.ADD) + bf16Tail(seg, rowOff, xe, xo, xOff, vecEnd, cols);
    }

    /** Four consecutive rows against one token (decode: bandwidth-bound, eight independent accumulators). */
    private static void bf16Tile4x1(MemorySegment seg, int r, long rowBytes, float[] xe, float[] xo, int xOff,
            int vecEnd, int cols, float[] out, int outOff) {
        long o0 = r * rowBytes, o1 = o0 + rowBytes, o2 = o1 + rowBytes, o3 = o2 + rowBytes;
        FloatVector a0 = FloatVector.zero(F), b0 = FloatVector.zero(F), a1 = FloatVector.zero(F), b1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F), b2 = FloatVector.zero(F), a3 = FloatVector.zero(F), b3 = FloatVector.zero(F);
        for (int k = 0; k < vecEnd; k += BF16_STEP) {
            int j = xOff + k / 2;
            long kb = 2L * k;
            FloatVector e = FloatVector.fromArray(F, xe, j);
            FloatVector d = FloatVector.fromArray(F, xo, j);
            IntVector w0 = IntVector.fromMemorySegment(I, seg, o0 + kb, LE);
            IntVector w1 = IntVector.fromMemorySegment(I, seg, o1 + kb, LE);
            IntVector w2 = IntVector.fromMemorySegment(I, seg, o2 + kb, LE);
            IntVector w3 = IntVector.fromMemorySegment(I, seg, o3 + kb, LE);
            a0 = w0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(e, a0);
            b0 = w0.and(HI_MASK).reinterpretAsFloats().fma(d, b0);
            a1 = w1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(e, a1);
            b1 = w1.and(HI_MASK).reinterpretAsFloats().fma(d, b1);
            a2 = w2.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(e, a2);
            b2 = w2.and(HI_MASK).reinterpretAsFloats().fma(d, b2);
            a3 = w3.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(e, a3);
            b3 = w3.and(HI_MASK).reinterpretAsFloats().fma(d, b3);
        }
        out[outOff + r] = a0.add(b0).reduceLanes(VectorOperators.ADD) + bf16Tail(seg, o0, xe, xo, xOff, vecEnd, cols);
        out[outOff + r + 1] = a1.add(b1).reduceLanes(VectorOperators.ADD) + bf16Tail(seg, o1, xe, xo, xOff, vecEnd, cols);
        out[outOff + r + 2] = a2.add(b2).reduceLanes(VectorOperators.ADD) + bf16Tail(seg, o2, xe, xo, xOff, vecEnd, cols);
        out[outOff + r + 3] = a3.add(b3).reduceLanes(VectorOperators.ADD) + bf16Tail(seg, o3, xe, xo, xOff, vecEnd, cols);
    }

    /** Two rows against four tokens (prefill: each decoded weight vector feeds four FMAs). */
    private static void bf16Tile2x4(MemorySegment seg, int r, long rowBytes, float[] xe, float[] xo, int t, int half,
            int vecEnd, int cols, int rows, float[] out) {
        long o0 = r * rowBytes, o1 = o0 + rowBytes;
        int x0 = t * half, x1 = x0 + half, x2 = x1 + half, x3 = x2 + half;
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F), c02 = FloatVector.zero(F), c03 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F), c12 = FloatVector.zero(F), c13 = FloatVector.zero(F);
        for (int k = 0; k < vecEnd; k += BF16_STEP) {
            int j = k / 2;
            long kb = 2L * k;
            IntVector w0 = IntVector.fromMemorySegment(I, seg, o0 + kb, LE);
            IntVector w1 = IntVector.fromMemorySegment(I, seg, o1 + kb, LE);
            FloatVector e0 = w0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector d0 = w0.and(HI_MASK).reinterpretAsFloats();
            FloatVector e1 = w1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector d1 = w1.and(HI_MASK).reinterpretAsFloats();
            FloatVector xe0 = FloatVector.fromArray(F, xe, x0 + j), xo0 = FloatVector.fromArray(F, xo, x0 + j);
            c00 = d0.fma(xo0, e0.fma(xe0, c00));
            c10 = d1.fma(xo0, e1.fma(xe0, c10));
            FloatVector xe1 = FloatVector.fromArray(F, xe, x1 + j), xo1 = FloatVector.fromArray(F, xo, x1 + j);
            c01 = d0.fma(xo1, e0.fma(xe1, c01));
            c11 = d1.fma(xo1, e1.fma(xe1, c11));
            FloatVector xe2 = FloatVector.fromArray(F, xe, x2 + j), xo2 = FloatVector.fromArray(F, xo, x2 + j);
            c02 = d0.fma(xo2, e0.fma(xe2, c02));
            c12 = d1.fma(xo2, e1.fma(xe2, c12));
            FloatVector xe3 = FloatVector.fromArray(F, xe, x3 + j), xo3 = FloatVector.fromArray(F, xo, x3 + j);
            c03 = d0.fma(xo3, e0.fma(xe3, c03));
            c13 = d1.fma(xo3, e1.fma(xe3, c13));
        }
        out[t * rows + r] = c00.reduceLanes(VectorOperators.ADD) + bf16Tail(seg, o0, xe, xo, x0, vecEnd, cols);
        out[(t + 1) * rows + r] = c01.reduceLanes(VectorOperators.ADD) + bf16Tail(seg, o0, xe, xo, x1, vecEnd, cols);
        out[(t + 2) * rows + r] = c02.reduceLanes(VectorOperators.ADD) + bf16Tail(seg, o0, xe, xo, x2, vecEnd, cols);
        out[(t + 3) * rows + r] = c03.reduceLanes(VectorOperators.ADD) + bf16Tail(seg, o0, xe, xo, x3, vecEnd, cols);
        out[t * rows + r + 1] = c10.reduceLanes(VectorOperators.ADD) + bf16Tail(seg, o1, xe, xo, x0, vecEnd, cols);
        out[(t + 1) * rows + r + 1] = c11.reduceLanes(VectorOperators.ADD) + bf16Tail(seg, o1, xe, xo, x1, vecEnd, cols);
        out[(t + 2) * rows + r + 1] = c12.reduceLanes(VectorOperators.ADD) + bf16Tail(seg, o1, xe, xo, x2, vecEnd, cols);
        out[(t + 3) * rows + r + 1] = c13.reduceLanes(VectorOperators.ADD) + bf16Tail(seg, o1, xe, xo, x3, vecEnd, cols);
    }

    /** F32 matrices (rare: some converted checkpoints): one row, one token at a time. */
    private void matmulF32(Matrix w, float[] x, int tokens, float[] out) {
        int rows = w.rows(), cols = w.cols();
        MemorySegment seg = w.data();
        int vecEnd = cols / L * L;
        parallel.forRange(rows, grain(w.rowBytes()), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                long rowOff = r * w.rowBytes();
                for (int t = 0; t < tokens; t++) {
                    FloatVector acc = FloatVector.zero(F);
                    int xOff = t * cols;
                    for (int k = 0; k < vecEnd; k += L) {
                        acc = FloatVector.fromMemorySegment(F, seg, rowOff + 4L * k, LE).fma(FloatVector.fromArray(F, x, xOff + k), acc);
                    }
                    float s = acc.reduceLanes(VectorOperators.ADD);
                    for (int k = vecEnd; k < cols; k++) {
                        s += w.get(r, k) * x[xOff + k];
                    }
                    out[t * rows + r] = s;
                }
            }
        });
    }

    // ---- MXFP4 experts ----------------------------------------------------------------------------

    @Override
    public void matmulMxfp4(Mxfp4Experts w, int expert, float[] x, int tokens, float[] out) {
        int rows = w.rows(), cols = w.cols(), nb = w.blocksPerRow();
        float[] x8 = new float[tokens * cols];
        for (int t = 0; t < tokens; t++) {
            interleave8(x, t * cols, cols, x8, t * cols);
        }
        MemorySegment blocks = w.blocks(), scales = w.scales();
        if (tokens >= TILED_MIN_TOKENS && nb % 2 == 0) {
            parallel.forRange(rows, 4, (r0, r1) -> mxfp4Tiled(w, expert, x8, tokens, out, r0, r1));
            return;
        }
        parallel.forRange(rows, grain(Mxfp4.rowBytes(cols) * Math.max(1, tokens / 4)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                long bOff = w.blockOffset(expert, r);
                long sOff = w.scaleOffset(expert, r);
                int t = 0;
                for (; t + 4 <= tokens; t += 4) {
                    mxfp4Row4(blocks, bOff, scales, sOff, nb, x8, t * cols, cols, out, t * rows + r, rows);
                }
                for (; t < tokens; t++) {
                    out[t * rows + r] = mxfp4Row1(blocks, bOff, scales, sOff, nb, x8, t * cols);
                }
            }
        });
    }

    /*
     * MXFP4 in int lanes. An int holds 8 codes of 8 consecutive elements (byte j: element 2j low nibble,
     * 2j+1 high nibble), so code k of int lane i is element 8i + k. Eight lanes (32 bytes) cover two
     * blocks: lanes 0-3 block g, lanes 4-7 block g+1. For each k, (w >>> 4k) selects from an 8-entry float
     * table by its low 3 bits (the index wraps) and the sign is bit 4k+3 moved to bit 31. The input is
     * re-laid out once per call so that x8[64·g2 + 8k + i] = x[64·g2 + 8i + k].
     */

    /** x8[off + 64·g + 8k + i] = x[off + 64·g + 8i + k] for each 64-wide group; a 32-wide tail stays as is. */
    private static void interleave8(float[] x, int xOff, int cols, float[] x8, int outOff) {
        int groups = cols / 64;
        for (int g = 0; g < groups; g++) {
            int base = g * 64;
            for (int i = 0; i < 8; i++) {
                for (int k = 0; k < 8; k++) {
                    x8[outOff + base + 8 * k + i] = x[xOff + base + 8 * i + k];
                }
            }
        }
        System.arraycopy(x, xOff + groups * 64, x8, outOff + groups * 64, cols - groups * 64);
    }

    /**
     * The magnitude table, pre-XORed with the nibble's own low bits placed at bits 28-30: a code c is decoded as
     * {@code table[c & 7] ^ (c << 28)}, which both cancels those bits and moves the sign bit (bit 3 of the
     * nibble) into the float's sign. Three vector operations per 8 codes besides the shift that selects them.
     */
    private static final IntVector FP4_TABLE = IntVector.fromArray(I, fp4Table(), 0);
    private static final jdk.incubator.vector.VectorMask<Float> UPPER_HALF =
            jdk.incubator.vector.VectorMask.fromLong(F, 0xF0);

    private static int[] fp4Table() {
        int[] t = new int[8];
        for (int c = 0; c < 8; c++) {
            t[c] = Float.floatToRawIntBits(Mxfp4.FP4_VALUES[c]) ^ (c << 28);
        }
        return t;
    }

    /** Code k of every lane of {@code w} as a float (lane permute on its low 3 bits, then one XOR). */
    private static FloatVector code(IntVector w, int k) {
        IntVector nibble = k == 0 ? w : w.lanewise(VectorOperators.LSHR, 4 * k);   // code k in the low 4 bits
        IntVector fixup = nibble.lanewise(VectorOperators.LSHL, 28);                 // those 4 bits at 28-31
        return nibble.selectFrom(FP4_TABLE).lanewise(VectorOperators.XOR, fixup).reinterpretAsFloats();
    }

    private static FloatVector pairScale(MemorySegment scales, long sOff, int g) {
        float s0 = SCALE[scales.get(ValueLayout.JAVA_BYTE, sOff + g) & 0xFF];
        float s1 = SCALE[scales.get(ValueLayout.JAVA_BYTE, sOff + g + 1) & 0xFF];
        return FloatVector.broadcast(F, s0).blend(s1, UPPER_HALF);
    }

    private static float mxfp4Row1(MemorySegment blocks, long bOff, MemorySegment scales, long sOff, int nb,
            float[] x8, int xOff) {
        FloatVector acc = FloatVector.zero(F);
        int g = 0;
        for (; g + 2 <= nb; g += 2) {
            IntVector w = IntVector.fromMemorySegment(I, blocks, bOff + 16L * g, LE);
            int j = xOff + 32 * g;
            FloatVector t0 = FloatVector.zero(F), t1 = FloatVector.zero(F);
            for (int k = 0; k < 8; k += 2) {
                t0 = code(w, k).fma(FloatVector.fromArray(F, x8, j + 8 * k), t0);
                t1 = code(w, k + 1).fma(FloatVector.fromArray(F, x8, j + 8 * k + 8), t1);
            }
            acc = t0.add(t1).fma(pairScale(scales, sOff, g), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        if (g < nb) {
            sum += lastBlock(blocks, bOff, scales, sOff, g, x8, xOff);
        }
        return sum;
    }

    /** One row against four tokens: each pair of blocks is decoded once and used four times. */
    private static void mxfp4Row4(MemorySegment blocks, long bOff, MemorySegment scales, long sOff, int nb,
            float[] x8, int xOff, int cols, float[] out, int outIdx, int rows) {
        FloatVector c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), c2 = FloatVector.zero(F), c3 = FloatVector.zero(F);
        int g = 0;
        for (; g + 2 <= nb; g += 2) {
            IntVector w = IntVector.fromMemorySegment(I, blocks, bOff + 16L * g, LE);
            int j = xOff + 32 * g;
            FloatVector t0 = FloatVector.zero(F), t1 = FloatVector.zero(F), t2 = FloatVector.zero(F), t3 = FloatVector.zero(F);
            for (int k = 0; k < 8; k++) {
                FloatVector f = code(w, k);
                int jk = j + 8 * k;
                t0 = f.fma(FloatVector.fromArray(F, x8, jk), t0);
                t1 = f.fma(FloatVector.fromArray(F, x8, jk + cols), t1);
                t2 = f.fma(FloatVector.fromArray(F, x8, jk + 2 * cols), t2);
                t3 = f.fma(FloatVector.fromArray(F, x8, jk + 3 * cols), t3);
            }
            FloatVector sc = pairScale(scales, sOff, g);
            c0 = t0.fma(sc, c0);
            c1 = t1.fma(sc, c1);
            c2 = t2.fma(sc, c2);
            c3 = t3.fma(sc, c3);
        }
        float[] sums = {c0.reduceLanes(VectorOperators.ADD), c1.reduceLanes(VectorOperators.ADD),
                c2.reduceLanes(VectorOperators.ADD), c3.reduceLanes(VectorOperators.ADD)};
        for (int u = 0; u < 4; u++) {
            if (g < nb) {
                sums[u] += lastBlock(blocks, bOff, scales, sOff, g, x8, xOff + u * cols);
            }
            out[outIdx + u * rows] = sums[u];
        }
    }

    /** From this many tokens on, rows are dequantised once into a small float tile and multiplied densely. */
    static final int TILED_MIN_TOKENS = 8;

    /**
     * Prefill path: two rows at a time are decoded (scales applied) into a float tile in the interleaved
     * input layout, then multiplied with all tokens by 2×4 register tiles of plain FMAs.
     */
    private static void mxfp4Tiled(Mxfp4Experts w, int expert, float[] x8, int tokens, float[] out, int r0, int r1) {
        int cols = w.cols(), nb = w.blocksPerRow(), rows = w.rows();
        float[] tile = new float[2 * cols];
        for (int r = r0; r < r1; r += 2) {
            int nr = Math.min(2, r1 - r);
            for (int i = 0; i < nr; i++) {
                dequantRow(w.blocks(), w.blockOffset(expert, r + i), w.scales(), w.scaleOffset(expert, r + i), nb, tile, i * cols);
            }
            int t = 0;
            if (nr == 2) {
                for (; t + 4 <= tokens; t += 4) {
                    f32Tile2x4(tile, cols, x8, t * cols, out, t * rows + r, rows);
                }
            }
            for (; t < tokens; t++) {
                for (int i = 0; i < nr; i++) {
                    out[t * rows + r + i] = f32Dot(tile, i * cols, x8, t * cols, cols);
                }
            }
        }
    }

    private static void dequantRow(MemorySegment blocks, long bOff, MemorySegment scales, long sOff, int nb, float[] dst, int off) {
        for (int g = 0; g < nb; g += 2) {
            IntVector w = IntVector.fromMemorySegment(I, blocks, bOff + 16L * g, LE);
            FloatVector sc = pairScale(scales, sOff, g);
            int j = off + 32 * g;
            for (int k = 0; k < 8; k++) {
                code(w, k).mul(sc).intoArray(dst, j + 8 * k);
            }
        }
    }

    private static float f32Dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector c0 = FloatVector.zero(F), c1 = FloatVector.zero(F);
        int k = 0;
        for (; k + 2 * L <= n; k += 2 * L) {
            c0 = FloatVector.fromArray(F, a, ao + k).fma(FloatVector.fromArray(F, b, bo + k), c0);
            c1 = FloatVector.fromArray(F, a, ao + k + L).fma(FloatVector.fromArray(F, b, bo + k + L), c1);
        }
        float s = c0.add(c1).reduceLanes(VectorOperators.ADD);
        for (; k < n; k++) {
            s += a[ao + k] * b[bo + k];
        }
        return s;
    }

    /** Two weight rows (tile) against four token rows (x8), n = cols, a multiple of 64 here. */
    private static void f32Tile2x4(float[] tile, int n, float[] x, int xOff, float[] out, int outIdx, int rows) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F), c02 = FloatVector.zero(F), c03 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F), c12 = FloatVector.zero(F), c13 = FloatVector.zero(F);
        for (int k = 0; k < n; k += L) {
            FloatVector w0 = FloatVector.fromArray(F, tile, k), w1 = FloatVector.fromArray(F, tile, n + k);
            FloatVector x0 = FloatVector.fromArray(F, x, xOff + k);
            c00 = w0.fma(x0, c00);
            c10 = w1.fma(x0, c10);
            FloatVector x1 = FloatVector.fromArray(F, x, xOff + n + k);
            c01 = w0.fma(x1, c01);
            c11 = w1.fma(x1, c11);
            FloatVector x2 = FloatVector.fromArray(F, x, xOff + 2 * n + k);
            c02 = w0.fma(x2, c02);
            c12 = w1.fma(x2, c12);
            FloatVector x3 = FloatVector.fromArray(F, x, xOff + 3 * n + k);
            c03 = w0.fma(x3, c03);
            c13 = w1.fma(x3, c13);
        }
        out[outIdx] = c00.reduceLanes(VectorOperators.ADD);
        out[outIdx + rows] = c01.reduceLanes(VectorOperators.ADD);
        out[outIdx + 2 * rows] = c02.reduceLanes(VectorOperators.ADD);
        out[outIdx + 3 * rows] = c03.reduceLanes(VectorOperators.ADD);
        out[outIdx + 1] = c10.reduceLanes(VectorOperators.ADD);
        out[outIdx + rows + 1] = c11.reduceLanes(VectorOperators.ADD);
        out[outIdx + 2 * rows + 1] = c12.reduceLanes(VectorOperators.ADD);
        out[outIdx + 3 * rows + 1] = c13.reduceLanes(VectorOperators.ADD);
    }

    /** An odd last block (its 32 inputs are not interleaved): scalar. */
    private static float lastBlock(MemorySegment blocks, long bOff, MemorySegment scales, long sOff, int g,
            float[] x8, int xOff) {
        float s = 0;
        for (int j = 0; j < Mxfp4.BYTES_PER_BLOCK; j++) {
            int b = blocks.get(ValueLayout.JAVA_BYTE, bOff + 16L * g + j) & 0xFF;
            s += Mxfp4.low(b) * x8[xOff + 32 * g + 2 * j] + Mxfp4.high(b) * x8[xOff + 32 * g + 2 * j + 1];
        }
        return s * SCALE[scales.get(ValueLayout.JAVA_BYTE, sOff + g) & 0xFF];
    }

    // ---- small vector ops ---------------------------------------------------------------------------

    @Override
    public void swiglu(float[] h, float[] bias, int biasOff, int tokens, int inter, float alpha, float limit, float[] out) {
        float[] gate = new float[inter], lin = new float[inter];
        for (int t = 0; t < tokens; t++) {
            int hOff = t * 2 * inter;
            for (int j = 0; j < inter; j++) {                      // de-interleave and add the bias
                gate[j] = h[hOff + 2 * j] + bias[biasOff + 2 * j];
                lin[j] = h[hOff + 2 * j + 1] + bias[biasOff + 2 * j + 1];
            }
            int j = 0;
            for (; j + L <= inter; j += L) {
                FloatVector g = FloatVector.fromArray(F, gate, j).min(limit);
                FloatVector l = FloatVector.fromArray(F, lin, j).max(-limit).min(limit);
                FloatVector sig = FloatVector.broadcast(F, 1f).div(g.mul(-alpha).lanewise(VectorOperators.EXP).add(1f));
                g.mul(sig).mul(l.add(1f)).intoArray(out, t * inter + j);
            }
            for (; j < inter; j++) {
                float g = Math.min(gate[j], limit);
                float l = Math.max(-limit, Math.min(lin[j], limit));
                out[t * inter + j] = g * (float) (1.0 / (1.0 + Math.exp(-alpha * g))) * (l + 1f);
            }
        }
    }

    @Override
    public float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector acc = FloatVector.zero(F), acc2 = FloatVector.zero(F);   // two chains: head_dim 64 is 8 steps
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            acc = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc);
            acc2 = FloatVector.fromArray(F, a, ao + i + L).fma(FloatVector.fromArray(F, b, bo + i + L), acc2);
        }
        for (; i + L <= n; i += L) {
            acc = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc);
        }
        float s = acc.add(acc2).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }

    @Override
    public void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        FloatVector va = FloatVector.broadcast(F, alpha);
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector.fromArray(F, x, xo + i).fma(va, FloatVector.fromArray(F, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] += alpha * x[xo + i];
        }
    }

    // ---- calibration ------------------------------------------------------------------------------

    @Override
    public double streamReadGBs(long bytes, int repeats) {
        long chunk = 4L << 20;
        long n = Math.max(1, bytes / chunk);
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofShared()) {
            MemorySegment seg = arena.allocate(n * chunk, 64);
            seg.fill((byte) 0x3F);
            float[] sink = new float[(int) n];
            return Calibration.bestRate(repeats, 0, (double) n * chunk, () -> parallel.forRange((int) n, 1, (from, to) -> {
                for (int c = from; c < to; c++) {
                    long base = c * chunk;
                    FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
                    for (long off = 0; off < chunk; off += 4L * 4 * L) {
                        a0 = a0.add(FloatVector.fromMemorySegment(F, seg, base + off, LE));
                        a1 = a1.add(FloatVector.fromMemorySegment(F, seg, base + off + 4L * L, LE));
                        a2 = a2.add(FloatVector.fromMemorySegment(F, seg, base + off + 8L * L, LE));
                        a3 = a3.add(FloatVector.fromMemorySegment(F, seg, base + off + 12L * L, LE));
                    }
                    sink[c] = a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
                }
            }));
        }
    }

    @Override
    public double fmaGflops(long millis) {
        int threads = parallel.threads();
        long iters = 1 << 16;
        float[] sink = new float[threads];
        return Calibration.bestRate(1, millis, threads * iters * 10.0 * L * 2, () -> parallel.forRange(threads, 1, (from, to) -> {
            for (int t = from; t < to; t++) {
                FloatVector b = FloatVector.broadcast(F, 0.999f), c = FloatVector.broadcast(F, 1e-3f);
                FloatVector a0 = b, a1 = c, a2 = b, a3 = c, a4 = b, a5 = c, a6 = b, a7 = c, a8 = b, a9 = c;
                for (long i = 0; i < iters; i++) {
                    a0 = a0.fma(b, c); a1 = a1.fma(b, c); a2 = a2.fma(b, c); a3 = a3.fma(b, c); a4 = a4.fma(b, c);
                    a5 = a5.fma(b, c); a6 = a6.fma(b, c); a7 = a7.fma(b, c); a8 = a8.fma(b, c); a9 = a9.fma(b, c);
                }
                sink[t] = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9)
                        .reduceLanes(VectorOperators.ADD);
            }
        }));
    }
}
