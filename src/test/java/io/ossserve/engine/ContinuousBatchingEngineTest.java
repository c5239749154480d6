package io.ossserve.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ContinuousBatchingEngineTest {

    static int[] prompt(long seed, int n) {
        Random r = new Random(seed);
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = 2 + r.nextInt(FakeStepBackend.VOCAB - 2);
        }
        return p;
    }

    static GenerateRequest request(String id, int[] prompt, int maxTokens, String salt) {
        return new GenerateRequest(id, prompt, SamplingParams.GREEDY, maxTokens, Set.of(), null, salt, false);
    }

    static EngineOptions options(int maxRunning, int budget, int maxWaiting, int blocks, int blockSize) {
        return new EngineOptions(maxRunning, budget, maxWaiting, 4096, blocks, blockSize, true);
    }

    static Completion await(CollectingSink s) throws Exception {
        return s.done.get(20, TimeUnit.SECONDS);
    }

    @Test
    void concurrentRequestsShareStepsAndKeepTheirOwnTokens() throws Exception {
        FakeStepBackend b = new FakeStepBackend(1024, 16);
        b.gate = new CountDownLatch(1);
        try (var engine = new ContinuousBatchingEngine(b, b, options(16, 512, 64, 1024, 16))) {
            List<CollectingSink> sinks = new ArrayList<>();
            List<int[]> prompts = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                int[] p = prompt(i, 5 + i * 3);
                prompts.add(p);
                CollectingSink s = new CollectingSink();
                sinks.add(s);
                engine.submit(request("r" + i, p, 20, null), s);
            }
            b.gate.countDown();
            for (int i = 0; i < 12; i++) {
                Completion c = await(sinks.get(i));
                assertThat(c.reason()).isEqualTo(FinishReason.LENGTH);
                assertThat(c.completionTokens()).isEqualTo(20);
                assertThat(sinks.get(i).ids()).containsExactly(FakeStepBackend.expected(prompts.get(i), 20));
            }
            int widest = b.stepShapes.stream().mapToInt(s -> s[0]).max().orElse(0);
            assertThat(widest).as("sequences in one step").isGreaterThanOrEqualTo(8);
            assertThat(engine.stats().kvBlocksUsed()).isZero();
        }
    }

    @Test
    void stepsRespectTheTokenBudgetAndChunkLongPrompts() throws Exception {
        FakeStepBackend b = new FakeStepBackend(256, 8);
        b.gate = new CountDownLatch(1);     // all four are queued before the first step runs
        try (var engine = new ContinuousBatchingEngine(b, b, options(8, 16, 64, 256, 8))) {
            List<CollectingSink> sinks = new ArrayList<>();
            List<int[]> prompts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int[] p = prompt(100 + i, 45);
                prompts.add(p);
                CollectingSink s = new CollectingSink();
                sinks.add(s);
                engine.submit(request("r" + i, p, 10, null), s);
            }
            b.gate.countDown();
            for (int i = 0; i < 4; i++) {
                await(sinks.get(i));
                assertThat(sinks.get(i).ids()).containsExactly(FakeStepBackend.expected(prompts.get(i), 10));
            }
            assertThat(b.stepShapes).allSatisfy(s -> assertThat(s[1]).isLessThanOrEqualTo(16));
            assertThat(b.stepShapes.stream().anyMatch(s -> s[0] > 1)).as("decode and prefill mixed").isTrue();
        }
    }

    @Test
    void preemptionUnderKvPressureLosesNoRequest() throws Exception {
        FakeStepBackend b = new FakeStepBackend(14, 4);
        try (var engine = new ContinuousBatchingEngine(b, b, options(8, 64, 64, 14, 4))) {
            List<CollectingSink> sinks = new ArrayList<>();
            List<int[]> prompts = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int[] p = prompt(200 + i, 9);
                prompts.add(p);
                CollectingSink s = new CollectingSink();
                sinks.add(s);
                engine.submit(request("r" + i, p, 30, "t" + i), s);
            }
            for (int i = 0; i < 5; i++) {
                Completion c = await(sinks.get(i));
                assertThat(c.completionTokens()).isEqualTo(30);
                assertThat(sinks.get(i).ids()).containsExactly(FakeStepBackend.expected(prompts.get(i), 30));
            }
            assertThat(engine.stats().preemptions()).isPositive();
            assertThat(engine.stats().kvBlocksUsed()).isZero();
        }
    }

    @Test
    void cancelLeavesTheBatchWithinAStepAndFreesBlocks() throws Exception {
        FakeStepBackend b = new FakeStepBackend(64, 4);
        b.stepDelayMillis = 20;
        try (var engine = new ContinuousBatchingEngine(b, b, options(8, 64, 64, 64, 4))) {
            CollectingSink victim = new CollectingSink(3);
            CollectingSink other = new CollectingSink();
            GenerationHandle h = engine.submit(request("victim", prompt(1, 10), 1000, null), victim);
            engine.submit(request("other", prompt(2, 10), 40, null), other);
            assertThat(victim.firstTokens.await(10, TimeUnit.SECONDS)).isTrue();
            long steps = engine.stats().steps();
            h.cancel();
            Completion c = await(victim);
            assertThat(c.reason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(engine.stats().steps() - steps).as("steps until the cancel took effect").isLessThanOrEqualTo(2);
            assertThat(h.isDone()).isTrue();
            await(other);
            assertThat(other.ids()).containsExactly(FakeStepBackend.expected(prompt(2, 10), 40));
            assertThat(engine.stats().kvBlocksUsed()).isZero();
            assertThat(engine.stats().running()).isZero();
        }
    }

    @Test
    void fullQueueIsRejectedNotQueuedForever() throws Exception {
        FakeStepBackend b = new FakeStepBackend(64, 4);
        b.gate = new CountDownLatch(1);
        try (var engine = new ContinuousBatchingEngine(b, b, options(1, 64, 2, 64, 4))) {
            CollectingSink s1 = new CollectingSink(), s2 = new CollectingSink(), s3 = new CollectingSink();
            engine.submit(request("a", prompt(1, 5), 3, null), s1);
            long until = System.nanoTime() + 5_000_000_000L;
            while (engine.stats().running() == 0 && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            engine.submit(request("b", prompt(2, 5), 3, null), s2);
            engine.submit(request("c", prompt(3, 5), 3, null), s3);
            assertThat(engine.stats().waiting()).isEqualTo(2);
            assertThatThrownBy(() -> engine.submit(request("x", prompt(3, 5), 3, null), new CollectingSink()))
                    .isInstanceOf(EngineOverloadedException.class)
                    .satisfies(e -> assertThat(((EngineOverloadedException) e).retryAfterSeconds()).isPositive());
            b.gate.countDown();
            await(s1);
            await(s2);
            await(s3);
            CollectingSink s4 = new CollectingSink();
            engine.submit(request("d", prompt(4, 5), 3, null), s4);
            assertThat(await(s4).completionTokens()).isEqualTo(3);
        }
    }

    @Test
    void prefixCacheReusesFullBlocksOnlyWithinTheSameSalt() throws Exception {
        FakeStepBackend b = new FakeStepBackend(256, 4);
        try (var engine = new ContinuousBatchingEngine(b, b, options(8, 512, 64, 256, 4))) {
            int[] p = prompt(9, 42);
            int[] want = FakeStepBackend.expected(p, 8);
            CollectingSink first = new CollectingSink();
            engine.submit(request("a1", p, 8, "tenant-a"), first);
            assertThat(await(first).cachedTokens()).isZero();
            CollectingSink again = new CollectingSink();
            engine.submit(request("a2", p, 8, "tenant-a"), again);
            assertThat(await(again).cachedTokens()).isEqualTo(40);
            assertThat(again.ids()).containsExactly(want);
            CollectingSink other = new CollectingSink();
            engine.submit(request("b1", p, 8, "tenant-b"), other);
            assertThat(await(other).cachedTokens()).as("another tenant's salt").isZero();
            assertThat(other.ids()).containsExactly(want);
            int[] longer = java.util.Arrays.copyOf(p, 50);
            System.arraycopy(prompt(10, 8), 0, longer, 42, 8);
            CollectingSink extended = new CollectingSink();
            engine.submit(request("a3", longer, 8, "tenant-a"), extended);
            assertThat(await(extended).cachedTokens()).isEqualTo(40);
            assertThat(extended.ids()).containsExactly(FakeStepBackend.expected(longer, 8));
            assertThat(engine.stats().prefixHitTokens()).isEqualTo(80);
        }
    }

    @Test
    void cachedBlocksAreEvictedWhenMemoryIsNeeded() throws Exception {
        FakeStepBackend b = new FakeStepBackend(12, 4);
        try (var engine = new ContinuousBatchingEngine(b, b, options(4, 512, 64, 12, 4))) {
            for (int i = 0; i < 6; i++) {
                int[] p = prompt(300 + i, 30);
                CollectingSink s = new CollectingSink();
                engine.submit(request("e" + i, p, 5, null), s);
                await(s);
                assertThat(s.ids()).containsExactly(FakeStepBackend.expected(p, 5));
            }
        }
    }

    @Test
    void stopTokenEndsTheGenerationAndContiguousCachesWork() throws Exception {
        FakeStepBackend b = new FakeStepBackend(64, 4);
        try (var engine = new ContinuousBatchingEngine(b, null, options(4, 64, 8, 64, 4))) {
            int[] p = prompt(5, 7);
            int[] want = FakeStepBackend.expected(p, 10);
            CollectingSink s = new CollectingSink();
            engine.submit(new GenerateRequest("s", p, SamplingParams.GREEDY, 10, Set.of(want[3]), null, null, false), s);
            Completion c = await(s);
            assertThat(c.reason()).isEqualTo(FinishReason.STOP);
            assertThat(s.ids()).containsExactly(java.util.Arrays.copyOf(want, 4));
            assertThat(engine.info().prefixCaching()).isFalse();
        }
    }

    @Test
    void constraintForcesTheFirstTokens() throws Exception {
        FakeStepBackend b = new FakeStepBackend(64, 4);
        try (var engine = new ContinuousBatchingEngine(b, b, options(4, 64, 8, 64, 4))) {
            TokenConstraint forced = TokenConstraint.oneOf(List.of(new int[] {7, 8, 9}, new int[] {7, 5}));
            CollectingSink s = new CollectingSink();
            engine.submit(new GenerateRequest("c", prompt(6, 5), SamplingParams.GREEDY, 6, Set.of(), forced, null, false), s);
            await(s);
            int[] ids = s.ids();
            assertThat(ids[0]).isEqualTo(7);
            assertThat(ids[1]).isIn(8, 5);
        }
    }

    @Test
    void promptsThatCanNeverFitAreRefusedAtSubmit() {
        FakeStepBackend b = new FakeStepBackend(4, 4);
        try (var engine = new ContinuousBatchingEngine(b, b, new EngineOptions(4, 64, 8, 32, 4, 4, true))) {
            assertThatThrownBy(() -> engine.submit(request("x", prompt(1, 32), 4, null), new CollectingSink()))
                    .hasMessageContaining("context");
            assertThatThrownBy(() -> engine.submit(request("y", prompt(1, 20), 4, null), new CollectingSink()))
                    .hasMessageContaining("KV blocks");
        }
    }
}
