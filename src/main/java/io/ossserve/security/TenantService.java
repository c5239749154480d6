package io.ossserve.security;

import java.time.Clock;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

/** Tenant administration (the admin API's logic). */
@Service
class TenantService {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private final TenantRepository repository;
    private final TenantDirectory directory;
    private final Clock clock;

    TenantService(TenantRepository repository, TenantDirectory directory, Clock clock) {
        this.repository = repository;
        this.directory = directory;
        this.clock = clock;
    }

    Tenant create(String id, String name, boolean promptLogging, TenantLimits limits) {
        if (id == null || !ID.matcher(id).matches()) {
            throw AdminException.badRequest("id must match " + ID.pattern());
        }
        validate(limits);
        long now = clock.millis();
        Tenant t = new Tenant(id, name == null || name.isBlank() ? id : name, promptLogging, false,
                limits == null ? TenantLimits.DEFAULTS : limits, now, now);
        if (repository.findTenant(id).isPresent()) {
            throw new AdminException(409, "tenant_exists", "tenant " + id + " already exists");
        }
        try {
            repository.insertTenant(t);
        } catch (DuplicateKeyException e) {
            throw new AdminException(409, "tenant_exists", "tenant " + id + " already exists");
        }
        directory.invalidateTenant(id);
        return t;
    }

    Tenant get(String id) {
        return repository.findTenant(id).orElseThrow(() -> AdminException.notFound("tenant " + id));
    }

    List<Tenant> list() {
        return repository.listTenants();
    }

    Tenant update(String id, String name, Boolean promptLogging, Boolean disabled, TenantLimits limits) {
        validate(limits);
        Tenant old = get(id);
        Tenant t = new Tenant(id, name != null && !name.isBlank() ? name : old.name(),
                promptLogging != null ? promptLogging : old.promptLogging(),
                disabled != null ? disabled : old.disabled(), old.limits().merge(limits), old.createdAt(),
                clock.millis());
        repository.updateTenant(t);
        directory.invalidateTenant(id);
        return t;
    }

    private static void validate(TenantLimits l) {
        if (l == null) {
            return;
        }
        if (negative(l.requestsPerMinute()) || negative(l.tokensPerMinute()) || negative(l.tokensPerDay())
                || negative(l.maxConcurrent()) || negative(l.maxContextTokens()) || negative(l.maxTokensPerRequest())) {
            throw AdminException.badRequest("limits must be >= 0 (0 = unlimited)");
        }
    }

    private static boolean negative(Number n) {
        return n != null && n.longValue() < 0;
    }
}
