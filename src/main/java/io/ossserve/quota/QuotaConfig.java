package io.ossserve.quota;

import io.ossserve.config.QuotaProperties;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

/** Chooses the quota store and registers the rate-limit filter right after Spring Security's filter (-100). */
@Configuration
class QuotaConfig {
    static final int FILTER_ORDER = -90;

    @Bean
    QuotaStore quotaStore(QuotaProperties props, ObjectProvider<StringRedisTemplate> redis, Clock clock) {
        if (props.store() == QuotaProperties.Store.REDIS) {
            StringRedisTemplate template = redis.getIfAvailable();
            if (template == null) {
                throw new IllegalStateException("oss-serve.quota.store=redis but no Redis connection is configured");
            }
            return new FailoverQuotaStore(new RedisQuotaStore(template, props.redisKeyPrefix()),
                    new InMemoryQuotaStore(), props.redisFailurePolicy(), props.redisRetryAfter().toMillis(), clock);
        }
        return new InMemoryQuotaStore();
    }

    @Bean
    FilterRegistrationBean<RateLimitFilter> rateLimitFilter(QuotaService quota) {
        FilterRegistrationBean<RateLimitFilter> r = new FilterRegistrationBean<>(new RateLimitFilter(quota));
        r.addUrlPatterns("/v1/*", "/tokenize", "/detokenize");
        r.setOrder(FILTER_ORDER);
        return r;
    }
}
