package io.ossserve.engine;

import java.util.List;

/**
 * A chosen token with its log-probability under the model (raw logits, before temperature and
 * truncation) and the most likely alternatives when asked for.
 */
public record SampledToken(int token, float logprob, List<TokenLogprob> top) {

    public record TokenLogprob(int token, float logprob) {}
}
