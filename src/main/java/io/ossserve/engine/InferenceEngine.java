package io.ossserve.engine;

/**
 * The engine seam used by the chat layer, the CLI and benchmarks: token ids in, sampled tokens out.
 * Implementations own their threads; {@link #submit} never blocks on the model.
 */
public interface InferenceEngine extends AutoCloseable {

    EngineInfo info();

    /**
     * Queues a generation. {@code sink} is called from the engine's thread, in order: {@code onToken}* then
     * exactly one of {@code onFinish} / {@code onError}. Sinks must not block.
     *
     * @throws EngineOverloadedException when the waiting queue is full (answer 503 + Retry-After)
     * @throws IllegalArgumentException  when the request can never fit (prompt beyond the context or the KV memory)
     */
    GenerationHandle submit(GenerateRequest request, TokenSink sink);

    /** A consistent snapshot of queue depth, batch size, KV usage and counters. */
    EngineStats stats();

    @Override
    void close();
}
