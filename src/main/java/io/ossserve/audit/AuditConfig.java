package io.ossserve.audit;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.ossserve.config.AuditProperties;
import io.ossserve.config.ResilienceProperties;
import java.net.InetAddress;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires the audit store (with its circuit breaker), the async writer and the audit filter. */
@Configuration
class AuditConfig {

    @Bean
    JdbcAuditStore jdbcAuditStore(JdbcTemplate jdbc, TransactionTemplate tx, AuditProperties props) {
        return new JdbcAuditStore(jdbc, tx, chainId(props.nodeId()));
    }

    @Bean(destroyMethod = "close")
    AsyncAuditWriter auditRecorder(JdbcAuditStore store, AuditProperties props, ResilienceProperties resilience,
            @Value("${oss-serve.data-dir:./data}") Path dataDir) {
        ResilienceProperties.Breaker b = resilience.auditBreaker();
        CircuitBreaker breaker = CircuitBreaker.of("audit-store", CircuitBreakerConfig.custom()
                .failureRateThreshold(b.failureRateThreshold())
                .slidingWindowSize(b.slidingWindowSize())
                .minimumNumberOfCalls(b.minimumCalls())
                .waitDurationInOpenState(b.waitInOpen())
                .build());
        Path spoolDir = props.spoolDir() != null ? props.spoolDir() : dataDir.resolve("audit-spool");
        return new AsyncAuditWriter(store, new AuditSpool(spoolDir), breaker, props.queueCapacity(), props.batchSize(),
                props.flushInterval(), props.replayInterval(), props.retention(), props.retentionCheckInterval());
    }

    @Bean
    FilterRegistrationBean<AuditFilter> auditFilter(AsyncAuditWriter recorder, AuditProperties props) {
        FilterRegistrationBean<AuditFilter> r = new FilterRegistrationBean<>(new AuditFilter(recorder,
                props.maxPromptChars()));
        r.addUrlPatterns("/*");
        r.setOrder(AuditFilter.ORDER);
        return r;
    }

    static String chainId(String configured) {
        String id = configured;
        if (id == null || id.isBlank()) {
            try {
                id = InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                id = "node";
            }
        }
        return id.length() > 64 ? id.substring(0, 64) : id;
    }
}
