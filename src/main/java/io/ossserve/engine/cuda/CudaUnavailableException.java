package io.ossserve.engine.cuda;

/** The CUDA backend cannot run here; the message says why (no driver, no device, no kernels for the arch). */
public final class CudaUnavailableException extends RuntimeException {
    public CudaUnavailableException(String reason) {
        super(reason);
    }

    public CudaUnavailableException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
