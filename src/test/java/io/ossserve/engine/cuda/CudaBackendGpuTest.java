package io.ossserve.engine.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ossserve.TestModels;
import io.ossserve.engine.KvCache;
import io.ossserve.engine.Sampler;
import io.ossserve.engine.SampledToken;
import io.ossserve.engine.SamplingParams;
import io.ossserve.engine.StepBackend;
import io.ossserve.engine.StepChunk;
import io.ossserve.engine.cpu.CpuBackends;
import io.ossserve.model.Checkpoint;
import io.ossserve.model.Presets;
import io.ossserve.model.RandomCheckpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** End to end: the CUDA backend computes the CPU engine's function (tolerances stated per test). */
@Tag("gpu")
class CudaBackendGpuTest {

    @BeforeEach
    void device() {
        Gpu.assumeDevice();
    }

    static int[] tokens(long seed, int n) {
        return new Random(seed).ints(n, 0, 200_000).toArray();
    }

    static float[][] prompt(StepBackend b, int[] tokens) {
        float[][] out = new float[tokens.length][];
        try (KvCache cache = b.newCache(tokens.length + 8)) {
            b.step(List.of(new StepChunk(cache, tokens, StepChunk.Logits.ALL)), (ci, j, l) -> out[j] = l.clone());
        }
        return out;
    }

    static int argmax(float[] a) {
        return Sampler.withLogprobs(a, 0, 1).top().get(0).token();
    }

    /** Prompt, then {@code steps} greedy decode steps; returns the generated tokens. */
    static int[] greedy(StepBackend b, int[] prompt, int steps) {
        int[] out = new int[steps];
        try (KvCache cache = b.newCache(prompt.length + steps + 1)) {
            int[] next = new int[1];
            b.step(List.of(new StepChunk(cache, prompt, StepChunk.Logits.LAST)), (ci, j, l) -> next[0] = argmax(l));
            for (int s = 0; s < steps; s++) {
                out[s] = next[0];
                b.step(List.of(new StepChunk(cache, new int[] {next[0]}, StepChunk.Logits.LAST)), (ci, j, l) -> next[0] = argmax(l));
            }
        }
        return out;
    }

    private static void assertLogitsMatchCpu(Path dir, int promptLength, double tolerance) {
        int[] t = tokens(promptLength, promptLength);
        try (Checkpoint ck = Checkpoint.open(dir);
                StepBackend cpu = CpuBackends.create(ck.weights(), CpuBackends.Kernels.AUTO, 0);
                CudaBackend gpu = CudaBackends.create(ck.weights(), CudaOptions.DEFAULTS.withKvCacheBytes(256L << 20))) {
            float[][] want = prompt(cpu, t), got = prompt(gpu, t);
            for (int r = 0; r < t.length; r++) {
                assertThat(Gpu.relL2(got[r], want[r])).as("relative L2 of logits row %d", r).isLessThanOrEqualTo(tolerance);
            }
        }
    }

    @Test
    void tinyPromptLogitsMatchTheCpuEngine() {
        assertLogitsMatchCpu(TestModels.tiny(), 40, 2e-3);               // 40 > window 16: banded layers exercised
    }

    @Test
    void twoLayerCheckpointWithGptOss20bDimensionsMatchesTheCpuEngine() {
        Path dir = TestModels.get("20b-2layers", Presets.shape(2, 32, 4, 2880, 2880, 64, 64, 8, 128), 5,
                RandomCheckpoint.Layouts.HF);
        assertLogitsMatchCpu(dir, 12, 2e-3);
    }

    @Test
    void greedyTokensAreIdenticalToTheCpuEngineFor64Steps() {
        try (Checkpoint ck = Checkpoint.open(TestModels.tiny());
                StepBackend cpu = CpuBackends.create(ck.weights(), CpuBackends.Kernels.AUTO, 0);
                CudaBackend gpu = CudaBackends.create(ck.weights(), CudaOptions.DEFAULTS.withKvCacheBytes(64L << 20))) {
            int[] p = tokens(3, 9);
            assertThat(greedy(gpu, p, 64)).containsExactly(greedy(cpu, p, 64));
        }
    }

    @Test
    void graphReplayEqualsEagerLaunchesAndBatchingDoesNotChangeRows() {
        try (Checkpoint ck = Checkpoint.open(TestModels.tiny());
                CudaBackend graphs = CudaBackends.create(ck.weights(), CudaOptions.DEFAULTS.withKvCacheBytes(64L << 20));
                CudaBackend eager = CudaBackends.create(ck.weights(), CudaOptions.DEFAULTS.withKvCacheBytes(64L << 20).withGraphs(false))) {
            int[][] prompts = {tokens(1, 5), tokens(2, 17), tokens(3, 1)};
            List<float[]> batched = decodeBatch(graphs, prompts, 6), single = new ArrayList<>();
            for (int[] p : prompts) {
                single.addAll(decodeBatch(eager, new int[][] {p}, 6));
            }
            // rows of the batch are computed exactly as alone (same per-row summation order)
            List<float[]> reordered = new ArrayList<>();
            for (int s = 0; s < prompts.length; s++) {
                for (int step = 0; step < 6; step++) {
                    reordered.add(batched.get(step * prompts.length + s));
                }
            }
            for (int i = 0; i < single.size(); i++) {
                assertThat(reordered.get(i)).as("row %d", i).containsExactly(single.get(i));
            }
        }
    }

