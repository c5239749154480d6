package io.ossserve.security;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.CredentialsExpiredException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Issues, rotates, revokes and checks API keys. */
@Service
class ApiKeyService {
    /** Tenant id of the bootstrap admin credential (not a registrable id: tenant ids cannot start with '_'). */
    static final String BOOTSTRAP_TENANT = "_admin";

    private final TenantRepository repository;
    private final TenantDirectory directory;
    private final BootstrapAdminKey bootstrap;
    private final Clock clock;

    ApiKeyService(TenantRepository repository, TenantDirectory directory, BootstrapAdminKey bootstrap, Clock clock) {
        this.repository = repository;
        this.directory = directory;
        this.bootstrap = bootstrap;
        this.clock = clock;
    }

    /** A key as returned once at creation. */
    record IssuedKey(String key, ApiKeyRecord record) {}

    @Transactional
    IssuedKey create(String tenantId, String name, Role role, Long expiresAtMs) {
        String id = ApiKeys.newId();
        String key = ApiKeys.newKey(id);
        String salt = ApiKeys.newSalt();
        ApiKeyRecord r = new ApiKeyRecord(id, tenantId, name, role, salt, ApiKeys.hash(salt, key), clock.millis(),
                expiresAtMs, null, null);
        repository.insertKey(r);
        return new IssuedKey(key, r);
    }

    /**
     * A new key with the old one's name, role and expiry; the old key keeps working for {@code overlap}
     * (never longer than it would have anyway), then expires.
     */
    @Transactional
    IssuedKey rotate(ApiKeyRecord old, Duration overlap) {
        IssuedKey fresh = create(old.tenantId(), old.name(), old.role(), old.expiresAt());
        long until = clock.millis() + overlap.toMillis();
        if (old.expiresAt() != null) {
            until = Math.min(until, old.expiresAt());
        }
        repository.retireKey(old.id(), until, fresh.record().id());
        directory.invalidateKey(old.id());
        return fresh;
    }

    void revoke(ApiKeyRecord key) {
        repository.revokeKey(key.id(), clock.millis());
        directory.invalidateKey(key.id());
    }

    List<ApiKeyRecord> list(String tenantId) {
        return repository.listKeys(tenantId);
    }

    /**
     * The principal of a presented API key.
     *
     * @throws AuthenticationException BadCredentials for unknown or wrong keys, CredentialsExpired for
     *                                 expired or revoked ones, Disabled for disabled tenants
     */
    TenantPrincipal authenticate(String presented) {
        if (bootstrap.matches(presented)) {
            return new TenantPrincipal(BOOTSTRAP_TENANT, BootstrapAdminKey.KEY_ID, "bootstrap admin",
                    EnumSet.of(Role.ADMIN, Role.TENANT), false, TenantPrincipal.AuthMethod.BOOTSTRAP_ADMIN_KEY);
        }
        String id = ApiKeys.idOf(presented);
        if (id == null) {
            throw new BadCredentialsException("Incorrect API key provided.");
        }
        ApiKeyRecord k = directory.key(id).orElseThrow(() -> new BadCredentialsException("Incorrect API key provided."));
        if (!ApiKeys.matches(k.salt(), k.hash(), presented)) {
            throw new BadCredentialsException("Incorrect API key provided.");
        }
        if (k.revokedAt() != null) {
            throw new CredentialsExpiredException("This API key has been revoked.");
        }
        if (!k.usableAt(clock.millis())) {
            throw new CredentialsExpiredException("This API key has expired.");
        }
        Tenant tenant = directory.tenant(k.tenantId())
                .orElseThrow(() -> new BadCredentialsException("Incorrect API key provided."));
        if (tenant.disabled()) {
            throw new DisabledException("This tenant is disabled.");
        }
        Set<Role> roles = k.role() == Role.ADMIN ? EnumSet.of(Role.ADMIN, Role.TENANT) : EnumSet.of(Role.TENANT);
        return new TenantPrincipal(tenant.id(), k.id(), k.name(), roles, tenant.promptLogging(),
                TenantPrincipal.AuthMethod.API_KEY);
    }
}
