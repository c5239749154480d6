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

/** The batched, paged, prefix-cached engine on the real CPU backend gives the single-sequence generator's tokens. */
class PagedCpuEngineTest {

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void batchedPagedGenerationMatchesTheSingleSequenceGenerator(boolean sampled) throws Exception {
        // sampled: a seed per request, top-k 5 at temperature 0.5; the batched engine samples the sequences of a
        // step on several threads, and each must still draw exactly what it draws alone. (A flat distribution over
        // the whole vocabulary would not do: batched and single steps sum in different orders, and 1e-7 changes
        // in 200k nearly equal probabilities move the draw.)
        int drawsDiffer = 0;
        java.util.function.IntFunction<SamplingParams> params = i -> sampled
                ? new SamplingParams(0.5, 1.0, 5, 1000L + i, 0) : SamplingParams.GREEDY;
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
                want.add(Generator.generate(backend, p, params.apply(i), 12, Set.of(), null, null).tokens());
                if (sampled && !java.util.Arrays.equals(want.getLast(),
                        Generator.generate(backend, p, SamplingParams.GREEDY, 12, Set.of(), null, null).tokens())) {
                    drawsDiffer++;
                }
            }
            CpuPagedKvStore store = CpuPagedKvStore.withBlocks(backend.config(), 64, 8);
            try (var engine = new ContinuousBatchingEngine(backend, store, new EngineOptions(8, 24, 16, 4096, 64, 8, true))) {
                List<CompletableFuture<int[]>> got = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    if (i == n - 1) {
                        got.get(n - 2).get(60, TimeUnit.SECONDS);   // let the shared prefix be published
                    }
                    got.add(run(engine, "r" + i, prompts.get(i), params.apply(i)));
                }
                for (int i = 0; i < n; i++) {
                    assertThat(got.get(i).get(60, TimeUnit.SECONDS)).as("request " + i).containsExactly(want.get(i));
                }
                assertThat(engine.stats().prefixHitTokens()).isPositive();
                if (sampled) {
                    assertThat(drawsDiffer).as("sampling chose other tokens than greedy somewhere").isPositive();
                }
                assertThat(engine.stats().kvBlocksUsed()).isZero();
            }
        }
    }

    private static CompletableFuture<int[]> run(ContinuousBatchingEngine engine, String id, int[] prompt, SamplingParams params) {
        CompletableFuture<int[]> f = new CompletableFuture<>();
        List<Integer> out = new ArrayList<>();
        engine.submit(new GenerateRequest(id, prompt, params, 12, Set.of(), null, "t", false), new TokenSink() {
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
