package io.ossserve.engine.constraint;

import static org.assertj.core.api.Assertions.assertThat;

import io.ossserve.TestModels;
import io.ossserve.engine.Completion;
import io.ossserve.engine.ContinuousBatchingEngine;
import io.ossserve.engine.EngineOptions;
import io.ossserve.engine.GenerateRequest;
import io.ossserve.engine.SampledToken;
import io.ossserve.engine.SamplingParams;
import io.ossserve.engine.TokenConstraint;
import io.ossserve.engine.TokenSink;
import io.ossserve.engine.cpu.CpuBackend;
import io.ossserve.engine.cpu.CpuBackends;
import io.ossserve.engine.cpu.CpuPagedKvStore;
import io.ossserve.model.Checkpoint;
import io.ossserve.text.SpecialTokens;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The random-weight {@code tiny} model through the real scheduler: random schemas × sampling seeds, constrained and
 * unconstrained sequences in the same batches. Every constrained output validates; unconstrained outputs are the
 * tokens they are without any constrained neighbour.
 */
class ConstrainedEngineTest {
    static final int[] PROMPT = Vocab.TOKENIZER.encode("Reply with JSON please.");

    @Test
    void constrainedOutputsValidateAndUnconstrainedOnesAreUnaffected() throws Exception {
        try (Checkpoint ck = Checkpoint.open(TestModels.tiny());
             CpuBackend backend = CpuBackends.create(ck.weights(), CpuBackends.Kernels.AUTO, 2)) {
            List<long[]> alone = new ArrayList<>();
            try (var engine = engine(backend)) {
                for (int i = 0; i < 3; i++) {
                    alone.add(toLongs(run(engine, "free" + i, null, 24, 100 + i).get(120, TimeUnit.SECONDS)));
                }
            }
            int validated = 0;
            try (var engine = engine(backend)) {
                for (long seed = 1; seed <= 24; seed += 4) {
                    List<CompletableFuture<int[]>> constrained = new ArrayList<>();
                    List<JsonNode> schemas = new ArrayList<>();
                    for (long k = seed; k < seed + 4; k++) {
                        JsonNode schema = new RandomSchemas(k * 7919).next();
                        schemas.add(schema);
                        JsonGrammar g = JsonGrammar.compile(schema);
                        StructuredConstraint c = new StructuredConstraint(Vocab.VOCAB,
                                List.of(new StructuredConstraint.Route(new int[0], g, SpecialTokens.RETURN)),
                                List.of(), new int[] {SpecialTokens.START}, SpecialTokens.END, false);
                        constrained.add(run(engine, "c" + k, c, g.minLength() + 4 + (int) (k % 5) * 16, k));
                    }
                    List<CompletableFuture<int[]>> free = new ArrayList<>();
                    if (seed == 1) {
                        for (int i = 0; i < 3; i++) {
                            free.add(run(engine, "free" + i, null, 24, 100 + i));
                        }
                    }
                    for (int i = 0; i < constrained.size(); i++) {
                        int[] out = constrained.get(i).get(240, TimeUnit.SECONDS);
                        assertThat(out[out.length - 1]).as("ends with <|return|>").isEqualTo(SpecialTokens.RETURN);
                        String json = text(Arrays.copyOf(out, out.length - 1));
                        assertThat(SchemaValidator.problems(schemas.get(i), json)).as("%s\n%s", json, schemas.get(i)).isEmpty();
                        validated++;
                    }
                    for (int i = 0; i < free.size(); i++) {
                        assertThat(toLongs(free.get(i).get(120, TimeUnit.SECONDS))).as("free " + i).containsExactly(alone.get(i));
                    }
                }
            }
            assertThat(validated).isEqualTo(24);
        }
    }

    @Test
    void aHarmonyTurnReasonsFreelyThenAnswersWithValidJson() throws Exception {
        JsonNode schema = SchemaCompilerTest.json("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},"
                + "\"days\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":7}},\"required\":[\"city\",\"days\"],\"additionalProperties\":false}");
        int[] fin = concat(new int[] {SpecialTokens.CHANNEL}, Vocab.TOKENIZER.encode("final"), new int[] {SpecialTokens.MESSAGE});
        int[] analysis = concat(new int[] {SpecialTokens.CHANNEL}, Vocab.TOKENIZER.encode("analysis"), new int[] {SpecialTokens.MESSAGE});
        int[] restart = concat(new int[] {SpecialTokens.START}, Vocab.TOKENIZER.encode("assistant"));
        var answer = new StructuredConstraint.Route(fin, JsonGrammar.compile(schema), SpecialTokens.RETURN);
        var think = new StructuredConstraint.Route(analysis, null, SpecialTokens.END);
        StructuredConstraint c = new StructuredConstraint(Vocab.VOCAB, List.of(think, answer), List.of(answer), restart,
                SpecialTokens.END, true);
        try (Checkpoint ck = Checkpoint.open(TestModels.tiny());
             CpuBackend backend = CpuBackends.create(ck.weights(), CpuBackends.Kernels.AUTO, 2);
             var engine = engine(backend)) {
            for (long seed = 1; seed <= 4; seed++) {
                int[] out = run(engine, "h" + seed, c, 60, seed).get(240, TimeUnit.SECONDS);
                int at = indexOf(out, fin);
                assertThat(at).as("final header in %s", Arrays.toString(out)).isGreaterThanOrEqualTo(0);
                assertThat(out[out.length - 1]).isEqualTo(SpecialTokens.RETURN);
                String json = text(Arrays.copyOfRange(out, at + fin.length, out.length - 1));
                assertThat(SchemaValidator.problems(schema, json)).as(json).isEmpty();
            }
        }
    }

    static ContinuousBatchingEngine engine(CpuBackend backend) {
        CpuPagedKvStore store = CpuPagedKvStore.withBlocks(backend.config(), 256, 16);
        return new ContinuousBatchingEngine(backend, store, new EngineOptions(8, 256, 32, 4096, 256, 16, true));
    }

    static CompletableFuture<int[]> run(ContinuousBatchingEngine engine, String id, TokenConstraint c, int maxTokens, long seed) {
        CompletableFuture<int[]> f = new CompletableFuture<>();
        List<Integer> out = new ArrayList<>();
        SamplingParams sampling = new SamplingParams(1.0, 1.0, 0, seed, 0);
        engine.submit(new GenerateRequest(id, PROMPT, sampling, maxTokens, Set.of(SpecialTokens.RETURN, SpecialTokens.CALL), c, "t", false),
                new TokenSink() {
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

    static String text(int[] ids) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int id : ids) {
            b.writeBytes(Vocab.VOCAB.bytes[id]);
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }

    static int indexOf(int[] a, int[] sub) {
        for (int i = 0; i + sub.length <= a.length; i++) {
            if (Arrays.equals(Arrays.copyOfRange(a, i, i + sub.length), sub)) {
                return i;
            }
        }
        return -1;
    }

    private static long[] toLongs(int[] a) {
        return Arrays.stream(a).asLongStream().toArray();
    }
}
