package io.ossserve.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Prefill products on AVX2 from weight tiles stored by column: {@code tile[k·16 + i]} is row i of the tile at input
 * position k, so that one position of all 16 rows is two 256-bit vectors. A register tile of 6 tokens × 16 rows then
 * needs no horizontal sums: per position, each token's input is broadcast and meets both row vectors (12 FMAs for
 * 8 loads, against 8 FMAs for 6 loads in a 2×4 dot-product tile), and the results are stored as vectors. AMD Zen 3,
 * one thread, 16-row tiles × 128 tokens × 1024, alternating in one JVM: median 36.9-54.3 GFLOP/s for the 2×4 tile,
 * 43.4-86.0 for this one, in seven runs. The callers fill the tiles (MXFP4: {@link VectorMxfp4}; bf16: {@link
 * VectorKernels}).
 */
final class ColumnTiles {
    private ColumnTiles() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final int L = F.length();
    /** Rows per tile: two 256-bit vectors. */
    static final int ROWS = 2 * L;
    /** Tokens per register tile: 6 × 2 accumulators, 2 weight vectors and a broadcast fill 15 of AVX2's 16 registers. */
    static final int TOKENS = 6;

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

        /** out[t·rows + rb + i] = Σ_k tile[k·16 + i] · x[t·n + k] for every token t and i < nr. */
        void multiply(float[] tile, int rb, int nr) {
            for (int t = 0; t < full; t += TOKENS) {
                tile6x16(tile, n, x, t * n, part);
                for (int u = 0; u < TOKENS; u++) {
                    System.arraycopy(part, u * ROWS, out, (t + u) * rows + rb, nr);
                }
            }
            if (xRest != null) {
                tile6x16(tile, n, xRest, 0, part);
                for (int u = 0; u < rest; u++) {
                    System.arraycopy(part, u * ROWS, out, (full + u) * rows + rb, nr);
                }
            }
        }
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
