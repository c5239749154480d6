package io.ossserve.engine.cuda;

/** A CUDA error during a step; the backend is marked failed and refuses further work. */
public final class CudaBackendException extends RuntimeException {
    public CudaBackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
