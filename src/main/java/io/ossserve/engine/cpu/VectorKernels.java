package io.ossserve.engine.cpu;

import io.ossserve.model.DType;
import io.ossserve.model.Matrix;
import io.ossserve.model.Mxfp4;
import io.ossserve.model.Mxfp4Experts;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels (256-bit: 8 float lanes). Weights are decoded in registers, never expanded in memory:
 * <ul>
 * <li>BF16: one 256-bit int load holds 16 bf16 values; {@code lane << 16} is the even element and
 *     {@code lane & 0xFFFF0000} the odd one, so the input vector is split once per call into its even and
 *     odd elements ({@code xe}, {@code xo}) and no shuffle is needed in the inner loop.</li>
 * <li>MXFP4: a 16-byte block holds 32 codes, even elements in the low nibbles and odd ones in the high
 *     nibbles — the same even/odd split. A byte table lookup maps codes to 2·value (exact small integers),
 *     widened to floats and multiplied by the block scale / 2.</li>
 * </ul>
 * Rows are split across threads; prefill multiplies each decoded weight vector with up to 4 tokens.
 */
public final class VectorKernels implements CpuKernels {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_128;
    private static final int L = F.length();            // 8 float lanes
    private static final int BF16_STEP = 2 * L;         // 16 bf16 values per int vector
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int HI_MASK = 0xFFFF0000;

    /** E2M1 code → 2·value as a signed byte (exact). */
    private static final ByteVector FP4_TIMES2 = ByteVector.fromArray(B,
            new byte[] {0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12}, 0);
    /** E8M0 byte → 2^(s-127) / 2 (the table above holds doubled values). */
    private static final float[] HALF_SCALE = new float[256];

    static {
        for (int s = 0; s < 256; s++) {
            HALF_SCALE[s] = Mxfp4.scale(s) * 0.5f;
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
        parallel.forRange(rows, 64, (r0, r1) -> {
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
        parallel.forRange(rows, 64, (r0, r1) -> {
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
        int rows = w.rows(), cols = w.cols(), half = cols / 2, nb = w.blocksPerRow();
        float[] xe = new float[tokens * half];
        float[] xo = new float[tokens * half];
        split(x, tokens, cols, xe, xo);
        MemorySegment blocks = w.blocks(), scales = w.scales();
        parallel.forRange(rows, 32, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                long bOff = w.blockOffset(expert, r);
                long sOff = w.scaleOffset(expert, r);
                int t = 0;
                for (; t + 4 <= tokens; t += 4) {
                    mxfp4Row4(blocks, bOff, scales, sOff, nb, xe, xo, t * half, half, out, t * rows + r, rows);
                }
                for (; t < tokens; t++) {
                    out[t * rows + r] = mxfp4Row1(blocks, bOff, scales, sOff, nb, xe, xo, t * half);
                }
            }
        });
    }

    private static float mxfp4Row1(MemorySegment blocks, long bOff, MemorySegment scales, long sOff, int nb,
            float[] xe, float[] xo, int xOff) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
        for (int g = 0; g < nb; g++) {
            ByteVector codes = ByteVector.fromMemorySegment(B, blocks, bOff + 16L * g, LE);
            VectorShuffle<Byte> loIdx = codes.and((byte) 0x0F).toShuffle();
            VectorShuffle<Byte> hiIdx = codes.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F).toShuffle();
            ByteVector lo = FP4_TIMES2.rearrange(loIdx);
            ByteVector hi = FP4_TIMES2.rearrange(hiIdx);
            FloatVector s = FloatVector.broadcast(F, HALF_SCALE[scales.get(ValueLayout.JAVA_BYTE, sOff + g) & 0xFF]);
            int j = xOff + 16 * g;
            FloatVector lo0 = ((FloatVector) lo.convertShape(VectorOperators.B2F, F, 0)).mul(s);
            FloatVector lo1 = ((FloatVector) lo.convertShape(VectorOperators.B2F, F, 1)).mul(s);
            FloatVector hi0 = ((FloatVector) hi.convertShape(VectorOperators.B2F, F, 0)).mul(s);
            FloatVector hi1 = ((FloatVector) hi.convertShape(VectorOperators.B2F, F, 1)).mul(s);
            a0 = lo0.fma(FloatVector.fromArray(F, xe, j), a0);
            a1 = lo1.fma(FloatVector.fromArray(F, xe, j + L), a1);
            a0 = hi0.fma(FloatVector.fromArray(F, xo, j), a0);
            a1 = hi1.fma(FloatVector.fromArray(F, xo, j + L), a1);
        }
        return a0.add(a1).reduceLanes(VectorOperators.ADD);
    }

    /** One row against four tokens: each block is decoded once and used four times. */
    private static void mxfp4Row4(MemorySegment blocks, long bOff, MemorySegment scales, long sOff, int nb,
            float[] xe, float[] xo, int xOff, int half, float[] out, int outIdx, int rows) {
        FloatVector c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), c2 = FloatVector.zero(F), c3 = FloatVector.zero(F);
        for (int g = 0; g < nb; g++) {
            ByteVector codes = ByteVector.fromMemorySegment(B, blocks, bOff + 16L * g, LE);
            ByteVector lo = FP4_TIMES2.rearrange(codes.and((byte) 0x0F).toShuffle());
            ByteVector hi = FP4_TIMES2.rearrange(codes.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F).toShuffle());
            FloatVector s = FloatVector.broadcast(F, HALF_SCALE[scales.get(ValueLayout.JAVA_BYTE, sOff + g) & 0xFF]);
            FloatVector lo0 = ((FloatVector) lo.convertShape(VectorOperators.B2F, F, 0)).mul(s);
            FloatVector lo1 = ((FloatVector) lo.convertShape(VectorOperators.B2F, F, 1)).mul(s);
            FloatVector hi0 = ((FloatVector) hi.convertShape(VectorOperators.B2F, F, 0)).mul(s);
            FloatVector hi1 = ((FloatVector) hi.convertShape(VectorOperators.B2F, F, 1)).mul(s);
            int j = xOff + 16 * g;
            c0 = dot4(lo0, lo1, hi0, hi1, xe, xo, j, c0);
            c1 = dot4(lo0, lo1, hi0, hi1, xe, xo, j + half, c1);
            c2 = dot4(lo0, lo1, hi0, hi1, xe, xo, j + 2 * half, c2);
            c3 = dot4(lo0, lo1, hi0, hi1, xe, xo, j + 3 * half, c3);
        }
        out[outIdx] = c0.reduceLanes(VectorOperators.ADD);
        out[outIdx + rows] = c1.reduceLanes(VectorOperators.ADD);
        out[outIdx + 2 * rows] = c2.reduceLanes(VectorOperators.ADD);
        out[outIdx + 3 * rows] = c3.reduceLanes(VectorOperators.ADD);
    }

    private static FloatVector dot4(FloatVector lo0, FloatVector lo1, FloatVector hi0, FloatVector hi1,
            float[] xe, float[] xo, int j, FloatVector acc) {
        acc = lo0.fma(FloatVector.fromArray(F, xe, j), acc);
        acc = lo1.fma(FloatVector.fromArray(F, xe, j + L), acc);
        acc = hi0.fma(FloatVector.fromArray(F, xo, j), acc);
        return hi1.fma(FloatVector.fromArray(F, xo, j + L), acc);
    }

    // ---- small vector ops ---------------------------------------------------------------------------

    @Override
    public float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i + L <= n; i += L) {
            acc = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
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
}
