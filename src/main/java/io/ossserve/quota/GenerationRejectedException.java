package io.ossserve.quota;

/** The generation guard refused or cut a generation: overloaded (503), backend circuit open (503), timeout (504). */
public class GenerationRejectedException extends QuotaException {
    GenerationRejectedException(int status, String code, String message, long retryAfterMs) {
        super(status, "server_error", code, message, retryAfterMs);
    }
}
