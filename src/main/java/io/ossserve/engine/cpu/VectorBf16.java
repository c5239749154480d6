package io.ossserve.engine.cpu;

import io.ossserve.model.Matrix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The bf16 kernels of {@link VectorKernels}: batch-1 rows as four streams ({@link #decodeRows}), 2×4 dot-product
 * tiles for a few tokens ({@link #tile2x4}), and the column-tile fill for prefill ({@link #columns}). A bf16 pair is
 * one int: {@code lane << 16} is the even element, {@code lane & 0xFFFF0000} the odd one, so the input is split into
 * its even and odd elements ({@code xe}, {@code xo}) once per call. Static and stateless; {@link VectorKernels}
 * splits the rows across threads.
 */
final class VectorBf16 {
    private VectorBf16() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    private static final int L = F.length();            // 8 float lanes
    private static final VectorSpecies<Float> FW = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> IW = IntVector.SPECIES_PREFERRED;
    /** bf16 values per widest int vector. */
    static final int WIDE_BF16_STEP = 2 * IW.length();
    /** bf16 values per 256-bit int vector. */
    static final int BF16_STEP = 2 * L;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int HI_MASK = 0xFFFF0000;
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);

    /**
     * Rows [r0, r1) of a bf16 matrix against all tokens through {@link ColumnTiles}: each tile's rows are copied out
     * (bulk copies), and one int (two bf16 values) of a vector's worth of rows at a time is gathered into the int
     * lanes, so that {@code lane << 16} and {@code lane & 0xFFFF0000} are the tile's columns at positions 2p and 2p + 1.
     */
    static void columns(Matrix w, float[] x, int tokens, float[] out, int r0, int r1) {
        int cols = w.cols(), wordsPerRow = cols / 2, rows = ColumnTiles.ROWS;
        MemorySegment seg = w.data();
        float[] tile = ColumnTiles.tile(rows * cols);
        int[] words = ColumnTiles.words(rows * wordsPerRow);
        int lanes = ColumnTiles.WIDE ? IW.length() : L;
        int[] index = new int[lanes];
        for (int i = 0; i < lanes; i++) {
            index[i] = i * wordsPerRow;
        }
        ColumnTiles.Pass pass = new ColumnTiles.Pass(x, tokens, cols, out, w.rows());
        for (int rb = r0; rb < r1; rb += rows) {
            int nr = Math.min(rows, r1 - rb);      // rows past nr hold the last tile's words: computed, not written
            for (int i = 0; i < nr; i++) {
                MemorySegment.copy(seg, INT_LE, (rb + i) * w.rowBytes(), words, i * wordsPerRow, wordsPerRow);
            }
            for (int i0 = 0; i0 < rows; i0 += lanes) {
                for (int p = 0; p < wordsPerRow; p++) {
                    IntVector v = ColumnTiles.WIDE ? IntVector.fromArray(IW, words, i0 * wordsPerRow + p, index, 0)
                            : IntVector.fromArray(I, words, i0 * wordsPerRow + p, index, 0);
                    v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(tile, 2 * p * rows + i0);
                    v.and(HI_MASK).reinterpretAsFloats().intoArray(tile, (2 * p + 1) * rows + i0);
                }
            }
            pass.multiply(tile, rb, nr);
        }
    }

    /**
     * Rows [r0, r1) against one token (batch-1 decode): the range's four quarters side by side ({@link #bf16Dot4}),
     * the rest and widths that are not a multiple of {@link #WIDE_BF16_STEP} row by row.
     */
    static void decodeRows(MemorySegment seg, long rowBytes, float[] xe, float[] xo, int vecEnd, int cols,
            float[] out, int r0, int r1) {
        int q = vecEnd == cols && cols % WIDE_BF16_STEP == 0 ? (r1 - r0) / 4 : 0;
        if (q > 0) {
            bf16Dot4(seg, rowBytes, xe, xo, cols, out, r0, q);
        }
        for (int r = r0 + 4 * q; r < r1; r++) {
            out[r] = dot(seg, r * rowBytes, xe, xo, 0, vecEnd, cols);
        }
    }

    private static float bf16Tail(MemorySegment seg, long rowOff, float[] xe, float[] xo, int xOff, int from, int cols) {
        float s = 0;
        for (int k = from; k < cols; k += 2) {
            int bits = seg.get(INT_LE, rowOff + 2L * k);
            s += Float.intBitsToFloat(bits << 16) * xe[xOff + k / 2] + Float.intBitsToFloat(bits & HI_MASK) * xo[xOff + k / 2];
        }
        return s;
    }

    /**
     * One row against one token, in the machine's widest vectors (then 256-bit, then scalar for the rest). Rows
     * are streamed one at a time: on the machines measured, reading one row contiguously runs at about twice the
     * rate of interleaving loads from 2 or 4 rows (docs/benchmarks.md). On AVX-512 the 512-bit loop needs half
     * the instructions per byte of the 256-bit one; that matters because one core's share of a batch-1 GEMV is
     * instruction-bound on Intel parts (docs/benchmarks.md, fourth session).
     */
    static float dot(MemorySegment seg, long rowOff, float[] xe, float[] xo, int xOff, int vecEnd, int cols) {
        FloatVector a0 = FloatVector.zero(FW), b0 = FloatVector.zero(FW), a1 = FloatVector.zero(FW), b1 = FloatVector.zero(FW);
        int k = 0;
        for (; k + 2 * WIDE_BF16_STEP <= vecEnd; k += 2 * WIDE_BF16_STEP) {
            IntVector w0 = IntVector.fromMemorySegment(IW, seg, rowOff + 2L * k, LE);
            IntVector w1 = IntVector.fromMemorySegment(IW, seg, rowOff + 2L * k + 2L * WIDE_BF16_STEP, LE);
            int j = xOff + k / 2;
            a0 = w0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(FW, xe, j), a0);
            b0 = w0.and(HI_MASK).reinterpretAsFloats().fma(FloatVector.fromArray(FW, xo, j), b0);
            a1 = w1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(FW, xe, j + FW.length()), a1);
            b1 = w1.and(HI_MASK).reinterpretAsFloats().fma(FloatVector.fromArray(FW, xo, j + FW.length()), b1);
        }
        float sum = a0.add(b0).add(a1.add(b1)).reduceLanes(VectorOperators.ADD);
        if (k < vecEnd) {
            FloatVector c = FloatVector.zero(F), d = FloatVector.zero(F);
            for (; k < vecEnd; k += BF16_STEP) {
                IntVector w = IntVector.fromMemorySegment(I, seg, rowOff + 2L * k, LE);
                int j = xOff + k / 2;
                c = w.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, xe, j), c);
                d = w.and(HI_MASK).reinterpretAsFloats().fma(FloatVector.fromArray(F, xo, j), d);
            }
            sum += c.add(d).reduceLanes(VectorOperators.ADD);
        }
        return sum + bf16Tail(seg, rowOff, xe, xo, xOff, vecEnd, cols);
    }

    /**
     * Rows [r0, r0 + 4q) against one token as four sequential streams side by side: stream s reads rows r0 + s·q ..
     * r0 + (s + 1)·q − 1, contiguous memory, so that a thread keeps four streams in flight; one stream leaves a core's
     * share of the memory bandwidth unused (Intel Cascade Lake, one thread, a 128 MB matrix: one row at a time 7.6–8.0
     * GB/s, two streams 9.4–9.9; docs/benchmarks.md, fourth session). One flat loop walks all q rows of the streams,
     * storing the four sums at each row's end: a loop per row paid the JIT's loop setup and range checks for every
     * 2 KB row (AMD Zen 5, `small`'s lm_head on 2 threads, weights copied: 29–35 → 39–42 GB/s in a slow-memory period).
     * {@code cols} a multiple of {@link #WIDE_BF16_STEP}.
     */
    private static void bf16Dot4(MemorySegment seg, long rowBytes, float[] xe, float[] xo, int cols, float[] out, int r0, int q) {
        long d = q * rowBytes, start = r0 * rowBytes, end = start + d;
        int half = cols / 2, step = IW.length();           // x floats per 64-byte load
        FloatVector a0 = FloatVector.zero(FW), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
        int j = 0, row = r0;
        for (long p = start; p < end; p += 2L * WIDE_BF16_STEP) {
            IntVector wa = IntVector.fromMemorySegment(IW, seg, p, LE);
            IntVector wb = IntVector.fromMemorySegment(IW, seg, p + d, LE);
            IntVector wc = IntVector.fromMemorySegment(IW, seg, p + 2 * d, LE);
            IntVector wd = IntVector.fromMemorySegment(IW, seg, p + 3 * d, LE);
            FloatVector e = FloatVector.fromArray(FW, xe, j), o = FloatVector.fromArray(FW, xo, j);
            a0 = wa.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(e, a0);
            a1 = wa.and(HI_MASK).reinterpretAsFloats().fma(o, a1);
            b0 = wb.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(e, b0);
            b1 = wb.and(HI_MASK).reinterpretAsFloats().fma(o, b1);
            c0 = wc.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(e, c0);
            c1 = wc.and(HI_MASK).reinterpretAsFloats().fma(o, c1);
            d0 = wd.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(e, d0);
            d1 = wd.and(HI_MASK).reinterpretAsFloats().fma(o, d1);
            j += step;
            if (j == half) {                                 // the end of a row in every stream
                out[row] = a0.add(a1).reduceLanes(VectorOperators.ADD);
                out[row + q] = b0.add(b1).reduceLanes(VectorOperators.ADD);
                out[row + 2 * q] = c0.add(c1).reduceLanes(VectorOperators.ADD);
                out[row + 3 * q] = d0.add(d1).reduceLanes(VectorOperators.ADD);
                a0 = FloatVector.zero(FW);
                a1 = a0;
                b0 = a0;
                b1 = a0;
                c0 = a0;
                c1 = a0;
                d0 = a0;
                d1 = a0;
                j = 0;
                row++;
            }
        }
    }

    /** Two rows against four tokens (prefill: each decoded weight vector feeds four FMAs). */
    static void tile2x4(MemorySegment seg, int r, long rowBytes, float[] xe, float[] xo, int t, int half,
            int vecEnd, int cols, int rows, float[] out) {
        long o0 = r * rowBytes, o1 = o0 + rowBytes;
        int x0 = t * half, x1 = x0 + half, x2 = x1 + half, x3 = x2 + half;
        FloatVector c00 = FloatVector.zero(FW), c01 = FloatVector.zero(FW), c02 = FloatVector.zero(FW), c03 = FloatVector.zero(FW);
        FloatVector c10 = FloatVector.zero(FW), c11 = FloatVector.zero(FW), c12 = FloatVector.zero(FW), c13 = FloatVector.zero(FW);
        for (int k = 0; k < vecEnd; k += WIDE_BF16_STEP) {
            int j = k / 2;
            long kb = 2L * k;
            IntVector w0 = IntVector.fromMemorySegment(IW, seg, o0 + kb, LE);
            IntVector w1 = IntVector.fromMemorySegment(IW, seg, o1 + kb, LE);
            FloatVector e0 = w0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector d0 = w0.and(HI_MASK).reinterpretAsFloats();
            FloatVector e1 = w1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector d1 = w1.and(HI_MASK).reinterpretAsFloats();
            FloatVector xe0 = FloatVector.fromArray(FW, xe, x0 + j), xo0 = FloatVector.fromArray(FW, xo, x0 + j);
            c00 = d0.fma(xo0, e0.fma(xe0, c00));
            c10 = d1.fma(xo0, e1.fma(xe0, c10));
            FloatVector xe1 = FloatVector.fromArray(FW, xe, x1 + j), xo1 = FloatVector.fromArray(FW, xo, x1 + j);
            c01 = d0.fma(xo1, e0.fma(xe1, c01));
            c11 = d1.fma(xo1, e1.fma(xe1, c11));
            FloatVector xe2 = FloatVector.fromArray(FW, xe, x2 + j), xo2 = FloatVector.fromArray(FW, xo, x2 + j);
            c02 = d0.fma(xo2, e0.fma(xe2, c02));
            c12 = d1.fma(xo2, e1.fma(xe2, c12));
            FloatVector xe3 = FloatVector.fromArray(FW, xe, x3 + j), xo3 = FloatVector.fromArray(FW, xo, x3 + j);
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
}
