package io.ossserve.config;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code oss-serve.quota}: per-tenant limits. A tenant's own settings (admin API) override
 * {@code defaults}; 0 means "no limit" for every numeric limit.
 *
 * @param store              {@code memory} (one replica) or {@code redis} (all replicas share one quota)
 * @param redisKeyPrefix     prefix of every Redis key (lets several deployments share one Redis)
 * @param redisFailurePolicy what happens while Redis is unreachable: {@code local} enforces the limits per
 *                           replica from memory, {@code reject} answers 503
 * @param redisRetryAfter    after a Redis failure, how long to stay on the fallback before trying Redis again
 * @param concurrencyLease   a concurrency slot whose holder never released it (crashed replica) expires after this
 * @param defaults           limits for tenants without their own
 */
@ConfigurationProperties("oss-serve.quota")
public record QuotaProperties(
        @DefaultValue("memory") Store store,
        @DefaultValue("oss-serve:quota:") String redisKeyPrefix,
        @DefaultValue("local") RedisFailurePolicy redisFailurePolicy,
        @DefaultValue("5s") Duration redisRetryAfter,
        @DefaultValue("15m") Duration concurrencyLease,
        @DefaultValue Limits defaults) {

    public enum Store { MEMORY, REDIS }

    public enum RedisFailurePolicy { LOCAL, REJECT }

    /**
     * @param requestsPerMinute   requests per calendar minute
     * @param tokensPerMinute     prompt + completion tokens per minute (pre-charged with prompt + max tokens)
     * @param tokensPerDay        daily token budget (UTC day); exceeding it answers {@code insufficient_quota}
     * @param maxConcurrent       concurrent generations
     * @param maxContextTokens    prompt + max tokens of one request
     * @param maxTokensPerRequest max (completion) tokens of one request
     * @param allowedModels       model ids the tenant may call; empty = all
     */
    public record Limits(
            @DefaultValue("600") long requestsPerMinute,
            @DefaultValue("200000") long tokensPerMinute,
            @DefaultValue("0") long tokensPerDay,
            @DefaultValue("16") int maxConcurrent,
            @DefaultValue("0") int maxContextTokens,
            @DefaultValue("0") int maxTokensPerRequest,
            @DefaultValue List<String> allowedModels) {}
}
