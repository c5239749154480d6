package io.ossserve.security;

import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.ossserve.config.ResilienceProperties;
import java.util.function.Supplier;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.stereotype.Component;

/**
 * Resilience4j retry for idempotent reads only (key and tenant lookups): a dropped pooled connection
 * should not turn into a 401/503. Writes are never retried here.
 */
@Component
class ReadRetry {
    private final Retry retry;

    ReadRetry(ResilienceProperties props) {
        RetryConfig config = RetryConfig.custom()
                .maxAttempts(Math.max(1, props.retry().maxAttempts()))
                .waitDuration(props.retry().backoff())
                .retryExceptions(TransientDataAccessException.class, DataAccessResourceFailureException.class)
                .build();
        this.retry = Retry.of("tenant-directory-read", config);
    }

    <T> T call(Supplier<T> read) {
        return retry.executeSupplier(read);
    }

    Retry retry() {
        return retry;
    }
}
