package io.ossserve.engine.cpu;

import io.ossserve.model.DType;
import io.ossserve.model.Matrix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A narrow bf16 matrix (at most {@link #MAX_COLS} columns, e.g. the {@code tiny} test model's 201088 × 64
 * unembedding) repacked once into panels of {@link #P} rows, so that products vectorise across rows:
 * {@code out[t, panel] += w[panel, k] · x[t, k]} with {@code x[t, k]} broadcast. The row-major kernels end every
 * row with a horizontal reduction, and when a row has only 64 elements those reductions cost more than the
 * multiply-adds (a 32-token product of the 201088 × 64 matrix ran at 39 GFLOP/s on a 235 GFLOP/s machine; with
 * panels at 156–165).
 *
 * <p>Layout: for panel p and column pair kk, {@link #P} ints; lane i holds the bf16 bits of
 * {@code w[p·P + i, 2kk]} in its low half and of {@code w[p·P + i, 2kk + 1]} in its high half (as they lie in a
 * little-endian row), so a shift and a mask give the two columns as floats. Rows past the end are zero.
 */
final class Bf16Panels {
    /** Widest matrices repacked: beyond this the row-major kernels' reductions are a small share. */
    static final int MAX_COLS = 256;
    /**
     * Panels taken together while every token passes: 256 KB, a quarter of this machine's L2. Measured for 32 tokens
     * of the 201088 × 64 matrix on 2 threads: 64 KB blocks 7.0 ms, 256 KB 5.0 ms, 512 KB 5.0–5.1 ms, unblocked 5.3 ms
     * (smaller blocks interleave the writes of all 32 output rows).
     */
    private static final int BLOCK_BYTES = 256 << 10;

    private static final VectorSpecies<Float> FW = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> IW = IntVector.SPECIES_PREFERRED;
    /** Rows per panel: the float lanes of the widest species (16 with AVX-512, 8 with AVX2). */
    static final int P = FW.length();
    private static final int HI_MASK = 0xFFFF0000;
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    final int rows;
    final int cols;
    private final int pairs;
    final int panels;
    /** [panels, pairs, P] */
    private final int[] data;

    static boolean suits(Matrix w) {
        return w.dtype() == DType.BF16 && w.cols() % 2 == 0 && w.cols() <= MAX_COLS && w.rows() >= 4 * P;
    }

    Bf16Panels(Matrix w) {
        if (!suits(w)) {
            throw new IllegalArgumentException("matrix '" + w.name() + "' (" + w.dtype() + ", " + w.rows() + " × " + w.cols()
                    + ") does not suit row panels: they take bf16 matrices of an even number of columns up to " + MAX_COLS
                    + " and at least " + 4 * P + " rows");
        }
        rows = w.rows();
        cols = w.cols();
        pairs = cols / 2;
        panels = (rows + P - 1) / P;
        data = new int[panels * pairs * P];
        MemorySegment seg = w.data();
        long rowBytes = w.rowBytes();
        for (int r = 0; r < rows; r++) {
            int base = (r / P) * pairs * P + r % P;
            long off = r * rowBytes;
            for (int kk = 0; kk < pairs; kk++) {
                data[base + kk * P] = seg.get(INT_LE, off + 4L * kk);
            }
        }
    }

    /**
     * {@code out[t·rows + r] = Σ_k w[r, k] · x[t·cols + k]} (or {@code rowsOut[t][r]} when {@code out} is null) for
     * the rows of panels [p0, p1) and every token. Panels
     * are taken in blocks of {@link #BLOCK_BYTES} that stay in L2 while every token passes: groups of 4 tokens meet 2 panels
     * at a time (8 accumulators, 16 FMAs per 2 loads, 4 conversions and 8 broadcasts), the remaining tokens one
     * at a time.
     */
    void multiply(float[] x, int tokens, float[] out, float[][] rowsOut, int p0, int p1) {
        Out o = new Out(out, rowsOut, rows);
        int block = Math.max(2, BLOCK_BYTES / (4 * pairs * P)) & ~1;
        for (int pb = p0; pb < p1; pb += block) {
            int pe = Math.min(p1, pb + block);
            int t = 0;
            for (; t + 4 <= tokens; t += 4) {
                int p = pb;
                for (; p + 2 <= pe; p += 2) {
                    tile2x4(p, x, t, o);
                }
                for (; p < pe; p++) {
                    for (int u = t; u < t + 4; u++) {
                        tile1x1(p, x, u, o);
                    }
                }
            }
            for (; t < tokens; t++) {
                int p = pb;
                for (; p + 2 <= pe; p += 2) {
                    tile2x1(p, x, t, o);
                }
                for (; p < pe; p++) {
                    tile1x1(p, x, t, o);
                }
            }
        }
    }

    private void tile2x4(int p, float[] x, int t, Out out) {
        int a = p * pairs * P, b = a + pairs * P;
        int x0 = t * cols, x1 = x0 + cols, x2 = x1 + cols, x3 = x2 + cols;
        FloatVector c00 = FloatVector.zero(FW), c01 = FloatVector.zero(FW), c02 = FloatVector.zero(FW), c03 = FloatVector.zero(FW);
        FloatVector c10 = FloatVector.zero(FW), c11 = FloatVector.zero(FW), c12 = FloatVector.zero(FW), c13 = FloatVector.zero(FW);
        for (int kk = 0; kk < pairs; kk++) {
            IntVector wa = IntVector.fromArray(IW, data, a + kk * P), wb = IntVector.fromArray(IW, data, b + kk * P);
            FloatVector ae = wa.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), ao = wa.and(HI_MASK).reinterpretAsFloats();
            FloatVector be = wb.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), bo = wb.and(HI_MASK).reinterpretAsFloats();
            int k = 2 * kk;
            FloatVector e = FloatVector.broadcast(FW, x[x0 + k]), o = FloatVector.broadcast(FW, x[x0 + k + 1]);
            c00 = ao.fma(o, ae.fma(e, c00));
            c10 = bo.fma(o, be.fma(e, c10));
            e = FloatVector.broadcast(FW, x[x1 + k]);
            o = FloatVector.broadcast(FW, x[x1 + k + 1]);
            c01 = ao.fma(o, ae.fma(e, c01));
            c11 = bo.fma(o, be.fma(e, c11));
            e = FloatVector.broadcast(FW, x[x2 + k]);
            o = FloatVector.broadcast(FW, x[x2 + k + 1]);
            c02 = ao.fma(o, ae.fma(e, c02));
            c12 = bo.fma(o, be.fma(e, c12));
            e = FloatVector.broadcast(FW, x[x3 + k]);
            o = FloatVector.broadcast(FW, x[x3 + k + 1]);
            c03 = ao.fma(o, ae.fma(e, c03));
            c13 = bo.fma(o, be.fma(e, c13));
        }
        store(c00, out, t, p);
        store(c01, out, t + 1, p);
        store(c02, out, t + 2, p);
        store(c03, out, t + 3, p);
        store(c10, out, t, p + 1);
        store(c11, out, t + 1, p + 1);
        store(c12, out, t + 2, p + 1);
        store(c13, out, t + 3, p + 1);
    }

    /** Two panels against one token (decode): two chains per panel, the weights read once, in order. */
    private void tile2x1(int p, float[] x, int t, Out out) {
        int a = p * pairs * P, b = a + pairs * P, x0 = t * cols;
        FloatVector ca = FloatVector.zero(FW), da = FloatVector.zero(FW), cb = FloatVector.zero(FW), db = FloatVector.zero(FW);
        for (int kk = 0; kk < pairs; kk++) {
            IntVector wa = IntVector.fromArray(IW, data, a + kk * P), wb = IntVector.fromArray(IW, data, b + kk * P);
            FloatVector e = FloatVector.broadcast(FW, x[x0 + 2 * kk]), o = FloatVector.broadcast(FW, x[x0 + 2 * kk + 1]);
            ca = wa.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(e, ca);
            da = wa.and(HI_MASK).reinterpretAsFloats().fma(o, da);
            cb = wb.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(e, cb);
            db = wb.and(HI_MASK).reinterpretAsFloats().fma(o, db);
        }
        store(ca.add(da), out, t, p);
        store(cb.add(db), out, t, p + 1);
    }

    private void tile1x1(int p, float[] x, int t, Out out) {
        int a = p * pairs * P, x0 = t * cols;
        FloatVector c = FloatVector.zero(FW), d = FloatVector.zero(FW);
        for (int kk = 0; kk < pairs; kk++) {
            IntVector wa = IntVector.fromArray(IW, data, a + kk * P);
            c = wa.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.broadcast(FW, x[x0 + 2 * kk]), c);
            d = wa.and(HI_MASK).reinterpretAsFloats().fma(FloatVector.broadcast(FW, x[x0 + 2 * kk + 1]), d);
        }
        store(c.add(d), out, t, p);
    }

    /** Where results go: one [tokens, rows] array, or one array per token. */
    private record Out(float[] flat, float[][] perToken, int rows) {}

    /** Rows of panel p for token t; a last panel that runs past the matrix is stored lane by lane. */
    private void store(FloatVector v, Out o, int t, int p) {
        int r = p * P;
        float[] dst = o.flat() != null ? o.flat() : o.perToken()[t];
        int idx = o.flat() != null ? t * rows + r : r;
        if (r + P <= rows) {
            v.intoArray(dst, idx);
        } else {
            for (int i = 0; r + i < rows; i++) {
                dst[idx + i] = v.lane(i);
            }
        }
    }
}
