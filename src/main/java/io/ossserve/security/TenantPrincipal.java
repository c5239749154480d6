package io.ossserve.security;

import java.util.Set;

/**
 * Who is calling: the seam the chat layer reads through {@link TenantContext}.
 *
 * @param tenantId      tenant the call is accounted to (quota, audit, prefix-cache salt)
 * @param keyId         id of the API key (never the key itself), or null for a JWT
 * @param subject       human-readable principal: key name, or the JWT {@code sub}
 * @param roles         granted roles
 * @param promptLogging whether the tenant opted in to prompt/completion text in the audit trail
 * @param method        how the caller authenticated
 */
public record TenantPrincipal(
        String tenantId, String keyId, String subject, Set<Role> roles, boolean promptLogging, AuthMethod method) {

    public enum AuthMethod { API_KEY, JWT, BOOTSTRAP_ADMIN_KEY }

    public TenantPrincipal {
        roles = Set.copyOf(roles);
    }

    public boolean isAdmin() {
        return roles.contains(Role.ADMIN);
    }
}
