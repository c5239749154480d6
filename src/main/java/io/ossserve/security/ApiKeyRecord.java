package io.ossserve.security;

/** A stored API key: never the key, only its salted hash. Times are epoch milliseconds. */
record ApiKeyRecord(
        String id,
        String tenantId,
        String name,
        Role role,
        String salt,
        String hash,
        long createdAt,
        Long expiresAt,
        Long revokedAt,
        String replacedBy) {

    boolean usableAt(long nowMs) {
        return revokedAt == null && (expiresAt == null || nowMs < expiresAt);
    }
}
