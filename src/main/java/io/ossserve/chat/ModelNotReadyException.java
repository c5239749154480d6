package io.ossserve.chat;

/** The model is still loading (or failed to load): HTTP 503 with Retry-After. */
public class ModelNotReadyException extends RuntimeException {
    public ModelNotReadyException(String message) {
        super(message);
    }
}
