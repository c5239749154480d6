package io.ossserve.engine.cpu;

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
 * The MXFP4 expert kernels of {@link VectorKernels}: decode (one row against 1 to 3 tokens with 512-bit quads of
 * blocks on AVX-512, or against 1 or 4 tokens with 256-bit block pairs; codes decoded in int lanes by a lane permute) and
 * the prefill path (16 or 64 rows dequantised into a float tile stored by column, multiplied by {@link ColumnTiles}).
 * Static and stateless; {@link VectorKernels} splits the rows across threads.
 */
final class VectorMxfp4 {
    private VectorMxfp4() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    private static final int L = F.length();            // 8 float lanes
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /** E8M0 byte → 2^(s-127). */
    private static final float[] SCALE = new float[256];

    static {
        for (int s = 0; s < 256; s++) {
            SCALE[s] = Mxfp4.scale(s);
        }
    }

    /**
     * Rows [r0, r1) of one expert against few tokens, the input {@code xIn} laid out by {@link #layout}: with AVX-512 and
     * fewer than 4 tokens, 512-bit quads of blocks ({@link #wideRows}); otherwise 4 tokens per decoded block pair,
     * then one at a time.
     */
    static void rows(Mxfp4Experts w, int expert, float[] xIn, int tokens, float[] out, int r0, int r1) {
        int rows = w.rows(), cols = w.cols(), nb = w.blocksPerRow();
        MemorySegment blocks = w.blocks(), scales = w.scales();
        if (wide(tokens)) {
            if (tokens == 1) {
                wideRows(w, expert, xIn, 0, out, 0, r0, r1);
                return;
            }
            // 2 or 3 tokens: row by row, so that the row is still in L1 for the next token
            for (int r = r0; r < r1; r++) {
                for (int t = 0; t < tokens; t++) {
                    wideRows(w, expert, xIn, t * cols, out, t * rows, r, r + 1);
                }
            }
            return;
        }
        for (int r = r0; r < r1; r++) {
            long bOff = w.blockOffset(expert, r);
            long sOff = w.scaleOffset(expert, r);
            int t = 0;
            for (; t + 4 <= tokens; t += 4) {
                mxfp4Row4(blocks, bOff, scales, sOff, nb, xIn, t * cols, cols, out, t * rows + r, rows);
            }
            for (; t < tokens; t++) {
                out[t * rows + r] = mxfp4Row1(blocks, bOff, scales, sOff, nb, xIn, t * cols);
            }
        }
    }

