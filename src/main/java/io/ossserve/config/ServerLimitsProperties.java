package io.ossserve.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * {@code oss-serve.server-limits.*}: request limits of the OpenAI API.
 *
 * @param maxBodySize      larger request bodies get 413
 * @param maxN             most choices ({@code n}) per request
 * @param defaultMaxTokens output limit when the request sets none (bounded by the context)
 * @param maxStopSequences most {@code stop} strings
 */
@Validated
@ConfigurationProperties("oss-serve.server-limits")
public record ServerLimitsProperties(
        @DefaultValue("4MB") @NotNull DataSize maxBodySize,
        @DefaultValue("8") @Min(1) @Max(128) int maxN,
        @DefaultValue("1024") @Min(1) int defaultMaxTokens,
        @DefaultValue("4") @Min(0) @Max(64) int maxStopSequences) {}
