package io.ossserve.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Generates one sequence on a backend: prefill, then decode token by token until a stop token, the
 * token budget or the context length. Used by the command line; the server's scheduler batches many.
 */
public final class Generator {
    private Generator() {}

    /** Called for each generated token; return false to stop (cancel). */
    @FunctionalInterface
    public interface Listener {
        boolean onToken(SampledToken token);
    }

    /** Receives the prompt's teacher-forced logits rows (copy what you keep). */
    @FunctionalInterface
    public interface PromptLogits {
        void accept(int row, float[] logits);
    }

    public record Result(int[] tokens, List<SampledToken> sampled, FinishReason reason, int promptTokens,
            long prefillNanos, long decodeNanos) {}

    public static Result generate(StepBackend backend, int[] prompt, SamplingParams params, int maxTokens,
            Set<Integer> stopTokens, PromptLogits promptLogits, Listener listener) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt must hold at least one token");
        }
        if (maxTokens < 0) {
            throw new IllegalArgumentException("max tokens " + maxTokens + " must be >= 0");
        }
        int capacity = (int) Math.min(backend.config().maxPositionEmbeddings(), (long) prompt.length + maxTokens);
        if (prompt.length > capacity) {
            throw new IllegalArgumentException("prompt of " + prompt.length + " tokens exceeds the context length "
                    + backend.config().maxPositionEmbeddings());
        }
        Sampler sampler = new Sampler(params);
        List<SampledToken> out = new ArrayList<>();
        float[][] last = new float[1][];
        long t0 = System.nanoTime();
        try (KvCache cache = backend.newCache(Math.max(capacity, 1))) {
            StepChunk.Logits mode = promptLogits != null ? StepChunk.Logits.ALL : StepChunk.Logits.LAST;
            backend.step(List.of(new StepChunk(cache, prompt, mode)), (ci, row, logits) -> {
                if (promptLogits != null) {
                    promptLogits.accept(row, logits);
                }
                if (row == prompt.length - 1) {
                    last[0] = logits.clone();
                }
            });
            long t1 = System.nanoTime();
            FinishReason reason = FinishReason.LENGTH;
            while (out.size() < maxTokens) {
                SampledToken tok = sampler.sample(last[0]);
                out.add(tok);
                if (listener != null && !listener.onToken(tok)) {
                    reason = FinishReason.CANCELLED;
                    break;
                }
                if (stopTokens.contains(tok.token())) {
                    reason = FinishReason.STOP;
                    break;
                }
                if (out.size() == maxTokens || cache.length() >= cache.capacity()) {
                    break;
                }
                backend.step(List.of(new StepChunk(cache, new int[] {tok.token()}, StepChunk.Logits.LAST)),
                        (ci, row, logits) -> System.arraycopy(logits, 0, last[0], 0, logits.length));
            }
            int[] ids = out.stream().mapToInt(SampledToken::token).toArray();
            return new Result(ids, List.copyOf(out), reason, prompt.length, t1 - t0, System.nanoTime() - t1);
        }
    }
}
