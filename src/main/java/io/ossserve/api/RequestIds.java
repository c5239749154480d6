package io.ossserve.api;

import jakarta.servlet.http.HttpServletRequest;
import java.security.SecureRandom;

/** {@code x-request-id}: the client's (when sane) or a new one; also the basis of completion ids. */
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

    static String of(HttpServletRequest request) {
        String given = request.getHeader("x-request-id");
        if (given != null && given.matches("[A-Za-z0-9._:-]{1,128}")) {
            return given;
        }
        return "req_" + random(24);
    }

    static String tenant(HttpServletRequest request) {
        return request.getUserPrincipal() == null ? null : request.getUserPrincipal().getName();
    }
}
