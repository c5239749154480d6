package io.ossserve.engine.constraint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Random schemas × a random "model" that picks any allowed token (uniformly, which favours long strings and so
 * exercises the token budget) × random budgets: every output parses and validates with an independent validator.
 */
class JsonMatcherPropertyTest {

    /** Runs one constrained generation; returns the JSON text, or null if the budget ran out first. */
    static String generate(JsonGrammar g, SplittableRandom r, int maxTokens, boolean preferStructure) {
        JsonMatcher m = g.matcher(Vocab.VOCAB, Vocab.END);
        long[] bits = new long[(Vocab.VOCAB.size() + 63) >>> 6];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int[] ids = new int[Vocab.VOCAB.size()];
        for (int step = 0; step < maxTokens; step++) {
            java.util.Arrays.fill(bits, 0);
            m.fill(bits, maxTokens - step);
            int n = 0;
            for (int w = 0; w < bits.length; w++) {
                long x = bits[w];
                while (x != 0) {
                    ids[n++] = (w << 6) + Long.numberOfTrailingZeros(x);
                    x &= x - 1;
                }
            }
            assertThat(n).as("mask is empty after '%s'", out.toString(StandardCharsets.UTF_8)).isPositive();
            int pick = ids[r.nextInt(n)];
            if (preferStructure && r.nextInt(3) == 0) {
                for (int i = 0; i < n; i++) {   // sometimes a short token: lets strings end and arrays grow
                    if (ids[i] == Vocab.END || Vocab.VOCAB.bytes[ids[i]].length == 1) {
                        pick = ids[i];
                        if (r.nextBoolean()) {
                            break;
                        }
                    }
                }
            }
            assertThat(m.accept(pick)).isTrue();
            if (pick == Vocab.END) {
                return out.toString(StandardCharsets.UTF_8);
            }
            out.writeBytes(Vocab.VOCAB.bytes[pick]);
        }
        return null;
    }

    @Test
    void randomSchemasAlwaysGiveValidJson() {
        int outputs = 0;
        for (long seed = 1; seed <= 60; seed++) {
            JsonNode schema = new RandomSchemas(seed).next();
            JsonGrammar g = JsonGrammar.compile(schema);
            SplittableRandom r = new SplittableRandom(seed * 31);
            for (int k = 0; k < 3; k++) {
                int budget = g.minLength() + 2 + r.nextInt(0, 120);
                String json = generate(g, r, budget, k > 0);
                assertThat(json).as("seed %d run %d budget %d: %s", seed, k, budget, schema).isNotNull();
                assertThat(SchemaValidator.problems(schema, json)).as("seed %d: %s\nschema %s", seed, json, schema).isEmpty();
                outputs++;
            }
        }
        assertThat(outputs).isEqualTo(180);
    }

    @Test
    void jsonObjectModeGivesAnObject() {
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 20; i++) {
            String json = generate(JsonGrammar.anyObject(), r, 60, true);
            JsonNode v = RandomSchemas.JSON.readTree(json);
            assertThat(v.isObject()).as(json).isTrue();
        }
    }
}
