package io.ossserve.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.ossserve.model.Bf16;
import io.ossserve.model.DType;
import io.ossserve.model.Matrix;
import io.ossserve.model.Mxfp4Experts;
import io.ossserve.model.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Vector API kernels against the scalar reference on random inputs (tolerance: 2e-5 relative to the row norm). */
class VectorKernelsTest {

    static final Parallel PARALLEL = new Parallel(2);
    static final CpuKernels REF = new ScalarKernels(new Parallel(1));
    static final CpuKernels FAST = CpuBackends.kernels(CpuBackends.Kernels.VECTOR, PARALLEL);

    @AfterAll
    static void close() {
        PARALLEL.close();
    }

    static float[] random(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    static Matrix randomMatrix(Random r, DType dtype, int rows, int cols) {
        MemorySegment seg = Arena.ofAuto().allocate((long) rows * cols * dtype.byteSize());
        for (long i = 0; i < (long) rows * cols; i++) {
            float v = (float) r.nextGaussian();
            if (dtype == DType.BF16) {
                seg.set(Tensor.SHORT_LE, 2 * i, Bf16.fromFloat(v));
            } else {
                seg.set(Tensor.FLOAT_LE, 4 * i, v);
            }
        }
        return new Matrix("random", dtype, rows, cols, seg);
    }

    static Mxfp4Experts randomExperts(Random r, int experts, int rows, int cols) {
        int nb = cols / 32;
        MemorySegment blocks = Arena.ofAuto().allocate((long) experts * rows * nb * 16);
        MemorySegment scales = Arena.ofAuto().allocate((long) experts * rows * nb);
        for (long i = 0; i < blocks.byteSize(); i++) {
            blocks.set(ValueLayout.JAVA_BYTE, i, (byte) r.nextInt(256));
        }
        for (long i = 0; i < scales.byteSize(); i++) {
            scales.set(ValueLayout.JAVA_BYTE, i, (byte) (118 + r.nextInt(12)));
        }
        return new Mxfp4Experts("random", experts, rows, cols, blocks, scales);
    }

    static void assertClose(float[] got, float[] want, int rows, int tokens, float[] x, int cols) {
        for (int t = 0; t < tokens; t++) {
            double xn = 0;
            for (int k = 0; k < cols; k++) {
                xn += x[t * cols + k] * x[t * cols + k];
            }
            for (int r = 0; r < rows; r++) {
                double tol = 2e-5 * Math.sqrt(xn) * 8 + 1e-6;
                assertThat((double) got[t * rows + r]).as("token %d row %d", t, r).isCloseTo(want[t * rows + r],
                        org.assertj.core.data.Offset.offset(tol));
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"BF16,37,64,1", "BF16,64,2880,1", "BF16,13,40,3", "BF16,9,96,4", "BF16,21,128,9", "F32,11,72,2", "F32,5,64,5",
            // 32+ tokens (AVX2: column tiles): a partial last tile, whole tiles with 2 or 4 tokens past the groups of 6
            "BF16,37,320,33", "BF16,32,2880,38", "BF16,21,258,32",
            // prefill: several cache blocks of rows per thread, an odd last block, a column tail past the wide step
            "BF16,301,128,9", "BF16,41,2880,5", "BF16,7,80,4",
            // narrow matrices in row panels: whole panels, an odd number with a partial last one and 32 tokens, the
            // widest panelled width, one past it (row-major again)
            "BF16,64,64,1", "BF16,333,64,32", "BF16,130,256,5", "BF16,200,258,3",
            // batch-1 rows in four streams: a piece with a remainder of 1-3 rows, and a width that is not a multiple
            // of 32 (one stream)
            "BF16,37,320,1", "BF16,1030,320,1", "BF16,45,258,1",
            // column tiles (32+ tokens, wider than the panels): whole tiles and a partial one (64 rows with AVX-512, 16
            // with AVX2), tokens past the last whole register tile
            "BF16,150,320,37", "BF16,70,2880,33"})
    void denseMatmulMatchesReference(DType dtype, int rows, int cols, int tokens) {
        Random r = new Random(rows * 31L + cols + tokens);
        Matrix w = randomMatrix(r, dtype, rows, cols);
        float[] x = random(r, tokens * cols);
        float[] got = new float[tokens * rows], want = new float[tokens * rows];
        FAST.matmul(w, x, tokens, got);
        REF.matmul(w, x, tokens, want);
        assertClose(got, want, rows, tokens, x, cols);
    }

    @ParameterizedTest
    @CsvSource({"3,40,64,1", "2,33,96,1", "4,64,2880,1", "2,17,128,4", "3,19,96,7", "2,8,64,13", "2,17,128,11", "1,6,192,8",
            // tiled prefill: one partial tile, or whole tiles (16 rows with AVX2, 64 with AVX-512) and a partial one; tokens after
            // the whole register tiles (6 with AVX2, 4 with AVX-512)
            "2,37,128,11", "1,50,2880,9", "2,37,128,10", "1,21,2880,14", "2,150,128,13", "1,70,2880,9",
            // the 512-bit decode path (AVX-512, 1-3 tokens): quads only, a pair rest, a pair and an odd block, a
            // single odd block, 2 and 3 tokens
            "2,9,1024,1", "2,7,192,1", "2,5,224,1", "3,6,160,1", "2,5,384,2", "2,4,2880,3"})
    void mxfp4MatmulMatchesReference(int experts, int rows, int cols, int tokens) {
        Random r = new Random(experts * 131L + rows + cols + tokens);
        Mxfp4Experts w = randomExperts(r, experts, rows, cols);
        float[] x = random(r, tokens * cols);
        for (int e = 0; e < experts; e++) {
            float[] got = new float[tokens * rows], want = new float[tokens * rows];
            FAST.matmulMxfp4(w, e, x, tokens, got);
            REF.matmulMxfp4(w, e, x, tokens, want);
            assertClose(got, want, rows, tokens, x, cols);
        }
    }

    @ParameterizedTest
    @CsvSource({"333,64,32", "333,64,1", "45,96,5", "40,300,3"})
    void oneArrayPerTokenHoldsTheSameRows(int rows, int cols, int tokens) {
        // panelled (narrow) and row-major matrices, the vector kernels and the reference's default
        Random r = new Random(rows * 7L + cols + tokens);
        Matrix w = randomMatrix(r, DType.BF16, rows, cols);
        float[] x = random(r, tokens * cols);
        for (CpuKernels k : new CpuKernels[] {FAST, REF}) {
            float[] flat = new float[tokens * rows];
            k.matmul(w, x, tokens, flat);
            float[][] perToken = new float[tokens + 1][rows + 3];      // longer than needed: the rest stays untouched
            for (float[] row : perToken) {
                java.util.Arrays.fill(row, -7f);
            }
            k.matmul(w, x, tokens, perToken);
            for (int t = 0; t < tokens; t++) {
                // the same rows, up to the last bits: a kernel's horizontal sums round differently before and after the
                // JIT compiles it (the known reproducibility limitation, docs/engine.md), and the two calls can fall
                // on either side of that; a row in the wrong place is off by far more
                for (int i = 0; i < rows; i++) {
                    float want = flat[t * rows + i];
                    assertThat(perToken[t][i]).as("%s token %d row %d", k.name(), t, i)
                            .isCloseTo(want, org.assertj.core.data.Offset.offset(1e-5f * Math.max(1f, Math.abs(want))));
                }
                assertThat(java.util.Arrays.copyOfRange(perToken[t], rows, rows + 3)).containsOnly(-7f);
            }
            assertThat(perToken[tokens]).containsOnly(-7f);
        }
    }

    @Test
    void rowPanelsRefuseMatricesThatDoNotSuitThem() {
        Random r = new Random(3);
        for (Matrix w : new Matrix[] {randomMatrix(r, DType.BF16, 100, 258), randomMatrix(r, DType.BF16, 10, 64),
                randomMatrix(r, DType.F32, 100, 64)}) {
            assertThat(Bf16Panels.suits(w)).isFalse();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Bf16Panels(w))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'random'").hasMessageContaining("row panels");
        }
        assertThat(Bf16Panels.suits(randomMatrix(r, DType.BF16, 4 * Bf16Panels.P, 256))).isTrue();
    }

    @Test
    void mxfp4ExtremeScalesMatchTheReference() {
        // row 0: every scale byte 0 (the subnormal 2^-127, which a shift of the byte into the exponent alone would
        // turn into 0); row 1: scale 1; row 2: 127 and 200 alternating
        Random r = new Random(5);
        int rows = 3, cols = 256, nb = cols / 32;
        Mxfp4Experts w = randomExperts(r, 1, rows, cols);
        int[][] scale = {{0}, {1}, {127, 200}};
        for (int row = 0; row < rows; row++) {
            for (int g = 0; g < nb; g++) {
                w.scales().set(ValueLayout.JAVA_BYTE, w.scaleOffset(0, row) + g, (byte) scale[row][g % scale[row].length]);
            }
        }
        for (int tokens = 1; tokens <= 4; tokens++) {
            float[] x = random(r, tokens * cols);
            float[] got = new float[tokens * rows], want = new float[tokens * rows];
            FAST.matmulMxfp4(w, 0, x, tokens, got);
            REF.matmulMxfp4(w, 0, x, tokens, want);
            for (int t = 0; t < tokens; t++) {
                for (int row = 0; row < rows; row++) {
                    double abs = 0;                 // Σ|w·x|: the scale of the rounding errors
                    for (int c = 0; c < cols; c++) {
                        abs += Math.abs((double) w.get(0, row, c) * x[t * cols + c]);
                    }
                    assertThat(abs).as("row %d is not all zero", row).isPositive();
                    assertThat((double) got[t * rows + row]).as("tokens %d token %d row %d", tokens, t, row)
                            .isCloseTo(want[t * rows + row], org.assertj.core.data.Offset.offset(1e-5 * abs));
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"1,128", "1,2880", "5,96"})
    void severalMatricesWithOneInputMatchOneAtATime(int tokens, int cols) {
        Random r = new Random(tokens * 7L + cols);
        Matrix[] ws = {randomMatrix(r, DType.BF16, 37, cols), randomMatrix(r, DType.BF16, 8, cols), randomMatrix(r, DType.BF16, 19, cols)};
        float[] x = random(r, tokens * cols);
        float[][] got = new float[3][];
        for (int i = 0; i < 3; i++) {
            got[i] = new float[tokens * ws[i].rows()];
        }
        FAST.matmul(ws, x, tokens, got);
        for (int i = 0; i < 3; i++) {
            float[] want = new float[tokens * ws[i].rows()];
            REF.matmul(ws[i], x, tokens, want);
            assertClose(got[i], want, ws[i].rows(), tokens, x, cols);
        }
    }

    @Test
    void prefillPiecesSpanningExpertsMatchOneAtATime() {
        // three experts on the tiled path, 31 row tiles each (AVX-512; 121 with AVX2): more tiles than the job has
        // pieces, so pieces hold several tiles and cross from one expert to the next
        assertExpertsInOneCallMatchOneAtATime(new Random(78), 3, 64 * 30 + 7, 64, new int[] {2, 0, 1}, new int[] {8, 13, 9});
    }

    @Test
    void severalExpertsInOneCallMatchOneAtATime() {
        // several row tiles per expert and a partial one; decode rows, a Row4 group, two experts on the tiled path
        assertExpertsInOneCallMatchOneAtATime(new Random(77), 5, 150, 192, new int[] {4, 0, 2, 3, 1}, new int[] {1, 3, 9, 4, 13});
    }

    private static void assertExpertsInOneCallMatchOneAtATime(Random r, int count, int rows, int cols, int[] experts, int[] tokens) {
        Mxfp4Experts w = randomExperts(r, count, rows, cols);
        int n = experts.length;
        float[][] xs = new float[n][], got = new float[n][];
        for (int i = 0; i < n; i++) {
            xs[i] = random(r, tokens[i] * cols);
            got[i] = new float[tokens[i] * rows];
        }
        FAST.matmulMxfp4(w, experts, xs, tokens, got);
        for (int i = 0; i < n; i++) {
            float[] want = new float[tokens[i] * rows];
            REF.matmulMxfp4(w, experts[i], xs[i], tokens[i], want);
            assertClose(got[i], want, rows, tokens[i], xs[i], cols);
        }
    }

    @ParameterizedTest
    @CsvSource({"1,64", "3,37", "5,8"})
    void swigluMatchesReferenceIncludingTheClamps(int tokens, int inter) {
        Random r = new Random(tokens * 7L + inter);
        float[] h = new float[tokens * 2 * inter];
        for (int i = 0; i < h.length; i++) {
            h[i] = (float) (r.nextGaussian() * 6);      // often beyond the ±7 clamp once the bias is added
        }
        float[] bias = random(r, 3 * 2 * inter);
        float[] got = new float[tokens * inter], want = new float[tokens * inter];
        FAST.swiglu(h, bias, 2 * inter, tokens, inter, 1.702f, 7f, got);
        REF.swiglu(h, bias, 2 * inter, tokens, inter, 1.702f, 7f, want);
        for (int i = 0; i < want.length; i++) {
            assertThat(got[i]).as("element %d", i).isCloseTo(want[i], org.assertj.core.data.Offset.offset(1e-5f * (1 + Math.abs(want[i]))));
        }
        // spot-check the reference itself: g = 8 is clamped to 7, lin = -9 to -7
        float[] one = new float[1];
        REF.swiglu(new float[] {8f, -9f}, new float[] {0f, 0f}, 0, 1, 1, 1.702f, 7f, one);
        assertThat((double) one[0]).isCloseTo(7.0 / (1 + Math.exp(-1.702 * 7)) * (-7 + 1), org.assertj.core.data.Offset.offset(1e-5));
    }

    @Test
    void swigluOfSeveralExpertsInOneJobMatchesEachExpertAlone() {
        // 603 columns: three units of 256 columns per token, the last with a scalar tail of 3. Compared within 16
        // ulps, not to the bit: the Vector API's exp gives other bits interpreted than compiled, and the two calls here
        // may run in different tiers
        int inter = 603;
        int[] tokens = {1, 3, 2}, biasOff = {2 * 2 * inter, 0, 2 * inter};
        Random r = new Random(603);
        float[] bias = random(r, 3 * 2 * inter);
        float[][] h = new float[3][], got = new float[3][];
        for (int i = 0; i < 3; i++) {
            h[i] = new float[tokens[i] * 2 * inter];
            for (int j = 0; j < h[i].length; j++) {
                h[i][j] = (float) (r.nextGaussian() * 6);
            }
            got[i] = new float[tokens[i] * inter];
        }
        FAST.swiglu(h, bias, biasOff, tokens, inter, 1.702f, 7f, got);
        try (Parallel one = new Parallel(1)) {
            CpuKernels serial = CpuBackends.kernels(CpuBackends.Kernels.VECTOR, one);
            for (int i = 0; i < 3; i++) {
                float[] alone = new float[tokens[i] * inter], want = new float[tokens[i] * inter];
                serial.swiglu(h[i], bias, biasOff[i], tokens[i], inter, 1.702f, 7f, alone);
                REF.swiglu(h[i], bias, biasOff[i], tokens[i], inter, 1.702f, 7f, want);
                for (int j = 0; j < want.length; j++) {
                    assertThat(got[i][j]).as("expert %d element %d against the expert alone on one thread", i, j)
                            .isCloseTo(alone[j], org.assertj.core.data.Offset.offset(16 * Math.ulp(alone[j])));
                    assertThat(got[i][j]).as("expert %d element %d", i, j)
                            .isCloseTo(want[j], org.assertj.core.data.Offset.offset(1e-5f * (1 + Math.abs(want[j]))));
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"1", "7", "64", "131"})
    void expShiftMatchesReference(int n) {
        Random r = new Random(n);
        float[] a = random(r, n), b = a.clone();
        float max = 0.5f;
        float sa = FAST.expShift(a, n, max), sb = REF.expShift(b, n, max);
        for (int i = 0; i < n; i++) {
            assertThat(a[i]).isCloseTo(b[i], org.assertj.core.data.Percentage.withPercentage(1e-4));
        }
        assertThat(sa).isCloseTo(sb, org.assertj.core.data.Percentage.withPercentage(1e-4));
    }

    /**
     * The blocked attention against the row-by-row reference: rows with their own visible ranges (one sees a single
     * key), keys scattered in the layer arrays as in a paged cache, key counts that are not a multiple of the 8-key
     * block and head sizes that are not a multiple of the 8-dimension block. With 512-bit vectors, up to 8 rows take the
     * 256-bit kernel and more the 512-bit one (12: lanes left over there too).
     */
    @ParameterizedTest
    @CsvSource({"8,64,64", "3,1,64", "5,13,20", "16,200,64", "1,9,8", "4,131,72", "12,40,64", "9,17,24"})
    void attendMatchesReference(int m, int n, int hd) {
        m = Math.min(m, FAST.attendRows());
        assertAttendMatches(FAST, m, n, hd, new Random(31L * m + n + hd));
    }

    static void assertAttendMatches(CpuKernels fast, int m, int n, int hd, Random r) {
        int slots = n + 7;
        float[] keys = random(r, slots * hd), values = random(r, slots * hd), q = random(r, m * hd + 3);
        int[] kvOff = new int[n];
        List<Integer> perm = new java.util.ArrayList<>();
        for (int i = 0; i < slots; i++) {
            perm.add(i);
        }
        java.util.Collections.shuffle(perm, r);
        for (int j = 0; j < n; j++) {
            kvOff[j] = perm.get(j) * hd;
        }
        int[] qOff = new int[m], from = new int[m], to = new int[m], outOff = new int[m];
        float[] sinks = new float[m];
        for (int i = 0; i < m; i++) {
            qOff[i] = 3 + ((i * 5) % m) * hd;           // rows need not be in order
            outOff[i] = i * hd;
            sinks[i] = (float) r.nextGaussian();
            to[i] = i == 0 ? n - 1 : r.nextInt(n);
            from[i] = i == 1 ? to[i] : r.nextInt(to[i] + 1);
        }
        float[] got = new float[m * hd], want = new float[m * hd];
        float scale = (float) (1 / Math.sqrt(hd));
        fast.attend(m, q, qOff, sinks, from, to, keys, values, kvOff, n, hd, scale, got, outOff);
        REF.attend(m, q, qOff, sinks, from, to, keys, values, kvOff, n, hd, scale, want, outOff);
        for (int i = 0; i < m * hd; i++) {
            assertThat(got[i]).as("row %d dim %d", i / hd, i % hd).isCloseTo(want[i], org.assertj.core.data.Offset.offset(2e-5f));
        }
    }

    @Test
    void dotAndAxpyMatchReference() {
        Random r = new Random(5);
        float[] a = random(r, 77), b = random(r, 77);
        assertThat(FAST.dot(a, 3, b, 5, 70)).isCloseTo(REF.dot(a, 3, b, 5, 70), org.assertj.core.data.Offset.offset(1e-4f));
        float[] y1 = random(r, 77), y2 = y1.clone();
        FAST.axpy(0.37f, a, 2, y1, 1, 67);
        REF.axpy(0.37f, a, 2, y2, 1, 67);
        for (int i = 0; i < y1.length; i++) {
            assertThat(y1[i]).isCloseTo(y2[i], org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    @Test
    void parallelRethrowsFailuresAndKeepsWorking() {
        try (Parallel p = new Parallel(2)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.forRange(100, 1, (from, to) -> {
                if (from > 0) {
                    throw new IllegalStateException("boom");
                }
            })).hasMessage("boom");
            int[] hits = new int[1000];
            p.forRange(1000, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    hits[i]++;
                }
            });
            assertThat(hits).containsOnly(1);
        }
    }
}
