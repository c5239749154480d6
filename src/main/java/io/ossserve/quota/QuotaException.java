package io.ossserve.quota;

/**
 * A request refused by quota (429), a per-request limit (400/403) or an unavailable quota store (503). Thrown by
 * {@link QuotaService#admit}; {@link QuotaErrorAdvice} turns it into an OpenAI error body with
 * {@code Retry-After}, {@code retry-after-ms} and the {@code x-ratelimit-*} headers.
 */
public class QuotaException extends RuntimeException {
    private final int status;
    private final String type;
    private final String code;
    private final long retryAfterMs;

    public QuotaException(int status, String type, String code, String message, long retryAfterMs) {
        super(message);
        this.status = status;
        this.type = type;
        this.code = code;
        this.retryAfterMs = retryAfterMs;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    /** 0 when retrying cannot help. */
    public long retryAfterMs() {
        return retryAfterMs;
    }

    static QuotaException rateLimited(String message, long retryAfterMs) {
        return new QuotaException(429, "rate_limit_error", "rate_limit_exceeded", message, retryAfterMs);
    }

    static QuotaException insufficientQuota(String message, long retryAfterMs) {
        return new QuotaException(429, "insufficient_quota", "insufficient_quota", message, retryAfterMs);
    }
}
