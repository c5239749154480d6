package io.ossserve.engine;

import io.ossserve.model.GptOssConfig;
import java.util.List;

/**
 * The engine seam (architecture.md): one forward step over a batch of sequences. A step may mix prefill
 * chunks and decode tokens of many sequences; inside a backend, kernels fuse freely. Implementations:
 * the CPU backend (scalar reference kernels or Vector API kernels) and the CUDA backend.
 */
public interface StepBackend extends AutoCloseable {

    GptOssConfig config();

    /** Short description: backend, kernels, threads. */
    String description();

    /** A new empty cache for one sequence of at most {@code capacity} positions. */
    KvCache newCache(int capacity);

    /**
     * Runs the tokens of every chunk through the model, appends their keys/values to the chunks' caches
     * and hands the requested logits rows to {@code sink}. Each chunk's cache must appear only once.
     */
    void step(List<StepChunk> chunks, LogitsSink sink);

    @Override
    void close();
}
