package io.ossserve.security;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A tenant as stored.
 *
 * @param promptLogging opted in to prompt/completion text in the audit trail
 * @param limits        own quota settings (null fields fall back to {@code oss-serve.quota.defaults})
 */
public record Tenant(
        String id,
        String name,
        @JsonProperty("prompt_logging") boolean promptLogging,
        boolean disabled,
        TenantLimits limits,
        @JsonProperty("created_at") long createdAt,
        @JsonProperty("updated_at") long updatedAt) {}
