package io.ossserve.security;

/** Request attributes the security layer leaves for the audit filter. */
public final class SecurityAttributes {
    /** String: why authentication failed or was refused (401/403/throttled). */
    public static final String AUTH_FAILURE = "io.ossserve.security.authFailure";
    /** String: a short description of an admin action (e.g. "created key k123 for tenant acme"). */
    public static final String ADMIN_ACTION = "io.ossserve.security.adminAction";

    private SecurityAttributes() {}
}
