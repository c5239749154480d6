package io.ossserve.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Prefill products from weight tiles stored by column: {@code tile[k·ROWS + i]} is row i of the tile at input position
 * k, so that one position of all the tile's rows is a few whole vectors. A register tile of tokens × rows then needs
 * no horizontal sums: per position, each token's input is broadcast and meets every row vector, and the results are
 * stored as vectors.
 * <ul>
 * <li>AVX2 (16 registers): 16 rows (two 256-bit vectors) × 6 tokens, 12 FMAs for 8 loads. AMD Zen 3, one thread,
 * 16-row tiles × 128 tokens × 1024, alternating in one JVM: median 36.9-54.3 GFLOP/s for the 2×4 dot-product tile,
 * 43.4-86.0 for this one, in seven runs.</li>
 * <li>AVX-512 (32 registers): 64 rows (four 512-bit vectors) × 4 tokens, 16 FMAs for 8 loads. AMD Zen 5, one thread,
 * a 64-row tile × 128 tokens × 1024 in L2: 195-214 GFLOP/s (about 90% of one core's FMA peak; the bench read 428-466 GFLOP/s for two cores) against 112-132
 * for the 4×4 dot-product tile with its 16 horizontal sums, alternating in one JVM; a 32-row × 8-token tile
 * measured 133-153.</li>
 * </ul>
 * The callers fill the tiles (MXFP4: {@link VectorMxfp4}; bf16: {@link VectorKernels}).
 */
final class ColumnTiles {
    private ColumnTiles() {}

    /** 512-bit vectors and 32 registers: the wide tile. A static final flag: the JIT folds the choice away. */
    static final boolean WIDE = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Float> FW = FloatVector.SPECIES_512;
    private static final int L = F.length(), LW = FW.length();
    /** Rows per tile: two 256-bit vectors, or four 512-bit ones. */
    static final int ROWS = WIDE ? 4 * LW : 2 * L;
    /**
     * Tokens per register tile. AVX2: 6 × 2 accumulators, 2 weight vectors and a broadcast fill 15 of 16 registers.
     * AVX-512: 4 × 4 accumulators, 4 weight vectors and a broadcast; a 6-token form (24 accumulators) risks the JIT
     * boxing vectors, as a 4×6 dot-product tile did (docs/benchmarks.md, fourth session).
     */
    static final int TOKENS = WIDE ? 4 : 6;

    /** Per-thread tile arrays, kept across calls: a 512-token prefill fills thousands of tiles (≈ 400 KB each). */
    private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<int[]> WORDS = ThreadLocal.withInitial(() -> new int[0]);

    /**
     * This thread's tile of at least {@code n} floats. Its contents are whatever the thread's last tile left: callers
     * overwrite every position of the rows they fill (rows past a partial tile's end are computed, never written out).
     */
    static float[] tile(int n) {
        float[] t = TILE.get();
        if (t.length < n) {
            t = new float[n];
            TILE.set(t);
        }
        return t;
    }

    /** This thread's array of at least {@code n} ints for a tile's packed weights; contents as for {@link #tile}. */
    static int[] words(int n) {
        int[] w = WORDS.get();
        if (w.length < n) {
            w = new int[n];
            WORDS.set(w);
        }
        return w;
    }

    /** All tokens of one product ({@code x [tokens, n]} into {@code out [tokens, rows]}) passing over tiles in turn. */
    static final class Pass {
        private final float[] x;
        private final int n, full, rest, rows;
        private final float[] out;
        private final float[] xRest;                 // the last tokens padded with zero rows to a whole register tile
        private final float[] part = new float[TOKENS * ROWS];

        Pass(float[] x, int tokens, int n, float[] out, int rows) {
            this.x = x;
            this.n = n;
            this.out = out;
            this.rows = rows;
            this.full = tokens - tokens % TOKENS;
            this.rest = tokens - full;
            this.xRest = rest > 0 ? java.util.Arrays.copyOfRange(x, full * n, (full + TOKENS) * n) : null;
        }

        /** out[t·rows + rb + i] = Σ_k tile[k·ROWS + i] · x[t·n + k] for every token t and i < nr. */
        void multiply(float[] tile, int rb, int nr) {
            for (int t = 0; t < full; t += TOKENS) {
                registerTile(tile, n, x, t * n, part);
                for (int u = 0; u < TOKENS; u++) {
                    System.arraycopy(part, u * ROWS, out, (t + u) * rows + rb, nr);
                }
            }
            if (xRest != null) {
                registerTile(tile, n, xRest, 0, part);
                for (int u = 0; u < rest; u++) {
                    System.arraycopy(part, u * ROWS, out, (full + u) * rows + rb, nr);
                }
            }
        }
    }

    private static void registerTile(float[] tile, int n, float[] x, int xOff, float[] part) {
        if (WIDE) {
            tile4x64(tile, n, x, xOff, part);
        } else {
            tile6x16(tile, n, x, xOff, part);
        }
    }

    /** part[u·64 + i] = Σ_k tile[k·64 + i] · x[xOff + u·n + k] for 4 tokens u and the tile's 64 rows i (512-bit vectors). */
    private static void tile4x64(float[] tile, int n, float[] x, int xOff, float[] part) {
        FloatVector a0 = FloatVector.zero(FW), a1 = FloatVector.zero(FW), a2 = FloatVector.zero(FW), a3 = FloatVector.zero(FW);
        FloatVector b0 = FloatVector.zero(FW), b1 = FloatVector.zero(FW), b2 = FloatVector.zero(FW), b3 = FloatVector.zero(FW);
        FloatVector c0 = FloatVector.zero(FW), c1 = FloatVector.zero(FW), c2 = FloatVector.zero(FW), c3 = FloatVector.zero(FW);
        FloatVector d0 = FloatVector.zero(FW), d1 = FloatVector.zero(FW), d2 = FloatVector.zero(FW), d3 = FloatVector.zero(FW);
        for (int k = 0; k < n; k++) {
            int o = k * ROWS;
            FloatVector w0 = FloatVector.fromArray(FW, tile, o), w1 = FloatVector.fromArray(FW, tile, o + LW);
            FloatVector w2 = FloatVector.fromArray(FW, tile, o + 2 * LW), w3 = FloatVector.fromArray(FW, tile, o + 3 * LW);
            FloatVector v = FloatVector.broadcast(FW, x[xOff + k]);
            a0 = w0.fma(v, a0);
            a1 = w1.fma(v, a1);
            a2 = w2.fma(v, a2);
            a3 = w3.fma(v, a3);
            v = FloatVector.broadcast(FW, x[xOff + n + k]);
            b0 = w0.fma(v, b0);
            b1 = w1.fma(v, b1);
            b2 = w2.fma(v, b2);
            b3 = w3.fma(v, b3);
            v = FloatVector.broadcast(FW, x[xOff + 2 * n + k]);
            c0 = w0.fma(v, c0);
            c1 = w1.fma(v, c1);
            c2 = w2.fma(v, c2);
            c3 = w3.fma(v, c3);
            v = FloatVector.broadcast(FW, x[xOff + 3 * n + k]);
            d0 = w0.fma(v, d0);
            d1 = w1.fma(v, d1);
            d2 = w2.fma(v, d2);
            d3 = w3.fma(v, d3);
        }
        a0.intoArray(part, 0);
        a1.intoArray(part, LW);
        a2.intoArray(part, 2 * LW);
        a3.intoArray(part, 3 * LW);
        b0.intoArray(part, 4 * LW);
        b1.intoArray(part, 5 * LW);
        b2.intoArray(part, 6 * LW);
        b3.intoArray(part, 7 * LW);
        c0.intoArray(part, 8 * LW);
        c1.intoArray(part, 9 * LW);
        c2.intoArray(part, 10 * LW);
        c3.intoArray(part, 11 * LW);
        d0.intoArray(part, 12 * LW);
        d1.intoArray(part, 13 * LW);
        d2.intoArray(part, 14 * LW);
        d3.intoArray(part, 15 * LW);
    }

    /** part[u·16 + i] = Σ_k tile[k·16 + i] · x[xOff + u·n + k] for 6 tokens u and the tile's 16 rows i (256-bit vectors). */
    private static void tile6x16(float[] tile, int n, float[] x, int xOff, float[] part) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F), c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F), c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
        FloatVector c40 = FloatVector.zero(F), c41 = FloatVector.zero(F), c50 = FloatVector.zero(F), c51 = FloatVector.zero(F);
        for (int k = 0; k < n; k++) {
            FloatVector b0 = FloatVector.fromArray(F, tile, k * ROWS), b1 = FloatVector.fromArray(F, tile, k * ROWS + L);
            FloatVector a = FloatVector.broadcast(F, x[xOff + k]);
            c00 = b0.fma(a, c00);
            c01 = b1.fma(a, c01);
            a = FloatVector.broadcast(F, x[xOff + n + k]);
            c10 = b0.fma(a, c10);
            c11 = b1.fma(a, c11);
            a = FloatVector.broadcast(F, x[xOff + 2 * n + k]);
            c20 = b0.fma(a, c20);
            c21 = b1.fma(a, c21);
            a = FloatVector.broadcast(F, x[xOff + 3 * n + k]);
            c30 = b0.fma(a, c30);
            c31 = b1.fma(a, c31);
            a = FloatVector.broadcast(F, x[xOff + 4 * n + k]);
            c40 = b0.fma(a, c40);
            c41 = b1.fma(a, c41);
            a = FloatVector.broadcast(F, x[xOff + 5 * n + k]);
            c50 = b0.fma(a, c50);
            c51 = b1.fma(a, c51);
        }
        c00.intoArray(part, 0);
        c01.intoArray(part, L);
        c10.intoArray(part, 2 * L);
        c11.intoArray(part, 3 * L);
        c20.intoArray(part, 4 * L);
        c21.intoArray(part, 5 * L);
        c30.intoArray(part, 6 * L);
        c31.intoArray(part, 7 * L);
        c40.intoArray(part, 8 * L);
        c41.intoArray(part, 9 * L);
        c50.intoArray(part, 10 * L);
        c51.intoArray(part, 11 * L);
    }
}
