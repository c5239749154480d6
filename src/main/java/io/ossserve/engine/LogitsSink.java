package io.ossserve.engine;

/** Receives logits rows produced by a step. The array is reused after the call returns: copy what you keep. */
@FunctionalInterface
public interface LogitsSink {
    /**
     * @param chunk    index of the chunk in the step's list
     * @param tokenIdx index of the token inside the chunk
     * @param logits   [vocab] float32
     */
    void accept(int chunk, int tokenIdx, float[] logits);

    /**
     * Whether calls for rows of <em>different</em> chunks may run at the same time on different threads (rows of
     * one chunk always arrive in order on one thread). False unless the sink says so with {@link #concurrent}.
     */
    default boolean concurrentAcrossChunks() {
        return false;
    }

    /** {@code sink}, declared safe to call concurrently for different chunks (e.g. it samples each sequence on its own). */
    static LogitsSink concurrent(LogitsSink sink) {
        return new LogitsSink() {
            @Override
            public void accept(int chunk, int tokenIdx, float[] logits) {
                sink.accept(chunk, tokenIdx, logits);
            }

            @Override
            public boolean concurrentAcrossChunks() {
                return true;
            }
        };
    }
}
