package io.ossserve.engine;

/**
 * Tokens of one sequence processed in one forward step: a prefill chunk (many tokens) or a decode token
 * (one). They are appended to {@code cache} at positions {@code cache.length()...}.
 *
 * @param logits which rows need logits: {@link Logits#NONE} (prefill chunk that is not the last),
 *               {@link Logits#LAST} (the usual case) or {@link Logits#ALL} (teacher-forced scoring)
 */
public record StepChunk(KvCache cache, int[] tokens, Logits logits) {
    public enum Logits { NONE, LAST, ALL }

    public StepChunk {
        if (tokens == null || tokens.length == 0) {
            throw new IllegalArgumentException("a step chunk needs at least one token");
        }
    }
}
