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
}
