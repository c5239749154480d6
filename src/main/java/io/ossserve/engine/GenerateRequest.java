package io.ossserve.engine;

import java.util.Objects;
import java.util.Set;

/**
 * One generation.
 *
 * @param requestId  caller's id (logs, metrics)
 * @param prompt     prompt token ids (at least one)
 * @param sampling   how tokens are chosen
 * @param maxTokens  most tokens to generate (also bounded by the context)
 * @param stopTokens ids that end the generation (included as the last output token)
 * @param constraint forced or restricted tokens at the start of the output, or null
 * @param cacheSalt  prefix-cache namespace (e.g. the tenant): blocks are shared only between equal salts; null is a
 *                   namespace of its own
 * @param wantLogprobs whether each token's log-probability must be computed (greedy sampling skips it otherwise)
 */
public record GenerateRequest(String requestId, int[] prompt, SamplingParams sampling, int maxTokens,
                              Set<Integer> stopTokens, TokenConstraint constraint, String cacheSalt,
                              boolean wantLogprobs) {
    public GenerateRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(sampling, "sampling");
        if (prompt == null || prompt.length == 0) {
            throw new IllegalArgumentException("the prompt must hold at least one token");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max tokens " + maxTokens + " must be >= 1");
        }
        stopTokens = stopTokens == null ? Set.of() : Set.copyOf(stopTokens);
    }
}
