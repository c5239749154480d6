package io.ossserve.security;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Request and response bodies of the admin API (snake_case, like OpenAI's). */
final class AdminDtos {
    private AdminDtos() {}

    record CreateTenant(String id, String name, @JsonProperty("prompt_logging") Boolean promptLogging,
            TenantLimits limits) {}

    record UpdateTenant(String name, @JsonProperty("prompt_logging") Boolean promptLogging, Boolean disabled,
            TenantLimits limits) {}

    /** {@code role}: "tenant" (default) or "admin"; {@code expires_in_seconds}: null = never. */
    record CreateKey(String name, String role, @JsonProperty("expires_in_seconds") Long expiresInSeconds) {}

    record RotateKey(@JsonProperty("overlap_seconds") Long overlapSeconds) {}

    /** A key as listed: never the secret. */
    record KeyView(String id, @JsonProperty("tenant_id") String tenantId, String name, String role,
            @JsonProperty("created_at") long createdAt, @JsonProperty("expires_at") Long expiresAt,
            @JsonProperty("revoked_at") Long revokedAt, @JsonProperty("replaced_by") String replacedBy) {
        static KeyView of(ApiKeyRecord r) {
            return new KeyView(r.id(), r.tenantId(), r.name(), r.role().name().toLowerCase(), r.createdAt(),
                    r.expiresAt(), r.revokedAt(), r.replacedBy());
        }
    }

    /** Returned once, at creation or rotation: the only time the key is ever shown. */
    record IssuedKeyView(String key, @JsonProperty("key_info") KeyView keyInfo, String warning) {
        static IssuedKeyView of(ApiKeyService.IssuedKey k) {
            return new IssuedKeyView(k.key(), KeyView.of(k.record()),
                    "Store this key now: it is not stored and cannot be shown again.");
        }
    }

    record ListOf<T>(String object, List<T> data) {
        static <T> ListOf<T> of(List<T> data) {
            return new ListOf<>("list", data);
        }
    }
}
