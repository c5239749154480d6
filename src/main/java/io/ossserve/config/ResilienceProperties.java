package io.ossserve.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code oss-serve.resilience}: Resilience4j guards.
 *
 * @param generation     bulkhead and time limit around one generation (all tenants together)
 * @param computeBreaker circuit breaker around the compute backend
 * @param auditBreaker   circuit breaker around the audit database
 * @param retry          retries of idempotent reads (key lookups)
 */
@ConfigurationProperties("oss-serve.resilience")
public record ResilienceProperties(
        @DefaultValue Generation generation,
        @DefaultValue Breaker computeBreaker,
        @DefaultValue Breaker auditBreaker,
        @DefaultValue Retry retry) {

    /**
     * @param maxConcurrent concurrent generations admitted by the bulkhead
     * @param maxWait       how long a request may wait for a bulkhead slot before 503
     * @param timeout       hard time limit of one generation
     */
    public record Generation(
            @DefaultValue("64") int maxConcurrent,
            @DefaultValue("0s") Duration maxWait,
            @DefaultValue("10m") Duration timeout) {}

    /**
     * @param failureRateThreshold percentage of failed calls that opens the breaker
     * @param slidingWindowSize    calls in the sliding window
     * @param minimumCalls         calls before the rate is evaluated
     * @param waitInOpen           open time before trial calls
     */
    public record Breaker(
            @DefaultValue("50") float failureRateThreshold,
            @DefaultValue("20") int slidingWindowSize,
            @DefaultValue("10") int minimumCalls,
            @DefaultValue("30s") Duration waitInOpen) {}

    /**
     * @param maxAttempts attempts of an idempotent read (1 = no retry)
     * @param backoff     pause between attempts
     */
    public record Retry(@DefaultValue("3") int maxAttempts, @DefaultValue("50ms") Duration backoff) {}
}
