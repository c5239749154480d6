package io.ossserve.security;

/** What a credential may do: tenants call /v1, admins also manage tenants, keys, quotas and the audit trail. */
public enum Role {
    TENANT,
    ADMIN;

    /** The Spring Security authority, e.g. {@code ROLE_ADMIN}. */
    public String authority() {
        return "ROLE_" + name();
    }
}
