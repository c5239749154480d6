package io.ossserve.quota;

import io.ossserve.config.QuotaProperties.RedisFailurePolicy;
import java.time.Clock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis with a documented outage policy: on a Redis error the store switches to {@code fallback} (policy
 * {@code local}: per-replica limits from memory) or refuses with 503 (policy {@code reject}) for
 * {@code retryAfterMs}, then tries Redis again. Never an unhandled 500.
 */
final class FailoverQuotaStore implements QuotaStore {
    private static final Logger log = LoggerFactory.getLogger(FailoverQuotaStore.class);

    private final QuotaStore primary;
    private final QuotaStore fallback;
    private final RedisFailurePolicy policy;
    private final long retryAfterMs;
    private final Clock clock;
    private volatile long downUntilMs;

    FailoverQuotaStore(QuotaStore primary, QuotaStore fallback, RedisFailurePolicy policy, long retryAfterMs,
            Clock clock) {
        this.primary = primary;
        this.fallback = fallback;
        this.policy = policy;
        this.retryAfterMs = retryAfterMs;
        this.clock = clock;
    }

    /** Whether Redis is currently being bypassed. */
    boolean degraded() {
        return clock.millis() < downUntilMs;
    }

    private <T> T run(Supplier<T> onPrimary, Supplier<T> onFallback) {
        if (!degraded()) {
            try {
                return onPrimary.get();
            } catch (RuntimeException e) {
                downUntilMs = clock.millis() + retryAfterMs;
                log.warn("Quota store Redis failed ({}); policy {} for the next {} ms", e.toString(), policy,
                        retryAfterMs);
            }
        }
        if (policy == RedisFailurePolicy.REJECT) {
            throw new QuotaException(503, "server_error", "quota_store_unavailable",
                    "Rate limits cannot be checked right now; retry shortly.", retryAfterMs);
        }
        return onFallback.get();
    }

    @Override
    public Window hitRequests(String tenant, long limit, long nowMs) {
        return run(() -> primary.hitRequests(tenant, limit, nowMs), () -> fallback.hitRequests(tenant, limit, nowMs));
    }

    @Override
    public Window peekTokens(String tenant, long limit, long nowMs) {
        return run(() -> primary.peekTokens(tenant, limit, nowMs), () -> fallback.peekTokens(tenant, limit, nowMs));
    }

    @Override
    public Charge chargeTokens(String tenant, long cost, long perMinute, long perDay, long nowMs) {
        return run(() -> primary.chargeTokens(tenant, cost, perMinute, perDay, nowMs),
                () -> fallback.chargeTokens(tenant, cost, perMinute, perDay, nowMs));
    }

    @Override
    public void adjustTokens(String tenant, long minuteWindow, long dayWindow, long delta) {
        run(() -> {
            primary.adjustTokens(tenant, minuteWindow, dayWindow, delta);
            return null;
        }, () -> {
            fallback.adjustTokens(tenant, minuteWindow, dayWindow, delta);
            return null;
        });
    }

    @Override
    public boolean acquireSlot(String tenant, String ticket, int limit, long nowMs, long leaseMs) {
        return run(() -> primary.acquireSlot(tenant, ticket, limit, nowMs, leaseMs),
                () -> fallback.acquireSlot(tenant, ticket, limit, nowMs, leaseMs));
    }

    @Override
    public void releaseSlot(String tenant, String ticket) {
        // release on both: the slot may have been taken on either side of an outage
        try {
            fallback.releaseSlot(tenant, ticket);
            if (!degraded()) {
                primary.releaseSlot(tenant, ticket);
            }
        } catch (RuntimeException e) {
            downUntilMs = clock.millis() + retryAfterMs;
            log.warn("Quota store Redis failed on release ({}); the slot expires with its lease", e.toString());
        }
    }
}