    /** Decodes all prompts together for {@code steps} steps feeding back token (7 * step) % 1000; logits per step per sequence. */
    private static List<float[]> decodeBatch(CudaBackend b, int[][] prompts, int steps) {
        List<KvCache> caches = new ArrayList<>();
        List<float[]> out = new ArrayList<>();
        try {
            for (int[] p : prompts) {
                KvCache c = b.newCache(p.length + steps);
                caches.add(c);
                b.step(List.of(new StepChunk(c, p, StepChunk.Logits.NONE)), (ci, j, l) -> { });
            }
            for (int step = 0; step < steps; step++) {
                List<StepChunk> chunks = new ArrayList<>();
                for (KvCache c : caches) {
                    chunks.add(new StepChunk(c, new int[] {(7 * step + 3 * chunks.size()) % 1000}, StepChunk.Logits.LAST));
                }
                float[][] rows = new float[caches.size()][];
                b.step(chunks, (ci, j, l) -> rows[ci] = l.clone());
                out.addAll(List.of(rows));
            }
        } finally {
            caches.forEach(KvCache::close);
        }
        return out;
    }

    @Test
    void onDeviceSamplingAgreesWithHostLogits() {
        try (Checkpoint ck = Checkpoint.open(TestModels.tiny());
                CudaBackend gpu = CudaBackends.create(ck.weights(), CudaOptions.DEFAULTS.withKvCacheBytes(64L << 20));
                KvCache a = gpu.newCache(64); KvCache b = gpu.newCache(64)) {
            int[] p = tokens(9, 12);
            float[][] logits = new float[1][];
            gpu.step(List.of(new StepChunk(a, p, StepChunk.Logits.LAST)), (ci, j, l) -> logits[0] = l.clone());
            SampledToken want = Sampler.withLogprobs(logits[0], argmax(logits[0]), 5);
            SampledToken got = gpu.sampleStep(List.of(new StepChunk(b, p, StepChunk.Logits.LAST)),
                    List.of(new SamplingParams(0, 1, 0, 0L, 5)), new int[] {0}).get(0);
            assertThat(got.token()).isEqualTo(want.token());
            assertThat((double) got.logprob()).isCloseTo(want.logprob(), org.assertj.core.data.Offset.offset(1e-3));
            assertThat(got.top().stream().map(SampledToken.TokenLogprob::token).toList())
                    .containsExactlyElementsOf(want.top().stream().map(SampledToken.TokenLogprob::token).toList());
            // seeded draws are reproducible; top-k keeps the draw inside the k most likely tokens
            int len = a.length();
            gpu.step(List.of(new StepChunk(a, new int[] {5}, StepChunk.Logits.LAST)), (ci, j, l) -> logits[0] = l.clone());
            a.truncate(len);
            List<Integer> top5 = Sampler.withLogprobs(logits[0], 0, 5).top().stream().map(SampledToken.TokenLogprob::token).toList();
            for (int draw = 0; draw < 20; draw++) {
                int d1 = drawOnce(gpu, a, new SamplingParams(1.0, 1, 5, 77L, 0), draw);
                int d2 = drawOnce(gpu, a, new SamplingParams(1.0, 1, 5, 77L, 0), draw);
                assertThat(d1).isEqualTo(d2).isIn(top5);
                assertThat(drawOnce(gpu, a, new SamplingParams(0.7, 1e-6, 0, (long) draw, 0), draw)).isEqualTo(top5.get(0));
            }
        }
    }

    /** Samples from a copy of the sequence (truncating back afterwards keeps the cache unchanged). */
    private static int drawOnce(CudaBackend gpu, KvCache cache, SamplingParams sp, int draw) {
        int len = cache.length();
        int last = 5;
        int tok = gpu.sampleStep(List.of(new StepChunk(cache, new int[] {last}, StepChunk.Logits.LAST)), List.of(sp),
                new int[] {draw}).get(0).token();
        cache.truncate(len);
        return tok;
    }

    @Test
    void aCudaErrorMarksTheBackendFailedAndReleasesTheDevice() {
        try (Checkpoint ck = Checkpoint.open(TestModels.tiny());
                CudaBackend gpu = CudaBackends.create(ck.weights(), CudaOptions.DEFAULTS.withKvCacheBytes(64L << 20))) {
            assertThatThrownBy(() -> gpu.guarded("test", () -> {
                gpu.device().launch("f32_residual_add_rmsnorm", 1, 1, 4096, 0, new KernelArgs().ptr(0));   // invalid block size
                return null;
            })).isInstanceOf(CudaBackendException.class).hasMessageContaining("marked failed");
            assertThat(gpu.failure()).isPresent();
            assertThatThrownBy(() -> gpu.newCache(4)).hasMessageContaining("failed earlier");
        }
    }

    @Test
    void closeReleasesDeviceMemory() {
        long before;
        try (CudaDevice probe = CudaBackends.open(0)) {
            before = probe.freeMemory();
        }
        try (Checkpoint ck = Checkpoint.open(TestModels.tiny())) {
            CudaBackend gpu = CudaBackends.create(ck.weights(), CudaOptions.DEFAULTS.withKvCacheBytes(512L << 20));
            assertThat(gpu.device().allocatedBytes()).isGreaterThan(512L << 20);
            gpu.close();
        }
        try (CudaDevice probe = CudaBackends.open(0)) {
            assertThat(probe.freeMemory()).isGreaterThan(before - (64L << 20));
        }
    }
}
