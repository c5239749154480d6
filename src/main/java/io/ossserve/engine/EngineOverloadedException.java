package io.ossserve.engine;

/** The waiting queue is full; the caller should retry after {@link #retryAfterSeconds()}. */
public final class EngineOverloadedException extends RuntimeException {
    private final int retryAfterSeconds;

    public EngineOverloadedException(String message, int retryAfterSeconds) {
        super(message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
