package io.ossserve.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scheduler state of one request: all tokens known so far (prompt + output), how many have keys/values in the cache,
 * and the KV blocks holding them. Only the scheduler thread touches it, except the cancel flag.
 */
final class Sequence implements GenerationHandle {
    final GenerateRequest request;
    final TokenSink sink;
    final Sampler sampler;
    final long arrivalNanos = System.nanoTime();
    final BlockTable table = new BlockTable();
    /** chained prefix-cache keys of the published / matched blocks, in table order */
    final List<Long> keys = new ArrayList<>();
    int[] tokens;
    int length;
    /** positions with keys/values in the cache */
    int computed;
    int generated;
    int cachedTokens = -1;
    int preemptions;
    KvCache cache;
    /** per-sequence state of a bitset constraint (created at the first sampled token), and its bitset */
    TokenConstraint.Matcher matcher;
    long[] allowedBits;
    volatile boolean cancelled;
    volatile boolean done;

    Sequence(GenerateRequest request, TokenSink sink) {
        this.request = request;
        this.sink = sink;
        this.sampler = new Sampler(request.sampling());
        int[] prompt = request.prompt();
        tokens = Arrays.copyOf(prompt, prompt.length + Math.min(request.maxTokens(), 256));
        length = prompt.length;
    }

    int promptLength() {
        return request.prompt().length;
    }

    void append(int token) {
        if (length == tokens.length) {
            tokens = Arrays.copyOf(tokens, tokens.length * 2);
        }
        tokens[length++] = token;
        generated++;
    }

    @Override
    public String requestId() {
        return request.requestId();
    }

    @Override
    public void cancel() {
        cancelled = true;
    }

    @Override
    public boolean isDone() {
        return done;
    }
}
