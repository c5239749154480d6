package io.ossserve.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.ossserve.model.Mxfp4Experts;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The shift decode of batch-1 MXFP4 rows ({@link VectorMxfp4Shift}) gives the table decode's results to the bit inside
 * its input and scale ranges (checked in the interpreter), refuses what lies outside them, and {@link VectorKernels}
 * falls back to the table decode there (the decode choice itself: {@link Mxfp4DecodeChoiceTest}).
 */
class VectorMxfp4ShiftTest {

    private static final Parallel PARALLEL = new Parallel(2);

    @AfterAll
    static void close() {
        PARALLEL.close();
    }

    /** Inputs of magnitude 2^e with e uniform in [-62, 61], random signs and mantissas, and some zeros. */
    private static float[] wideInputs(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextInt(16) == 0 ? 0 : Math.scalb(1 + r.nextFloat(), r.nextInt(124) - 62) * (r.nextBoolean() ? 1 : -1);
        }
        return x;
    }

    private static Mxfp4Experts experts(Random r, int count, int rows, int cols, int maxScale) {
        Mxfp4Experts w = VectorKernelsTest.randomExperts(r, count, rows, cols);
        for (long i = 0; i < w.scales().byteSize(); i++) {
            w.scales().set(ValueLayout.JAVA_BYTE, i, (byte) r.nextInt(maxScale + 1));
        }
        return w;
    }

    /** The shapes compared: a pair per row, 16 pairs (small), 45 (gpt-oss: 22 quads and a pair), 3 (a quad and a pair). */
    private static final int[][] SHAPES = {{37, 64}, {19, 1024}, {9, 2880}, {3, 192}};

    /**
     * Both decodes on random rows with every scale byte the shift decode accepts (0 is the subnormal 2^-127) and inputs
     * of normal magnitude, then spread over its whole range, on 256-bit vectors and on 512-bit ones (whatever this
     * machine's widest: the Vector API runs 512-bit code on AVX2 too, only slower); calls {@code check} with each row's
     * two results and Σ|w·x| (the scale of the rounding errors). Rows from 2 on: a range, not the whole expert.
     */
    private static void compare(RowCheck check) {
        for (boolean wide : new boolean[] {false, true}) {
            for (int[] shape : SHAPES) {
                compare(wide, shape[0], shape[1], check);
            }
        }
    }

    private static void compare(boolean wide, int rows, int cols, RowCheck check) {
        Random r = new Random(rows * 17L + cols);
        for (int round = 0; round < 3; round++) {
            Mxfp4Experts w = experts(r, 2, rows, cols, 191);
            float[] x = round == 0 ? VectorKernelsTest.random(r, cols) : wideInputs(r, cols);
            float[] table = new float[cols], shifted = new float[cols];
            if (wide) {
                VectorMxfp4.interleave16(x, 0, cols, table, 0);
                assertThat(VectorMxfp4Shift.wideLayout(x, 0, cols, shifted, 0)).isTrue();
            } else {
                VectorMxfp4.interleave8(x, 0, cols, table, 0);
                assertThat(VectorMxfp4Shift.layout(x, 0, cols, shifted, 0)).isTrue();
            }
            assertThat(VectorMxfp4Shift.scalesFit(w)).isTrue();
            for (int e = 0; e < 2; e++) {
                float[] want = new float[rows], got = new float[rows];
                if (wide) {
                    VectorMxfp4.wideRows(w, e, table, 0, want, 0, 0, rows);
                    VectorMxfp4Shift.wideRows(w, e, shifted, got, 2, rows);
                } else {
                    VectorMxfp4.pairRows(w, e, table, want, 0, rows);
                    VectorMxfp4Shift.rows(w, e, shifted, got, 2, rows);
                }
                assertThat(got[0]).isZero();
                assertThat(got[1]).isZero();
                for (int row = 2; row < rows; row++) {
                    double abs = 0;
                    for (int c = 0; c < cols; c++) {
                        abs += Math.abs((double) w.get(e, row, c) * x[c]);
                    }
                    String what = String.format("%s %dx%d round %d expert %d row %d", wide ? "512-bit" : "256-bit", rows,
                            cols, round, e, row);
                    check.row(what, got[row], want[row], abs);
                }
            }
        }
    }

    @FunctionalInterface
    private interface RowCheck {
        void row(String what, float got, float want, double abs);
    }

    @Test
    void shiftDecodeMatchesTheTableDecode() {
        // in this JVM one kernel may run compiled and the other not yet, and the interpreter sums a vector's lanes in
        // another order than compiled code: close here, the same bits in the test below
        compare((what, got, want, abs) -> assertThat((double) got).as(what)
                .isCloseTo(want, org.assertj.core.data.Offset.offset(1e-6 * abs)));
    }

    @Test
    void shiftDecodeGivesTheTableDecodesBitsInTheInterpreter() throws Exception {
        // -Xint: every lane-wise operation is the IEEE operation and both kernels sum their lanes in the same order, so
        // equal bits check the claim that every product and partial sum is the table decode's times 2^-62, exactly
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(List.of(java, "-Xint", "--add-modules", "jdk.incubator.vector", "-cp",
                System.getProperty("java.class.path"), SameBits.class.getName())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("rows compared: 720").contains("same bits");
    }

    /** Runs in the interpreter: {@link #compare} with equal bits required; exit code 1 on a difference. */
    public static final class SameBits {
        public static void main(String[] args) {
            int[] rows = {0};
            try {
                compare((what, got, want, abs) -> {
                    rows[0]++;
                    assertThat(Float.floatToRawIntBits(got)).as("%s: %s against %s", what, got, want)
                            .isEqualTo(Float.floatToRawIntBits(want));
                });
            } catch (AssertionError e) {
                System.out.println("difference: " + e.getMessage());
                System.exit(1);
            }
            System.out.println("rows compared: " + rows[0]);
            System.out.println("same bits");
        }
    }

    @Test
    void layoutRefusesInputsOutsideItsRange() {
        float big = 0x1p62f, small = 0x1p-62f;
        for (float bad : new float[] {big, -big, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Math.nextDown(small),
                -Float.MIN_VALUE, Float.MAX_VALUE}) {
            float[] x = VectorKernelsTest.random(new Random(3), 64);
            x[37] = bad;
            assertThat(VectorMxfp4Shift.layout(x, 0, 64, new float[64], 0)).as("input %s", bad).isFalse();
        }
        for (float fine : new float[] {0f, -0f, Float.NaN, small, -small, Math.nextDown(big), 1e-10f, -3e17f}) {
            float[] x = VectorKernelsTest.random(new Random(3), 64), out = new float[64];
            x[37] = fine;
            assertThat(VectorMxfp4Shift.layout(x, 0, 64, out, 0)).as("input %s", fine).isTrue();
        }
        // a second token's input is judged on its own elements: offsets are honoured
        float[] two = VectorKernelsTest.random(new Random(4), 128);
        two[10] = Float.POSITIVE_INFINITY;
        assertThat(VectorMxfp4Shift.layout(two, 64, 64, new float[128], 64)).isTrue();
        assertThat(VectorMxfp4Shift.layout(two, 0, 64, new float[128], 0)).isFalse();
    }

    @Test
    void scalesFitRefusesScaleBytesFrom192AndOddBlockCounts() {
        Random r = new Random(8);
        Mxfp4Experts w = experts(r, 1, 7, 96 + 32, 191);                  // 7 × 4 = 28 scale bytes: a 4-byte tail
        assertThat(VectorMxfp4Shift.scalesFit(w)).isTrue();
        for (long at : new long[] {0, 5, 23, 24, 27}) {                      // inside the 8-byte words and in the tail
            for (int b : new int[] {192, 193, 255}) {
                byte old = w.scales().get(ValueLayout.JAVA_BYTE, at);
                w.scales().set(ValueLayout.JAVA_BYTE, at, (byte) b);
                assertThat(VectorMxfp4Shift.scalesFit(w)).as("byte %d at %d", b, at).isFalse();
                w.scales().set(ValueLayout.JAVA_BYTE, at, old);
            }
        }
        assertThat(VectorMxfp4Shift.scalesFit(experts(r, 1, 4, 96, 100))).as("3 blocks per row").isFalse();
    }

    @Test
    void kernelsUseTheShiftDecodeOnlyWhereItGivesTheSameResults() {
        Random r = new Random(21);
        int rows = 40, cols = 256;
        // scales up to 2^3, so that the huge input below stays finite in the table decode
        Mxfp4Experts fits = experts(r, 4, rows, cols, 130), tooLarge = experts(r, 4, rows, cols, 130);
        tooLarge.scales().set(ValueLayout.JAVA_BYTE, 77, (byte) 200);
        float[] normal = VectorKernelsTest.random(r, cols), huge = VectorKernelsTest.random(r, cols);
        huge[100] = 1e19f;                                                 // above 2^62
        VectorKernels table = new VectorKernels(PARALLEL, Mxfp4DecodeChoice.Mode.TABLE);
        VectorKernels shift = new VectorKernels(PARALLEL, Mxfp4DecodeChoice.Mode.SHIFT);
        // the 512-bit shift decode with AVX-512, the 256-bit one otherwise (the AVX2 JVM of VectorKernelsAvx2Test checks
        // that one is used there too)
        assertDecodesAgree(table, shift, fits, normal, 1);
        assertDecodesAgree(table, shift, fits, huge, 0);                   // an input out of range: table decode
        assertDecodesAgree(table, shift, tooLarge, normal, 0);              // a scale byte of 200: table decode
        assertThat(table.mxfp4ShiftCalls()).isZero();
        assertThat(shift.mxfp4Decode()).isEqualTo(Mxfp4DecodeChoice.Mode.SHIFT);
    }

    /**
     * One batch-1 call of three experts through both kernels: close (the same bits once both are compiled, see above),
     * finite; counts the shift decode's use.
     */
    static void assertDecodesAgree(VectorKernels table, VectorKernels shift, Mxfp4Experts w, float[] x, long expectUsed) {
        int rows = w.rows(), cols = w.cols();
        int[] experts = {3, 0, 2}, ones = {1, 1, 1};
        float[][] xs = {x, x, x}, want = new float[3][rows], got = new float[3][rows];
        long before = shift.mxfp4ShiftCalls();
        table.matmulMxfp4(w, experts, xs, ones, want);
        shift.matmulMxfp4(w, experts, xs, ones, got);
        assertThat(shift.mxfp4ShiftCalls() - before).isEqualTo(expectUsed);
        for (int i = 0; i < 3; i++) {
            for (int row = 0; row < rows; row++) {
                double abs = 0;
                for (int c = 0; c < cols; c++) {
                    abs += Math.abs((double) w.get(experts[i], row, c) * x[c]);
                }
                assertThat(got[i][row]).as("expert %d row %d", experts[i], row).isFinite();
                assertThat((double) got[i][row]).as("expert %d row %d", experts[i], row)
                        .isCloseTo(want[i][row], org.assertj.core.data.Offset.offset(1e-6 * abs));
            }
        }
    }
}
