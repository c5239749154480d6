package io.ossserve.security;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A tenant's own limits; a null field means "the configured default", 0 means "no limit".
 * {@code allowedModels} null = default, empty = all models.
 */
public record TenantLimits(
        @JsonProperty("requests_per_minute") Long requestsPerMinute,
        @JsonProperty("tokens_per_minute") Long tokensPerMinute,
        @JsonProperty("tokens_per_day") Long tokensPerDay,
        @JsonProperty("max_concurrent") Integer maxConcurrent,
        @JsonProperty("max_context_tokens") Integer maxContextTokens,
        @JsonProperty("max_tokens_per_request") Integer maxTokensPerRequest,
        @JsonProperty("allowed_models") List<String> allowedModels) {

    public static final TenantLimits DEFAULTS = new TenantLimits(null, null, null, null, null, null, null);

    public TenantLimits {
        allowedModels = allowedModels == null ? null : List.copyOf(allowedModels);
    }

    /** This with every non-null field of {@code patch} applied. */
    TenantLimits merge(TenantLimits patch) {
        if (patch == null) {
            return this;
        }
        return new TenantLimits(
                patch.requestsPerMinute != null ? patch.requestsPerMinute : requestsPerMinute,
                patch.tokensPerMinute != null ? patch.tokensPerMinute : tokensPerMinute,
                patch.tokensPerDay != null ? patch.tokensPerDay : tokensPerDay,
                patch.maxConcurrent != null ? patch.maxConcurrent : maxConcurrent,
                patch.maxContextTokens != null ? patch.maxContextTokens : maxContextTokens,
                patch.maxTokensPerRequest != null ? patch.maxTokensPerRequest : maxTokensPerRequest,
                patch.allowedModels != null ? patch.allowedModels : allowedModels);
    }
}
