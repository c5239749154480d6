package io.ossserve.security;

import io.ossserve.config.SecurityProperties;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * Cached reads of tenants and keys for the request path. Entries are trusted for {@code key-cache-ttl};
 * while the database is unreachable a cached entry keeps serving for up to {@code key-cache-stale-ttl}
 * (so an audit-database outage does not log every tenant out); without one the read fails with
 * {@link AuthBackendUnavailableException} (503).
 */
@Component
public class TenantDirectory {
    private record Entry<T>(Optional<T> value, long fetchedAtMs) {}

    private final TenantRepository repository;
    private final ReadRetry retry;
    private final Clock clock;
    private final long ttlMs;
    private final long staleMs;
    private final Map<String, Entry<Tenant>> tenants = new ConcurrentHashMap<>();
    private final Map<String, Entry<ApiKeyRecord>> keys = new ConcurrentHashMap<>();

    TenantDirectory(TenantRepository repository, ReadRetry retry, SecurityProperties props, Clock clock) {
        this.repository = repository;
        this.retry = retry;
        this.clock = clock;
        this.ttlMs = props.keyCacheTtl().toMillis();
        this.staleMs = props.keyCacheStaleTtl().toMillis();
    }

    /** The tenant, if registered. */
    public Optional<Tenant> tenant(String id) {
        return cached(tenants, id, () -> repository.findTenant(id));
    }

    Optional<ApiKeyRecord> key(String id) {
        return cached(keys, id, () -> repository.findKey(id));
    }

    /** Forgets cached state of one tenant (after an admin change on this replica). */
    void invalidateTenant(String id) {
        tenants.remove(id);
    }

    void invalidateKey(String id) {
        keys.remove(id);
    }

    private <T> Optional<T> cached(Map<String, Entry<T>> cache, String id, Supplier<Optional<T>> load) {
        long now = clock.millis();
        Entry<T> e = cache.get(id);
        if (e != null && now - e.fetchedAtMs() < ttlMs) {
            return e.value();
        }
        try {
            Optional<T> value = retry.call(load);
            if (cache.size() > 100_000) {
                cache.clear();
            }
            cache.put(id, new Entry<>(value, now));
            return value;
        } catch (DataAccessException ex) {
            if (e != null && now - e.fetchedAtMs() < staleMs) {
                return e.value();
            }
            throw new AuthBackendUnavailableException("tenant directory unavailable", ex);
        }
    }
}
