package io.ossserve.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SamplerTest {

    static float[] logits(long seed, int n) {
        Random r = new Random(seed);
        float[] l = new float[n];
        for (int i = 0; i < n; i++) {
            l[i] = (float) (r.nextGaussian() * 2);
        }
        return l;
    }

    @Test
    void greedyTakesTheLargestAndTheLowestIdOnTies() {
        float[] l = {1, 5, 2, 5, -1};
        assertThat(new Sampler(SamplingParams.GREEDY).sample(l).token()).isEqualTo(1);
        assertThat(new Sampler(new SamplingParams(0.8, 1, 1, 3L, 0)).sample(l).token()).as("top_k 1 is greedy").isEqualTo(1);
    }

    @Test
    void sameSeedSameTokensOtherSeedOtherTokens() {
        float[] l = logits(1, 5000);
        SamplingParams p = new SamplingParams(1.0, 0.95, 0, 42L, 0);
        Sampler a = new Sampler(p), b = new Sampler(p), c = new Sampler(new SamplingParams(1.0, 0.95, 0, 43L, 0));
        int same = 0, differ = 0;
        for (int i = 0; i < 50; i++) {
            int ta = a.sample(l).token(), tb = b.sample(l).token(), tc = c.sample(l).token();
            assertThat(ta).isEqualTo(tb);
            differ += ta != tc ? 1 : 0;
            same++;
        }
        assertThat(differ).isGreaterThan(same / 2);
    }

    @Test
    void topKKeepsOnlyTheKMostLikely() {
        float[] l = logits(2, 1000);
        Integer[] order = new Integer[l.length];
        for (int i = 0; i < l.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Float.compare(l[y], l[x]));
        Set<Integer> top5 = Set.of(order[0], order[1], order[2], order[3], order[4]);
        Sampler s = new Sampler(new SamplingParams(5.0, 1, 5, 7L, 0));
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 400; i++) {
            seen.add(s.sample(l).token());
        }
        assertThat(top5).containsAll(seen);
        assertThat(seen).hasSize(5);   // high temperature: all five show up
    }

    @Test
    void topPKeepsTheSmallestSetWithTheMass() {
        // probabilities ∝ exp: 0.5, 0.3, 0.15, 0.05 → top_p 0.7 keeps the first two
        float[] l = {(float) Math.log(0.15), (float) Math.log(0.5), (float) Math.log(0.05), (float) Math.log(0.3)};
        Sampler s = new Sampler(new SamplingParams(1.0, 0.7, 0, 11L, 0));
        Map<Integer, Integer> counts = new HashMap<>();
        for (int i = 0; i < 4000; i++) {
            counts.merge(s.sample(l).token(), 1, Integer::sum);
        }
        assertThat(counts.keySet()).containsExactlyInAnyOrder(1, 3);
        // renormalised: 0.5/0.8 = 0.625
        assertThat(counts.get(1) / 4000.0).isBetween(0.58, 0.67);
    }

    @Test
    void plainTemperatureSamplingFollowsTheDistribution() {
        float[] l = {0, (float) Math.log(3)};     // 1 : 3
        Sampler s = new Sampler(new SamplingParams(1.0, 1, 0, 5L, 0));
        int ones = 0;
        for (int i = 0; i < 4000; i++) {
            ones += s.sample(l).token();
        }
        assertThat(ones / 4000.0).isBetween(0.72, 0.78);
    }

    @Test
    void logprobsAreLogSoftmaxOfRawLogitsWithTopAlternatives() {
        float[] l = {2, 1, 0, 3};
        SampledToken t = new Sampler(new SamplingParams(0, 1, 0, 0L, 3)).sample(l);
        double z = Math.log(Math.exp(2) + Math.exp(1) + Math.exp(0) + Math.exp(3));
        assertThat(t.token()).isEqualTo(3);
        assertThat((double) t.logprob()).isCloseTo(3 - z, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(t.top()).extracting(SampledToken.TokenLogprob::token).containsExactly(3, 0, 1);
        assertThat((double) t.top().get(1).logprob()).isCloseTo(2 - z, org.assertj.core.data.Offset.offset(1e-5));
    }

    @Test
    void invalidParametersAreRejectedByName() {
        assertThatThrownBy(() -> new SamplingParams(-1, 1, 0, 0L, 0)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new SamplingParams(1, 0, 0, 0L, 0)).hasMessageContaining("top_p");
        assertThatThrownBy(() -> new SamplingParams(1, 1, -2, 0L, 0)).hasMessageContaining("top_k");
        assertThatThrownBy(() -> new SamplingParams(1, 1, 0, 0L, 21)).hasMessageContaining("top_logprobs");
    }
}
