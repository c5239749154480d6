package io.ossserve.engine;

/** A submitted generation. */
public interface GenerationHandle {

    String requestId();

    /**
     * Stops the generation: it leaves the batch before the next step and its KV blocks are freed; the sink then
     * receives {@code onFinish} with {@link FinishReason#CANCELLED} (unless it had already finished).
     */
    void cancel();

    boolean isDone();
}
