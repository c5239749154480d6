package io.ossserve.security;

import io.ossserve.config.SecurityProperties;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Slows down guessing: an address that fails authentication {@code max-failures} times within {@code window}
 * gets 429 on every credentialed request for {@code block-for} (it cannot keep testing keys). Memory is bounded:
 * the table is cleared when it grows past 100k addresses.
 */
@Component
public class AuthFailureThrottle {
    private static final class Counter {
        long windowStartMs;
        int failures;
        long blockedUntilMs;
    }

    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final SecurityProperties.AuthFailures cfg;
    private final Clock clock;

    AuthFailureThrottle(SecurityProperties props, Clock clock) {
        this.cfg = props.authFailures();
        this.clock = clock;
    }

    void recordFailure(String address) {
        if (cfg.maxFailures() <= 0 || address == null) {
            return;
        }
        if (counters.size() > 100_000) {
            counters.clear();
        }
        long now = clock.millis();
        Counter c = counters.computeIfAbsent(address, a -> new Counter());
        synchronized (c) {
            if (now - c.windowStartMs >= cfg.window().toMillis()) {
                c.windowStartMs = now;
                c.failures = 0;
            }
            c.failures++;
            if (c.failures >= cfg.maxFailures()) {
                c.blockedUntilMs = now + cfg.blockFor().toMillis();
            }
        }
    }

    /** Milliseconds this address remains blocked, 0 when it is not. */
    long blockedForMs(String address) {
        Counter c = address == null ? null : counters.get(address);
        if (c == null) {
            return 0;
        }
        synchronized (c) {
            return Math.max(0, c.blockedUntilMs - clock.millis());
        }
    }
}
