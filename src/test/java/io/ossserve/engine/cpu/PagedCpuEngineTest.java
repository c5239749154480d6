package io.ossserve.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.ossserve.TestModels;
import io.ossserve.engine.Completion;
import io.ossserve.engine.ContinuousBatchingEngine;
import io.ossserve.engine.EngineOptions;
import io.ossserve.engine.GenerateRequest;
import io.ossserve.engine.Generator;
import io.ossserve.engine.SampledToken;
import io.ossserve.engine.SamplingParams;
import io.ossserve.engine.TokenSink;
import io.ossserve.model.Checkpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The batched, paged, prefix-cached engine on the real CPU backend gives the single-sequence generator's tokens. */
class PagedCpuEngineTest {

    @Test
    void batchedPagedGenerationMatchesTheSingleSequenceGenerator() throws Exception {
        try (Checkpoint ck = Checkpoint.open(TestModels.tiny());
             CpuBackend backend = CpuBackends.create(ck.weights(), CpuBackends.Kernels.AUTO, 2)) {
            int n = 6;
            List<int[]> prompts = new ArrayList<>();
            List<int[]> want = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int[] p = CpuBackendTest.randomTokens(40 + i, 9 + 7 * i);   // 9..44 tokens: past the 16-token window
                if (i == n - 1) {
                    p = java.util.Arrays.copyOf(prompts.get(n - 2), prompts.get(n - 2).length + 3);   // shared prefix
                    p[p.length - 1] = 11;
                    p[p.length - 2] = 12;
                    p[p.length - 3] = 13;
                }
                prompts.add(p);
                want.add(Generator.generate(backend, p, SamplingParams.GREEDY, 12, Set.of(), null, null).tokens());
            }
            CpuPagedKvStore store = CpuPagedKvStore.withBlocks(backend.config(), 64, 8);
            try (var engine = new ContinuousBatchingEngine(backend, store, new EngineOptions(8, 24, 16, 4096, 64, 8, true))) {
                List<CompletableFuture<int[]>> got = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    if (i == n - 1) {
                        got.get(n - 2).get(60, TimeUnit.SECONDS);   // let the shared prefix be published
                    }
                    got.add(run(engine, "r" + i, prompts.get(i)));
                }
                for (int i = 0; i < n; i++) {
                    assertThat(got.get(i).get(60, TimeUnit.SECONDS)).as("request " + i).containsExactly(want.get(i));
                }
                assertThat(engine.stats().prefixHitTokens()).isPositive();
                assertThat(engine.stats().kvBlocksUsed()).isZero();
            }
        }
    }

    private static CompletableFuture<int[]> run(ContinuousBatchingEngine engine, String id, int[] prompt) {
        CompletableFuture<int[]> f = new CompletableFuture<>();
        List<Integer> out = new ArrayList<>();
        engine.submit(new GenerateRequest(id, prompt, SamplingParams.GREEDY, 12, Set.of(), null, "t", false), new TokenSink() {
            @Override
            public void onToken(SampledToken token) {
                out.add(token.token());
            }

            @Override
            public void onFinish(Completion completion) {
                f.complete(out.stream().mapToInt(Integer::intValue).toArray());
            }

            @Override
            public void onError(Throwable error) {
                f.completeExceptionally(error);
            }
        });
        return f;
    }
}