    /**
     * Rows [r0, r1) of one expert against one token in the {@link #interleave8} layout by the 256-bit block-pair path,
     * whatever the machine's widest vectors ({@link #rows} takes the 512-bit path with AVX-512).
     */
    static void pairRows(Mxfp4Experts w, int expert, float[] x8, float[] out, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            out[r] = mxfp4Row1(w.blocks(), w.blockOffset(expert, r), w.scales(), w.scaleOffset(expert, r), w.blocksPerRow(), x8, 0);
        }
    }

    /*
     * MXFP4 in int lanes. An int holds 8 codes of 8 consecutive elements (byte j: element 2j low nibble,
     * 2j+1 high nibble), so code k of int lane i is element 8i + k. Eight lanes (32 bytes) cover two
     * blocks: lanes 0-3 block g, lanes 4-7 block g+1. For each k, (w >>> 4k) selects from an 8-entry float
     * table by its low 3 bits (the index wraps) and the sign is bit 4k+3 moved to bit 31. The input is
     * re-laid out once per call so that x8[64·g2 + 8k + i] = x[64·g2 + 8i + k].
     */

    /** x8[off + 64·g + 8k + i] = x[off + 64·g + 8i + k] for each 64-wide group; a 32-wide tail stays as is. */
    static void interleave8(float[] x, int xOff, int cols, float[] x8, int outOff) {
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
     * The 512-bit decode path: with AVX-512, for fewer than 4 tokens (batch-1 decode). KernelBenchmark on Zen 4,
     * 2 threads, 4 cold experts of 2048 × 1024: 10.6–15.1 GB/s of packed weights, against 9.9 for the 256-bit
     * two-table path it replaces there (per 16 weights: AND, permute, FMA, and a shift per 32).
     */
    static final boolean WIDE_DECODE = IntVector.SPECIES_PREFERRED.vectorBitSize() >= 512;

    static boolean wide(int tokens) {
        return WIDE_DECODE && tokens < 4;
    }

    /** Whether {@code tokens} rows go through {@link #tiled} (otherwise {@link #rows}). */
    static boolean tiledPath(int tokens, int blocksPerRow) {
        return tokens >= TILED_MIN_TOKENS && blocksPerRow % 2 == 0;
    }

    /**
     * One token's input in the layout that {@link #rows} reads (for that many tokens). The prefill path ({@link #tiled})
     * reads the input as it is.
     */
    static void layout(float[] x, int xOff, int cols, float[] out, int outOff, int tokens) {
        if (wide(tokens)) {
            interleave16(x, xOff, cols, out, outOff);
        } else {
            interleave8(x, xOff, cols, out, outOff);
        }
    }

    /**
     * out[outOff + 128·G + 16k + i] = x[xOff + 128·G + 8i + k] for each full 128-wide group (four blocks: int lane i
     * of a 64-byte load holds elements 8i..8i+7); a 64-wide rest in the 8-lane layout, a 32-wide rest as is.
     */
    static void interleave16(float[] x, int xOff, int cols, float[] out, int outOff) {
        int full = cols / 128 * 128;
        for (int g = 0; g < full; g += 128) {
            for (int i = 0; i < 16; i++) {
                for (int k = 0; k < 8; k++) {
                    out[outOff + g + 16 * k + i] = x[xOff + g + 8 * i + k];
                }
            }
        }
        interleave8(x, xOff + full, cols - full, out, outOff + full);
    }

    /**
     * The magnitude table, pre-XORed with the nibble's own low bits placed at bits 28-30: a code c is decoded as
     * {@code table[c & 7] ^ (c << 28)}, which both cancels those bits and moves the sign bit (bit 3 of the
     * nibble) into the float's sign. Three vector operations per 8 codes besides the shift that selects them.
     */
    private static final IntVector FP4_TABLE = IntVector.fromArray(I, fp4Table(), 0);

    private static int[] fp4Table() {
        int[] t = new int[8];
        for (int c = 0; c < 8; c++) {
            t[c] = Float.floatToRawIntBits(Mxfp4.FP4_VALUES[c]) ^ (c << 28);
        }
        return t;
    }

    /**
     * With AVX-512 (a preferred species of 512 bits), a two-vector permute (vpermi2ps) selects from all 16
     * values by the nibble's 4 bits directly, saving the XOR fix-up and its shift; on AVX2 that permute
     * would be emulated, so the 8-entry table stays. A static final flag: the JIT folds the choice away.
     */
    static final boolean TWO_TABLE = IntVector.SPECIES_PREFERRED.vectorBitSize() >= 512;
    private static final IntVector FP4_LOW = IntVector.fromArray(I, fp4Values(), 0);
    private static final IntVector FP4_HIGH = IntVector.fromArray(I, fp4Values(), 8);

    private static int[] fp4Values() {
        int[] t = new int[16];
        for (int c = 0; c < 16; c++) {
            t[c] = Float.floatToRawIntBits(Mxfp4.FP4_VALUES[c]);
        }
        return t;
    }

    /*
     * The helpers that hot loops call for vectors stay under the JIT's MaxInlineSize (35 bytes of bytecode), so that
     * they are always inlined: a larger one is inlined only where the call counts the JIT has seen call it hot, and
     * where it is not, its vector result is boxed, allocating in the loop (seen with 56- to 67-byte helpers: "callee is
     * too large" in -XX:+PrintInlining, and a 512-bit decode twice as slow in about half of the processes).
     */

    /** Code k of every lane of {@code w} as a float (lane permute on its low bits; indices wrap). */
    private static FloatVector code(IntVector w, int k) {
        return TWO_TABLE ? twoTable(nibble(w, k)) : oneTable(nibble(w, k));
    }

    /** Code k of each lane in its low 4 bits (the bits above are ignored by the lookups). */
    private static IntVector nibble(IntVector w, int k) {
        return k == 0 ? w : w.lanewise(VectorOperators.LSHR, 4 * k);
    }

    private static FloatVector twoTable(IntVector nibble) {
        return nibble.selectFrom(FP4_LOW, FP4_HIGH).reinterpretAsFloats();
    }

    /** The magnitude from the 8-entry table, the nibble's bits 0-3 moved to 28-31 fix the sign (see {@link #FP4_TABLE}). */
    private static FloatVector oneTable(IntVector nibble) {
        return nibble.selectFrom(FP4_TABLE).lanewise(VectorOperators.XOR, nibble.lanewise(VectorOperators.LSHL, 28))
                .reinterpretAsFloats();
    }

    /**
     * Scales of blocks g and g+1 per lane (lanes 0-3, 4-7), built in int lanes as {@link #wideRows} builds a quad's: one 2-byte
     * load instead of two byte loads, two table loads and a blend. (AMD Zen 3, one thread, data in L2: 11.1-11.6 →
     * 10.7-10.9 ns per block pair.)
     */
    private static FloatVector pairScale(MemorySegment scales, long sOff, int g) {
        return scaleBits(IntVector.broadcast(I, scales.get(SCALES2_LE, sOff + g)).lanewise(VectorOperators.LSHR, PAIR_SHIFTS));
    }

    /** The low byte s of each lane as the float 2^(s-127) (s = 0: the subnormal 2^-127, 0x400000, by the max). */
    private static FloatVector scaleBits(IntVector s) {
        return s.lanewise(VectorOperators.AND, 0xFF).lanewise(VectorOperators.LSHL, 23).lanewise(VectorOperators.MAX, 0x400000)
                .reinterpretAsFloats();
    }

    private static final IntVector PAIR_SHIFTS = IntVector.fromArray(I, new int[] {0, 0, 0, 0, 8, 8, 8, 8}, 0);
    private static final ValueLayout.OfShort SCALES2_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);

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

    private static final VectorSpecies<Float> F16 = FloatVector.SPECIES_512;
    private static final VectorSpecies<Integer> I16 = IntVector.SPECIES_512;
    /** All 16 FP4 values as float bits: a one-vector permute (vpermd) selects by the low 4 bits of each lane. */
    private static final IntVector FP4_16 = IntVector.fromArray(I16, fp4Values(), 0);
    /**
     * Lane i of a quad belongs to block i / 4: its scale byte is byte i / 4 of the quad's four scale bytes, at bits
     * 8(i / 4)..8(i / 4) + 7. Rotated left by these counts (23 - 8(i / 4), modulo 32) that byte lands at bits 23-30,
     * a float's exponent field: one rotate instead of a shift right, a shift left and a mask of the byte (AMD Zen 4,
     * one thread, L2: 5.97 against 6.06 ns per quad; one operation of 34 fewer).
     */
    static final IntVector QUAD_ROTATIONS = IntVector.fromArray(I16,
            new int[] {23, 23, 23, 23, 15, 15, 15, 15, 7, 7, 7, 7, 31, 31, 31, 31}, 0);
    /** A float's exponent field. */
    static final int EXPONENT_FIELD = 0x7F800000;

    /** The FP4 value of the low 4 bits of each lane. */
    private static FloatVector fp4(IntVector w) {
        return w.selectFrom(FP4_16).reinterpretAsFloats();
    }

    /** A quad's four scale bytes as one int. */
    static final ValueLayout.OfInt SCALES_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfInt WORD_LE = SCALES_LE;

    /**
     * Rows [r0, r1) of one expert against one token (x16 from xOff, in the {@link #interleave16} layout) into
     * out[outOff + r]. A quad (4 blocks, 64 bytes) is one 512-bit load: byte 4i + m is bits 8m..8m+7 of int lane i,
     * so the code at bits 4c of lane i is element 8i + c; each 16 weights cost at most one shift, one AND, one
     * permute and one FMA. (Loading the quad four times at byte offsets 0..3 saves three shifts per quad, but three
     * of the loads split cache lines and read past the quad. Intel Cascade Lake, cold, 4 experts, 2 threads,
     * alternating in one JVM: median 6.61 GB/s with four loads, 8.98 with one.) A 64-wide rest and an odd last block
     * are summed by {@link #wideRest}.
     * <p>
     * The row loop lives in the same compiled method as the quad loop, so the call, the segment checks set up before
     * each loop and the spills are paid once per call instead of once per row (Intel Cascade Lake, one thread, data
     * in L2: 16.4–18.5 ns per quad before, 15.9–17.3 after; cold data, 2 threads: equal). The quad body is written
     * out here rather than in a helper: a helper that the JIT has already compiled on its own is too big to inline,
     * and its vector result is then boxed on every call (seen: 4 allocations per quad). A flat loop over all quads of
     * a piece (the input offset wrapping at each row end) measured 20% faster alone, but in the engine, after a
     * 512-token prefill, C2 gave up inlining inside it (NodeCountInliningCutoff) and decode slowed by 6 ms per step.
     */
    static void wideRows(Mxfp4Experts w, int expert, float[] x16, int xOff, float[] out, int outOff, int r0, int r1) {
        MemorySegment blocks = w.blocks(), scales = w.scales();
        int nb = w.blocksPerRow(), quads = nb & ~3;
        for (int r = r0; r < r1; r++) {
            long bOff = w.blockOffset(expert, r), sOff = w.scaleOffset(expert, r);
            FloatVector acc = FloatVector.zero(F16), zero = FloatVector.zero(F16);
            for (int g = 0; g < quads; g += 4) {
                int j = xOff + 32 * g;
                // one load: byte 4i + m of the quad is bits 8m..8m+7 of lane i, its two codes at 8m and 8m + 4.
                // fma from zero rather than mul: the same results as VectorMxfp4Shift.wideRows, to the sign of a zero
                IntVector v = IntVector.fromMemorySegment(I16, blocks, bOff + 16L * g, LE);
                // the table lookups and the scales written out rather than through helpers: the JIT sometimes left a
                // helper out of this loop ("callee is too large", by the call counts it had seen) and boxed its vectors,
                // allocating in the loop (AMD Zen 4, `small`: 10-12 against 5.5-6 ms of experts per step, in about half
                // of the processes)
                FloatVector t0 = v.selectFrom(FP4_16).reinterpretAsFloats().fma(FloatVector.fromArray(F16, x16, j), zero);
                FloatVector t1 = v.lanewise(VectorOperators.LSHR, 4).selectFrom(FP4_16).reinterpretAsFloats()
                        .fma(FloatVector.fromArray(F16, x16, j + 16), zero);
                t0 = v.lanewise(VectorOperators.LSHR, 8).selectFrom(FP4_16).reinterpretAsFloats()
                        .fma(FloatVector.fromArray(F16, x16, j + 32), t0);
                t1 = v.lanewise(VectorOperators.LSHR, 12).selectFrom(FP4_16).reinterpretAsFloats()
                        .fma(FloatVector.fromArray(F16, x16, j + 48), t1);
                t0 = v.lanewise(VectorOperators.LSHR, 16).selectFrom(FP4_16).reinterpretAsFloats()
                        .fma(FloatVector.fromArray(F16, x16, j + 64), t0);
                t1 = v.lanewise(VectorOperators.LSHR, 20).selectFrom(FP4_16).reinterpretAsFloats()
                        .fma(FloatVector.fromArray(F16, x16, j + 80), t1);
                t0 = v.lanewise(VectorOperators.LSHR, 24).selectFrom(FP4_16).reinterpretAsFloats()
                        .fma(FloatVector.fromArray(F16, x16, j + 96), t0);
                t1 = v.lanewise(VectorOperators.LSHR, 28).selectFrom(FP4_16).reinterpretAsFloats()
                        .fma(FloatVector.fromArray(F16, x16, j + 112), t1);
                // the scales of blocks g..g+3 per lane: E8M0 byte s as float bits s << 23 is 2^(s-127) for s ≥ 1; for
                // s = 0 the subnormal 2^-127 is 0x400000, which the max supplies
                FloatVector scale = IntVector.broadcast(I16, scales.get(SCALES_LE, sOff + g))
                        .lanewise(VectorOperators.ROL, QUAD_ROTATIONS).lanewise(VectorOperators.AND, EXPONENT_FIELD)
                        .lanewise(VectorOperators.MAX, 0x400000).reinterpretAsFloats();
                acc = t0.add(t1).fma(scale, acc);
            }
            float sum = acc.reduceLanes(VectorOperators.ADD);
            out[outOff + r] = quads == nb ? sum : sum + wideRest(blocks, bOff, scales, sOff, nb, x16, xOff, quads);
        }
    }

    /** The part of a row after its quads (g blocks): a 64-wide rest by the 256-bit pair path, an odd last block scalar. */
    private static float wideRest(MemorySegment blocks, long bOff, MemorySegment scales, long sOff, int nb,
            float[] x16, int xOff, int g) {
        float sum = 0;
        if (g + 2 <= nb) {
            FloatVector p = FloatVector.zero(F);
            IntVector w = IntVector.fromMemorySegment(I, blocks, bOff + 16L * g, LE);
            int j = xOff + 32 * g;
            for (int k = 0; k < 8; k++) {
                p = code(w, k).fma(FloatVector.fromArray(F, x16, j + 8 * k), p);
            }
            sum += p.mul(pairScale(scales, sOff, g)).reduceLanes(VectorOperators.ADD);
            g += 2;
        }
        if (g < nb) {
            sum += lastBlock(blocks, bOff, scales, sOff, g, x16, xOff);
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
     * The prefill path: {@link ColumnTiles#ROWS} rows at a time (16 with AVX2, 64 with AVX-512) are dequantised and
     * stored column by column ({@code tile[k·ROWS + i]}, row i of input position k) and multiplied with every token by
     * {@link ColumnTiles}; the input {@code x} as it is. Until the sixth session the AVX-512 path dequantised rows into a
     * row-major tile multiplied by 4×4 dot-product tiles (16 horizontal sums each), at about 55% of a core's FMA peak where
     * the column tile reaches 90% (AMD Zen 5, docs/benchmarks.md, sixth session).
     */
    static void tiled(Mxfp4Experts w, int expert, float[] x, int tokens, float[] out, int r0, int r1) {
        int cols = w.cols(), rows = ColumnTiles.ROWS;
        float[] tile = ColumnTiles.tile(rows * cols);
        int[] words = ColumnTiles.words(rows * (w.blocksPerRow() * Mxfp4.BYTES_PER_BLOCK / 4));
        byte[] scaleBytes = new byte[rows * w.blocksPerRow()];
        ColumnTiles.Pass pass = new ColumnTiles.Pass(x, tokens, cols, out, w.rows());
        for (int rb = r0; rb < r1; rb += rows) {
            int nr = Math.min(rows, r1 - rb);
            dequantColumns(w, expert, rb, nr, tile, words, scaleBytes);
            pass.multiply(tile, rb, nr);
        }
    }

    /**
     * Rows [rb, rb + nr) of the expert dequantised into {@code tile[k·ROWS + i]} (input position k in its own order),
     * a vector of rows at a time: one int (8 codes) of each row side by side in the int lanes, so that code c of every
     * lane is position k + c of all those rows, one column vector. Rows from nr on hold what {@code words} and
     * {@code scaleBytes} held before (zeros, or an earlier tile's rows): computed by the register tiles, never written
     * out. Decoding rows one by one and then transposing cost 10-11% of a prefill in scalar stores (AMD Zen 3).
     */
    private static void dequantColumns(Mxfp4Experts w, int expert, int rb, int nr, float[] tile, int[] words, byte[] scaleBytes) {
        int nb = w.blocksPerRow(), wordsPerRow = nb * Mxfp4.BYTES_PER_BLOCK / 4, rows = ColumnTiles.ROWS;
        MemorySegment blocks = w.blocks(), scales = w.scales();
        // the tile's rows copied out first (bulk copies), so that the column gathers below read plain arrays
        for (int i = 0; i < nr; i++) {
            MemorySegment.copy(blocks, WORD_LE, w.blockOffset(expert, rb + i), words, i * wordsPerRow, wordsPerRow);
            MemorySegment.copy(scales, ValueLayout.JAVA_BYTE, w.scaleOffset(expert, rb + i), scaleBytes, i * nb, nb);
        }
        int lanes = ColumnTiles.WIDE ? I16.length() : L;
        int[] index = new int[lanes];
        for (int i = 0; i < lanes; i++) {
            index[i] = i * wordsPerRow;
        }
        float[] sc = new float[lanes];
        for (int i0 = 0; i0 < rows; i0 += lanes) {
            for (int g = 0; g < nb; g++) {
                for (int i = 0; i < lanes; i++) {
                    sc[i] = SCALE[scaleBytes[(i0 + i) * nb + g] & 0xFF];
                }
                for (int q = 0; q < Mxfp4.BYTES_PER_BLOCK / 4; q++) {
                    int word = i0 * wordsPerRow + g * (Mxfp4.BYTES_PER_BLOCK / 4) + q;
                    int at = (Mxfp4.BLOCK * g + 8 * q) * rows + i0;
                    if (ColumnTiles.WIDE) {
                        FloatVector scv = FloatVector.fromArray(F16, sc, 0);
                        IntVector wv = IntVector.fromArray(I16, words, word, index, 0);         // word of 16 rows
                        for (int c = 0; c < 8; c++) {
                            fp4(wv.lanewise(VectorOperators.LSHR, 4 * c)).mul(scv).intoArray(tile, at + c * rows);
                        }
                    } else {
                        FloatVector scv = FloatVector.fromArray(F, sc, 0);
                        IntVector wv = IntVector.fromArray(I, words, word, index, 0);           // word of 8 rows
                        for (int c = 0; c < 8; c++) {
                            code(wv, c).mul(scv).intoArray(tile, at + c * rows);
                        }
                    }
                }
            }
        }
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
}
