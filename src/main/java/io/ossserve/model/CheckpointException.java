package io.ossserve.model;

/**
 * A checkpoint (directory, config or safetensors file) that cannot be used. The message always names
 * the file and, where one is at fault, the tensor or field.
 */
public class CheckpointException extends RuntimeException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
