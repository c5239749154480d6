package io.ossserve.quota;

import io.ossserve.config.QuotaProperties;
import io.ossserve.security.TenantLimits;
import java.util.List;

/**
 * A tenant's effective limits (own settings over the configured defaults); 0 = unlimited.
 */
public record QuotaLimits(long requestsPerMinute, long tokensPerMinute, long tokensPerDay, int maxConcurrent,
        int maxContextTokens, int maxTokensPerRequest, List<String> allowedModels) {

    static QuotaLimits of(TenantLimits own, QuotaProperties.Limits d) {
        TenantLimits o = own != null ? own : TenantLimits.DEFAULTS;
        return new QuotaLimits(
                o.requestsPerMinute() != null ? o.requestsPerMinute() : d.requestsPerMinute(),
                o.tokensPerMinute() != null ? o.tokensPerMinute() : d.tokensPerMinute(),
                o.tokensPerDay() != null ? o.tokensPerDay() : d.tokensPerDay(),
                o.maxConcurrent() != null ? o.maxConcurrent() : d.maxConcurrent(),
                o.maxContextTokens() != null ? o.maxContextTokens() : d.maxContextTokens(),
                o.maxTokensPerRequest() != null ? o.maxTokensPerRequest() : d.maxTokensPerRequest(),
                o.allowedModels() != null ? o.allowedModels() : List.copyOf(d.allowedModels()));
    }

    boolean allowsModel(String model) {
        return allowedModels.isEmpty() || allowedModels.contains(model);
    }
}
