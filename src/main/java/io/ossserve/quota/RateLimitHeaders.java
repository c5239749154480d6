package io.ossserve.quota;

import jakarta.servlet.http.HttpServletResponse;

/** The six OpenAI rate-limit headers, plus the retry hints on a refusal. */
final class RateLimitHeaders {
    static final String ATTRIBUTE = RateLimitHeaders.class.getName();

    private RateLimitHeaders() {}

    static void requests(HttpServletResponse r, QuotaStore.Window w) {
        set(r, "requests", w);
    }

    static void tokens(HttpServletResponse r, QuotaStore.Window w) {
        set(r, "tokens", w);
    }

    static void retry(HttpServletResponse r, long retryAfterMs) {
        if (retryAfterMs > 0 && !r.isCommitted()) {
            r.setHeader("Retry-After", Long.toString(Math.max(1, (retryAfterMs + 999) / 1000)));
            r.setHeader("retry-after-ms", Long.toString(retryAfterMs));
        }
    }

    private static void set(HttpServletResponse r, String what, QuotaStore.Window w) {
        if (r.isCommitted()) {
            return;
        }
        r.setHeader("x-ratelimit-limit-" + what, Long.toString(w.limit() <= 0 ? Integer.MAX_VALUE : w.limit()));
        r.setHeader("x-ratelimit-remaining-" + what, Long.toString(w.remaining()));
        r.setHeader("x-ratelimit-reset-" + what, duration(w.resetMs()));
    }

    /** OpenAI's duration style: {@code 250ms}, {@code 45s}, {@code 6m0s}, {@code 1h2m3s}. */
    static String duration(long ms) {
        if (ms < 1000) {
            return Math.max(0, ms) + "ms";
        }
        long s = (ms + 999) / 1000;
        long h = s / 3600;
        long m = s % 3600 / 60;
        long sec = s % 60;
        if (h > 0) {
            return h + "h" + m + "m" + sec + "s";
        }
        return m > 0 ? m + "m" + sec + "s" : sec + "s";
    }
}
