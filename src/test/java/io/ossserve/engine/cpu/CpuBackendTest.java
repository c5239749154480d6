package io.ossserve.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.ossserve.TestModels;
import io.ossserve.engine.Float64Reference;
import io.ossserve.engine.KvCache;
import io.ossserve.engine.StepBackend;
import io.ossserve.engine.StepChunk;
import io.ossserve.model.Checkpoint;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CpuBackendTest {

    static int[] randomTokens(long seed, int n) {
        Random r = new Random(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = r.nextInt(200_000);
        }
        return t;
    }

    static float[][] promptLogits(StepBackend b, int[] tokens) {
        float[][] out = new float[tokens.length][];
        try (KvCache cache = b.newCache(tokens.length + 8)) {
            b.step(List.of(new StepChunk(cache, tokens, StepChunk.Logits.ALL)), (ci, j, l) -> out[j] = l.clone());
        }
        return out;
    }

    static int argmax(float[] a) {
        int best = 0;
        for (int i = 1; i < a.length; i++) {
            if (a[i] > a[best]) {
                best = i;
            }
        }
        return best;
    }

    static int argmax(double[] a) {
        int best = 0;
        for (int i = 1; i < a.length; i++) {
            if (a[i] > a[best]) {
                best = i;
            }
        }
        return best;
    }

    private void assertMatchesReference(Path dir, int promptLength, CpuBackends.Kernels kernels) {
        int[] tokens = randomTokens(promptLength, promptLength);
        try (Checkpoint ck = Checkpoint.open(dir); StepBackend b = CpuBackends.create(ck.weights(), kernels, 2)) {
            float[][] got = promptLogits(b, tokens);
            double[][] want = new Float64Reference(ck.weights()).logits(tokens);
            double err = Float64Reference.relativeL2(got, want, 0);
            assertThat(err).as("relative L2 error of prompt logits (%s kernels)", kernels).isLessThan(1e-3);
            for (int t = 0; t < tokens.length; t++) {
                assertThat(argmax(got[t])).as("greedy token at row %d", t).isEqualTo(argmax(want[t]));
            }
            // the logits are not degenerate: they spread and differ between positions
            assertThat(got[0]).isNotEqualTo(got[1]);
            float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
            for (float v : got[tokens.length - 1]) {
                assertThat(Float.isFinite(v)).isTrue();
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            assertThat(max - min).isGreaterThan(1f);
        }
    }

    @Test
    void tinyPromptLogitsMatchFloat64ReferenceWithVectorKernels() {
        assertMatchesReference(TestModels.tiny(), 24, CpuBackends.Kernels.VECTOR);
    }

    @Test
    void tinyPromptLogitsMatchFloat64ReferenceWithScalarKernels() {
        assertMatchesReference(TestModels.tiny(), 20, CpuBackends.Kernels.SCALAR);
    }

    @Test
    void slidingWindowShorterThanPromptMatchesReference() {
        assertMatchesReference(TestModels.shortWindow(), 17, CpuBackends.Kernels.VECTOR);
    }

    @Test
    void originalLayoutGivesTheSameLogitsAsHfLayout() {
        int[] tokens = randomTokens(3, 9);
        try (Checkpoint hf = Checkpoint.open(TestModels.tiny());
             Checkpoint orig = Checkpoint.open(TestModels.tiny().resolve("original"));
             StepBackend a = CpuBackends.create(hf.weights(), CpuBackends.Kernels.VECTOR, 1);
             StepBackend b = CpuBackends.create(orig.weights(), CpuBackends.Kernels.VECTOR, 1)) {
            assertThat(orig.layout()).isEqualTo(Checkpoint.Layout.ORIGINAL);
            assertThat(hf.layout()).isEqualTo(Checkpoint.Layout.HF);
            float[][] la = promptLogits(a, tokens);
            float[][] lb = promptLogits(b, tokens);
            // same weights; only the JIT's lane-reduction order may differ between the two runs
            for (int t = 0; t < tokens.length; t++) {
                assertThat(maxAbsDiff(lb[t], la[t])).as("row %d", t).isLessThan(1e-4f);
            }
        }
    }

    /**
     * 16 tokens in a cache of 32 positions; 150 in one of 200, which grows (its keys and values moved to a longer stride
     * per KV head) from 64 positions to 128 and to 200 while decoding.
     */
    @ParameterizedTest
    @CsvSource({"16,32,4", "150,200,40"})
    void decodingTokenByTokenEqualsFullRecomputationPastTheWindow(int length, int capacity, int prefix) {
        Path dir = TestModels.shortWindow();
        int[] tokens = randomTokens(99, length);   // window is 5
        try (Checkpoint ck = Checkpoint.open(dir); StepBackend b = CpuBackends.create(ck.weights(), CpuBackends.Kernels.VECTOR, 2)) {
            float[][] full = promptLogits(b, tokens);
            try (KvCache cache = b.newCache(capacity)) {
                float[][] inc = new float[tokens.length][];
                int[] first = java.util.Arrays.copyOf(tokens, prefix);
                b.step(List.of(new StepChunk(cache, first, StepChunk.Logits.ALL)), (ci, j, l) -> inc[j] = l.clone());
                for (int t = prefix; t < tokens.length; t++) {
                    int row = t;
                    b.step(List.of(new StepChunk(cache, new int[] {tokens[t]}, StepChunk.Logits.LAST)), (ci, j, l) -> inc[row] = l.clone());
                }
                assertThat(cache.length()).isEqualTo(tokens.length);
                for (int t = 0; t < tokens.length; t++) {
                    double num = 0, den = 0;
                    for (int i = 0; i < full[t].length; i++) {
                        num += (inc[t][i] - full[t][i]) * (inc[t][i] - full[t][i]);
                        den += full[t][i] * full[t][i];
                    }
                    assertThat(Math.sqrt(num / den)).as("row %d", t).isLessThan(1e-5);
                }
            }
        }
    }

    @Test
    void batchedStepEqualsSeparateSteps() {
        int[] a = randomTokens(5, 7), bTok = randomTokens(6, 3);
        try (Checkpoint ck = Checkpoint.open(TestModels.tiny()); StepBackend b = CpuBackends.create(ck.weights(), CpuBackends.Kernels.VECTOR, 2)) {
            float[][] sepA = promptLogits(b, a);
            float[][] sepB = promptLogits(b, bTok);
            float[][] batched = new float[2][];
            try (KvCache ca = b.newCache(16); KvCache cb = b.newCache(16)) {
                b.step(List.of(new StepChunk(ca, a, StepChunk.Logits.LAST), new StepChunk(cb, bTok, StepChunk.Logits.LAST)),
                        (ci, j, l) -> batched[ci] = l.clone());
            }
            assertThat(maxAbsDiff(batched[0], sepA[a.length - 1])).isLessThan(1e-4f);
            assertThat(maxAbsDiff(batched[1], sepB[bTok.length - 1])).isLessThan(1e-4f);
        }
    }

    static float maxAbsDiff(float[] x, float[] y) {
        float m = 0;
        for (int i = 0; i < x.length; i++) {
            m = Math.max(m, Math.abs(x[i] - y[i]));
        }
        return m;
    }
}
