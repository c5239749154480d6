package io.ossserve.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Chooses tokens from logits: greedy (ties → lowest id), or temperature → top-k → top-p → a draw from
 * a seeded generator. One sampler per sequence; it is not thread-safe. Only the candidate set is sorted,
 * never the whole 201088-token vocabulary.
 */
public final class Sampler {
    private final SamplingParams p;
    private final SplittableRandom random;

    public Sampler(SamplingParams params) {
        this.p = params;
        long seed = params.seed() != null ? params.seed() : new java.security.SecureRandom().nextLong();
        this.random = new SplittableRandom(seed);
    }

    public SamplingParams params() {
        return p;
    }

    public SampledToken sample(float[] logits) {
        return withLogprobs(logits, sampleId(logits), p.topLogprobs());
    }

    /** The chosen token alone (no log-probabilities: saves a pass of exp over the vocabulary). */
    public int sampleId(float[] logits) {
        return p.greedy() ? argmax(logits) : draw(logits);
    }

    /** Per-thread work arrays of vocabulary size (samplers run on the scheduler's thread or the CPU backend's workers, never on request threads; fresh arrays per token are GC churn). */
    private static final class Scratch {
        double[] prob = new double[0];
        int[] cand = new int[0];

        Scratch fit(int n) {
            if (prob.length < n) {
                prob = new double[n];
                cand = new int[n];
            }
            return this;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * The first index of the largest logit (ties → lowest id). A plain scan: ≈ 64–100 µs for a 201088-float row on
     * the project's Zen 4 VM. Vector API versions were tried: a one-pass one with per-lane indices was no faster, a
     * two-pass one (maximum, then its first index) took ≈ 30 µs once compiled by C2 but ≈ 200–400 µs during its
     * first few thousand calls, which a server pays on its first tokens.
     */
    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    private int draw(float[] logits) {
        int n = logits.length;
        float max = logits[argmax(logits)];
        double invT = 1.0 / p.temperature();
        Scratch sc = SCRATCH.get().fit(n);
        double[] prob = sc.prob;
        double total = 0;
        for (int i = 0; i < n; i++) {
            prob[i] = Math.exp((logits[i] - max) * invT);
            total += prob[i];
        }
        if (p.topK() == 0 && p.topP() >= 1) {
            double u = random.nextDouble() * total;
            for (int i = 0; i < n; i++) {
                u -= prob[i];
                if (u < 0) {
                    return i;
                }
            }
            return argmax(logits);
        }
        // candidates: every token at or above a threshold, lowered until they hold the top-p mass and
        // number at least top-k; the truncated set is then a prefix of the sorted candidates
        int[] cand = sc.cand;
        int count;
        double threshold = 1e-3;
        while (true) {
            double mass = 0;
            count = 0;
            for (int i = 0; i < n; i++) {
                if (prob[i] >= threshold) {
                    cand[count++] = i;
                    mass += prob[i];
                }
            }
            boolean enoughMass = p.topP() >= 1 ? p.topK() > 0 : mass >= p.topP() * total;
            boolean enoughK = p.topK() == 0 || count >= Math.min(p.topK(), n);
            if ((enoughMass && enoughK) || threshold == 0) {
                break;
            }
            threshold = threshold < 1e-300 ? 0 : threshold * 1e-3;
        }
        // sort candidates by probability, descending, ties by id ascending
        long[] keys = new long[count];
        for (int j = 0; j < count; j++) {
            int i = cand[j];
            long bits = Double.doubleToLongBits(prob[i]) >>> 32;   // positive doubles sort like their bits
            keys[j] = ((0xFFFFFFFFL - bits) << 32) | i;
        }
        Arrays.sort(keys);
        int keep = count;
        if (p.topK() > 0) {
            keep = Math.min(keep, p.topK());
        }
        if (p.topP() < 1) {
            double cum = 0;
            for (int j = 0; j < keep; j++) {
                cum += prob[(int) keys[j]];
                if (cum >= p.topP() * total) {
                    keep = j + 1;
                    break;
                }
            }
        }
        double kept = 0;
        for (int j = 0; j < keep; j++) {
            kept += prob[(int) keys[j]];
        }
        double u = random.nextDouble() * kept;
        for (int j = 0; j < keep; j++) {
            u -= prob[(int) keys[j]];
            if (u < 0) {
                return (int) keys[j];
            }
        }
        return (int) keys[keep - 1];
    }

    /** log-softmax of the raw logits at {@code token}, and the {@code top} most likely tokens. */
    public static SampledToken withLogprobs(float[] logits, int token, int top) {
        float max = logits[argmax(logits)];
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        double logZ = max + Math.log(sum);
        List<SampledToken.TokenLogprob> alts = List.of();
        if (top > 0) {
            int[] best = new int[Math.min(top, logits.length)];
            Arrays.fill(best, -1);
            for (int i = 0; i < logits.length; i++) {
                int pos = best.length;
                while (pos > 0 && (best[pos - 1] < 0 || logits[i] > logits[best[pos - 1]])) {
                    pos--;
                }
                if (pos < best.length) {
                    System.arraycopy(best, pos, best, pos + 1, best.length - pos - 1);
                    best[pos] = i;
                }
            }
            alts = new ArrayList<>(best.length);
            for (int b : best) {
                alts.add(new SampledToken.TokenLogprob(b, (float) (logits[b] - logZ)));
            }
            alts = List.copyOf(alts);
        }
        return new SampledToken(token, (float) (logits[token] - logZ), alts);
    }
}
