package io.ossserve.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The writer against an embedded database that goes away mid-load and comes back: every record ends up stored
 * exactly once, in order, with an intact chain. (The PostgreSQL outage is exercised in GovernanceIT.)
 */
class AuditSpoolReplayTest {

    static final class SwitchableDataSource extends DelegatingDataSource {
        volatile boolean down;

        SwitchableDataSource(DriverManagerDataSource target) {
            super(target);
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (down) {
                throw new SQLException("connection refused (simulated outage)", "08001");
            }
            return super.getConnection();
        }
    }

    @Test
    void outageMidLoadLosesAndDuplicatesNothing() throws Exception {
        DriverManagerDataSource h2 = new DriverManagerDataSource(
                "jdbc:h2:mem:spool" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(h2).locations("classpath:db/migration").load().migrate();
        SwitchableDataSource ds = new SwitchableDataSource(h2);
        JdbcAuditStore store = new JdbcAuditStore(new JdbcTemplate(ds),
                new TransactionTemplate(new DataSourceTransactionManager(ds)), "test-node");
        CircuitBreaker breaker = CircuitBreaker.of("audit", CircuitBreakerConfig.custom()
                .slidingWindowSize(4).minimumNumberOfCalls(2).waitDurationInOpenState(Duration.ofMillis(100)).build());
        Path spoolDir = Files.createTempDirectory("spool");
        List<String> ids = new ArrayList<>();
        try (AsyncAuditWriter writer = new AsyncAuditWriter(store, new AuditSpool(spoolDir), breaker, 4096, 16,
                Duration.ofMillis(5), Duration.ofMillis(50), Duration.ZERO, Duration.ofHours(1))) {
            for (int i = 0; i < 300; i++) {
                if (i == 100) {
                    ds.down = true;
                }
                if (i == 200) {
                    // the writer spools asynchronously: wait (bounded) until the outage has reached the spool
                    Path spool = spoolDir.resolve("audit-spool.jsonl");
                    long deadline = System.nanoTime() + 10_000_000_000L;
                    while ((!Files.exists(spool) || Files.size(spool) == 0) && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                    assertThat(Files.size(spool)).isPositive();
                    ds.down = false;
                }
                String id = UUID.randomUUID().toString();
                ids.add(id);
                writer.record(new AuditEvent(id, i, AuditKind.SYSTEM, "r" + i, "t", null, null, null, "GET", "/x",
                        null, 200, i, null, null, null, 1L, null, null, List.of("a", "b"), null, null, null));
                Thread.sleep(1);
            }
            assertThat(writer.flush(Duration.ofSeconds(20))).isTrue();
        }
        JdbcTemplate jdbc = new JdbcTemplate(h2);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM audit_event", Long.class)).isEqualTo(300);
        assertThat(jdbc.queryForObject("SELECT COUNT(DISTINCT event_id) FROM audit_event", Long.class)).isEqualTo(300);
        List<String> stored = jdbc.queryForList("SELECT event_id FROM audit_event ORDER BY seq", String.class);
        assertThat(stored).containsExactlyElementsOf(ids);
        assertThat(store.verify().ok()).isTrue();

        // a replay of records already stored (e.g. the commit happened but its answer was lost) adds nothing
        assertThat(store.append(List.of(new AuditEvent(ids.get(5), 5, AuditKind.SYSTEM, "r5", "t", null, null, null,
                "GET", "/x", null, 200, 5, null, null, null, 1L, null, null, List.of("a", "b"), null, null, null))))
                .isZero();

        // deleting a record is detected as a gap
        jdbc.update("DELETE FROM audit_event WHERE seq = 150");
        AuditVerification v = store.verify();
        assertThat(v.ok()).isFalse();
        assertThat(v.firstBroken().seq()).isEqualTo(151);
        assertThat(v.firstBroken().reason()).contains("missing");
    }
}
