package io.ossserve.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.ossserve.model.DType;
import io.ossserve.model.Matrix;
import io.ossserve.model.Mxfp4Experts;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.IntVector;
import org.junit.jupiter.api.Test;

/**
 * The kernels choose their paths by the machine's widest vectors (AVX-512: 16-entry permute, 64-row column tiles;
 * AVX2: 8-entry table with a sign fix-up or the shift decode, 16-row column tiles). This test runs the kernel
 * comparisons again in a JVM limited to
 * AVX2 ({@code -XX:UseAVX=2}), so both sets stay tested on whichever machine runs the build.
 */
class VectorKernelsAvx2Test {

    @Test
    void avx2PathsMatchTheReferenceKernels() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(List.of(java, "-XX:UseAVX=2", "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                SelfCheck.class.getName())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("preferred 256 bits, two-table false").contains("shift decode calls 2").contains("self-check passed");
    }

    /** Runs in the AVX2-limited JVM: the comparisons of {@link VectorKernelsTest}, exit code 1 on a mismatch. */
    public static final class SelfCheck {
        public static void main(String[] args) {
            System.out.println("preferred " + IntVector.SPECIES_PREFERRED.vectorBitSize() + " bits, two-table "
                    + VectorMxfp4.TWO_TABLE);
            try (Parallel par = new Parallel(2); Parallel one = new Parallel(1)) {
                CpuKernels fast = new VectorKernels(par), ref = new ScalarKernels(one);
                Random r = new Random(5);
                for (int[] c : new int[][] {{37, 64, 1}, {64, 2880, 1}, {21, 128, 9}, {301, 128, 9}, {7, 80, 4}, {37, 320, 33}, {21, 258, 32}}) {
                    Matrix w = VectorKernelsTest.randomMatrix(r, DType.BF16, c[0], c[1]);
                    float[] x = VectorKernelsTest.random(r, c[2] * c[1]);
                    float[] got = new float[c[2] * c[0]], want = new float[c[2] * c[0]];
                    fast.matmul(w, x, c[2], got);
                    ref.matmul(w, x, c[2], want);
                    VectorKernelsTest.assertClose(got, want, c[0], c[2], x, c[1]);
                }
                for (int[] c : new int[][] {{40, 64, 1}, {64, 2880, 1}, {17, 128, 4}, {37, 128, 11}, {50, 2880, 9}}) {
                    Mxfp4Experts w = VectorKernelsTest.randomExperts(r, 2, c[0], c[1]);
                    float[] x = VectorKernelsTest.random(r, c[2] * c[1]);
                    float[] got = new float[c[2] * c[0]], want = new float[c[2] * c[0]];
                    fast.matmulMxfp4(w, 1, x, c[2], got);
                    ref.matmulMxfp4(w, 1, x, c[2], want);
                    VectorKernelsTest.assertClose(got, want, c[0], c[2], x, c[1]);
                }
                // batch-1 MXFP4 through the shift decode (used on 256-bit vectors only), against the table decode
                VectorKernels table = new VectorKernels(par, Mxfp4DecodeChoice.Mode.TABLE);
                VectorKernels shift = new VectorKernels(par, Mxfp4DecodeChoice.Mode.SHIFT);
                for (int cols : new int[] {256, 2880}) {
                    VectorMxfp4ShiftTest.assertDecodesAgree(table, shift, VectorKernelsTest.randomExperts(r, 4, 40, cols),
                            VectorKernelsTest.random(r, cols), 1);
                }
                System.out.println("shift decode calls " + shift.mxfp4ShiftCalls());
                for (int[] c : new int[][] {{8, 64, 64}, {5, 13, 20}, {3, 1, 64}}) {
                    VectorKernelsTest.assertAttendMatches(fast, Math.min(c[0], fast.attendRows()), c[1], c[2], r);
                }
            } catch (AssertionError e) {
                System.out.println("mismatch: " + e.getMessage());
                System.exit(1);
            }
            System.out.println("self-check passed");
        }
    }
}
