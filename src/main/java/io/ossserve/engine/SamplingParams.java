package io.ossserve.engine;

/**
 * How the next token is chosen.
 *
 * @param temperature 0 (or less) means greedy
 * @param topP        nucleus mass in (0, 1]; 1 disables
 * @param topK        keep the k most likely tokens; 0 disables
 * @param seed        fixes the random stream (same seed → same tokens); null draws a fresh seed
 * @param topLogprobs how many alternatives to report with each token's log-probability (0..20)
 */
public record SamplingParams(double temperature, double topP, int topK, Long seed, int topLogprobs) {

    public static final SamplingParams GREEDY = new SamplingParams(0, 1, 0, 0L, 0);
    public static final int MAX_TOP_LOGPROBS = 20;

    public SamplingParams {
        if (Double.isNaN(temperature) || temperature < 0 || temperature > 100) {
            throw new IllegalArgumentException("temperature " + temperature + " must be in [0, 100]");
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p " + topP + " must be in (0, 1]");
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top_k " + topK + " must be >= 0 (0 disables it)");
        }
        if (topLogprobs < 0 || topLogprobs > MAX_TOP_LOGPROBS) {
            throw new IllegalArgumentException("top_logprobs " + topLogprobs + " must be in [0, " + MAX_TOP_LOGPROBS + "]");
        }
    }

    public boolean greedy() {
        return temperature <= 0 || topK == 1;
    }
}
