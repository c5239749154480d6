package io.ossserve.api;

import jakarta.servlet.http.HttpServletRequest;
import java.security.SecureRandom;

/** {@code x-request-id} (shared with the audit trail) and random ids for completions. */
final class RequestIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private RequestIds() {}

    static String random(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    /** The request's id: the one the audit filter accepted or minted (so response, logs and audit agree). */
    static String of(HttpServletRequest request) {
        return io.ossserve.audit.RequestIds.of(request);
    }
}
