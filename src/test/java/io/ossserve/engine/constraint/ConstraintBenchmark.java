package io.ossserve.engine.constraint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import tools.jackson.databind.JsonNode;

/**
 * Mask and compile cost for docs/benchmarks.md. Run:
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) io.ossserve.engine.constraint.ConstraintBenchmark}.
 * A 10-property schema (strings, an enum, bounded integers, a number, a boolean, a date, an array of strings, a nested
 * object); tokens chosen at random among the allowed ones; the mask time per token is the median and p99 over all
 * steps of many generations after warm-up.
 */
public final class ConstraintBenchmark {
    static final String SCHEMA = "{\"type\":\"object\",\"properties\":{"
            + "\"name\":{\"type\":\"string\"},\"city\":{\"type\":\"string\",\"maxLength\":40},"
            + "\"kind\":{\"type\":\"string\",\"enum\":[\"hotel\",\"hostel\",\"apartment\"]},"
            + "\"nights\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":30},\"price\":{\"type\":\"number\",\"minimum\":0},"
            + "\"breakfast\":{\"type\":\"boolean\"},\"checkin\":{\"type\":\"string\",\"format\":\"date\"},"
            + "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"maxItems\":4},"
            + "\"contact\":{\"type\":\"object\",\"properties\":{\"email\":{\"type\":\"string\",\"format\":\"email\"},"
            + "\"phone\":{\"type\":[\"string\",\"null\"]}},\"required\":[\"email\",\"phone\"],\"additionalProperties\":false},"
            + "\"notes\":{\"type\":\"string\"}},\"required\":[\"name\",\"city\",\"kind\",\"nights\",\"price\",\"breakfast\","
            + "\"checkin\",\"tags\",\"contact\",\"notes\"],\"additionalProperties\":false}";

    public static void main(String[] args) {
        long t0 = System.nanoTime();
        TokenVocabulary vocab = Vocab.VOCAB;
        System.out.printf("vocabulary tries and bitsets: %.0f ms (once per tokenizer), %d + %d trie nodes%n",
                (System.nanoTime() - t0) / 1e6, vocab.all.nodes(), vocab.tails.nodes());
        JsonNode schema = RandomSchemas.JSON.readTree(SCHEMA);
        double[] compile = new double[200];
        for (int i = 0; i < compile.length; i++) {
            long s = System.nanoTime();
            JsonGrammar.compileUncached(schema);
            compile[i] = (System.nanoTime() - s) / 1e6;
        }
        Arrays.sort(compile);
        System.out.printf("compile (10 properties, uncached): first %.2f ms, median %.3f ms%n", compile[compile.length - 1],
                compile[compile.length / 2]);
        JsonGrammar g = JsonGrammar.compile(schema);
        long[] bits = new long[(vocab.size() + 63) >>> 6];
        List<Long> times = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(1);
        int[] ids = new int[vocab.size()];
        for (int run = 0; run < 60; run++) {
            JsonMatcher m = g.matcher(vocab, Vocab.END);
            int budget = 400;
            for (int step = 0; step < budget; step++) {
                Arrays.fill(bits, 0);
                long s = System.nanoTime();
                m.fill(bits, budget - step);
                long dt = System.nanoTime() - s;
                if (run >= 10) {
                    times.add(dt);
                }
                int n = 0;
                for (int w = 0; w < bits.length; w++) {
                    long x = bits[w];
                    while (x != 0) {
                        ids[n++] = (w << 6) + Long.numberOfTrailingZeros(x);
                        x &= x - 1;
                    }
                }
                int pick = ids[r.nextInt(n)];
                if (r.nextInt(4) == 0) {
                    for (int i = 0; i < n; i++) {
                        if (ids[i] == Vocab.END || vocab.bytes[ids[i]].length == 1) {
                            pick = ids[i];
                            break;
                        }
                    }
                }
                m.accept(pick);
                if (pick == Vocab.END) {
                    break;
                }
            }
        }
        long[] t = times.stream().mapToLong(Long::longValue).sorted().toArray();
        double mean = Arrays.stream(t).average().orElse(0) / 1e3;
        System.out.printf("mask per token (%d steps): median %.1f us, mean %.1f us, p90 %.1f us, p99 %.1f us, max %.1f us%n",
                t.length, t[t.length / 2] / 1e3, mean, t[(int) (t.length * 0.9)] / 1e3, t[(int) (t.length * 0.99)] / 1e3,
                t[t.length - 1] / 1e3);
    }
}
