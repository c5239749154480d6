package io.ossserve.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ossserve.security.testapp.GovernanceContext;
import ossserve.testapp.GovernanceTestApp;
import io.ossserve.security.testapp.Http;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Two application instances (replicas) sharing one real PostgreSQL database and one real Redis, on loopback: the
 * services on 127.0.0.1 (CI and developer machines have no Docker engine; override with OSS_SERVE_IT_PG_URL,
 * OSS_SERVE_IT_PG_USER, OSS_SERVE_IT_REDIS_HOST, OSS_SERVE_IT_REDIS_PORT). Each run creates and drops its own
 * database and uses its own Redis key prefix.
 */
class GovernanceIT {
    static final String PG_URL = env("OSS_SERVE_IT_PG_URL", "jdbc:postgresql://127.0.0.1:5432/");
    static final String PG_USER = env("OSS_SERVE_IT_PG_USER", "postgres");
    static final String DB = "ossserve_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    static final String CHAT = "{\"model\":\"gpt-oss-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}],\"max_tokens\":%d}";

    static ConfigurableApplicationContext a;
    static ConfigurableApplicationContext b;
    static Http httpA;
    static Http httpB;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        admin(sql -> sql.execute("CREATE DATABASE " + DB));
        Path dir = Files.createTempDirectory("oss-governance-it");
        admin = "it-admin-" + UUID.randomUUID() + UUID.randomUUID();
        Path keyFile = Files.writeString(dir.resolve("admin.key"), admin);
        String prefix = "oss-it-" + UUID.randomUUID() + ":";
        a = instance("node-a", dir.resolve("a"), keyFile, prefix);
        b = instance("node-b", dir.resolve("b"), keyFile, prefix);
        httpA = new Http(port(a));
        httpB = new Http(port(b));
    }

    @AfterAll
    static void stop() throws Exception {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        admin(sql -> sql.execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)"));
    }

    @Test
    void twoInstancesSharingRedisEnforceOneLimit() {
        String key = tenant("shared", "\"limits\":{\"requests_per_minute\":6,\"tokens_per_minute\":100}");
        io.ossserve.TestGovernance.awaitFreshMinute();   // the counts below must fall in one minute window
        // tokens: A pre-charges 93 and settles at 8; B's pre-charge of 93 then exceeds 100 on the shared counter
        assertThat(httpA.post("/v1/chat/completions", key, CHAT.formatted(90)).statusCode()).isEqualTo(200);
        HttpResponse<String> tokens = httpB.post("/v1/chat/completions", key, CHAT.formatted(90));
        assertThat(tokens.statusCode()).isEqualTo(429);
        assertThat(tokens.body()).contains("rate_limit_exceeded");
        int ok = 2; // both chat calls counted as requests
        int limited = 0;
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = (i % 2 == 0 ? httpA : httpB).get("/v1/models", key);
            if (r.statusCode() == 200) {
                ok++;
            } else {
                assertThat(r.statusCode()).isEqualTo(429);
                assertThat(r.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
                assertThat(r.headers().firstValue("retry-after-ms")).isPresent();
                limited++;
            }
        }
        assertThat(ok).isEqualTo(6);
        assertThat(limited).isEqualTo(6);
    }

    @Test
    void everyCallOfALoadRunIsStoredExactlyOnceAcrossAPostgresOutage() throws Exception {
        String key = tenant("load", null);
        httpA.get("/v1/models", key); // warm the key cache
        int total = 160;
        Set<String> requestIds = ConcurrentHashMap.newKeySet();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int i = 0; i < total; i++) {
            pool.submit(() -> {
                HttpResponse<String> r = httpA.post("/v1/chat/completions", key, CHAT.formatted(8));
                if (r.statusCode() != 200) {
                    failures.incrementAndGet();
                }
                requestIds.add(r.headers().firstValue("x-request-id").orElseThrow());
                done.incrementAndGet();
                return null;
            });
        }
        await(() -> done.get() >= total / 4);
        // outage: refuse new connections to our database and kill the open ones
        admin(sql -> {
            sql.execute("ALTER DATABASE " + DB + " ALLOW_CONNECTIONS false");
            sql.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + DB + "'");
        });
        int atCut = done.get();
        Thread.sleep(2500);
        Path spool = Path.of(a.getEnvironment().getProperty("oss-serve.data-dir")).resolve("audit-spool/audit-spool.jsonl");
        boolean spooled = Files.exists(spool) && Files.size(spool) > 0;
        admin(sql -> sql.execute("ALTER DATABASE " + DB + " ALLOW_CONNECTIONS true"));
        int atRestore = done.get();
        pool.shutdown();
        assertThat(pool.awaitTermination(120, TimeUnit.SECONDS)).isTrue();
        assertThat(failures.get()).isZero();
        assertThat(atRestore - atCut).as("requests served during the outage").isPositive();
        assertThat(spooled).as("records were spooled during the outage").isTrue();
        assertThat(a.getBean(AsyncAuditWriter.class).flush(Duration.ofSeconds(60))).isTrue();

        JdbcTemplate jdbc = a.getBean(JdbcTemplate.class);
        Map<String, Long> counts = new java.util.HashMap<>();
        jdbc.query("SELECT request_id, COUNT(*) FROM audit_event WHERE tenant_id = 'load' GROUP BY request_id",
                rs -> {
                    counts.put(rs.getString(1), rs.getLong(2));
                });
        assertThat(requestIds).hasSize(total);
        for (String id : requestIds) {
            assertThat(counts.get(id)).as(id).isEqualTo(1L);
        }
        JdbcAuditStore store = a.getBean(JdbcAuditStore.class);
        assertThat(store.verify().ok()).isTrue();

        // tampering with one row is detected, by the API and by the CLI command
        Long seq = jdbc.queryForObject("SELECT MAX(seq) FROM audit_event WHERE chain_id = 'node-a' AND tenant_id = 'load'",
                Long.class);
        jdbc.update("UPDATE audit_event SET completion_tokens = 9999 WHERE chain_id = 'node-a' AND seq = ?", seq);
        HttpResponse<String> verify = httpB.get("/admin/audit/verify", admin);
        assertThat(verify.body()).contains("\"ok\":false", "\"seq\":" + seq, "\"chain_id\":\"node-a\"");
        AuditVerifyCommand cli = new AuditVerifyCommand();
        cli.jdbcUrl = PG_URL + DB;
        cli.user = PG_USER;
        cli.passwordEnv = "OSS_SERVE_IT_NO_PASSWORD";
        assertThat(cli.call()).isEqualTo(1);
    }

    static String tenant(String id, String extra) {
        HttpResponse<String> r = httpA.post("/admin/tenants", admin,
                "{\"id\":\"" + id + "\"" + (extra == null ? "" : "," + extra) + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return GovernanceContext.issuedKey(httpB.post("/admin/tenants/" + id + "/keys", admin, "{}").body());
    }

    static ConfigurableApplicationContext instance(String node, Path dataDir, Path keyFile, String redisPrefix) {
        return new SpringApplicationBuilder(GovernanceTestApp.class).run(
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--oss-serve.data-dir=" + dataDir,
                "--oss-serve.security.admin-key-file=" + keyFile,
                "--oss-serve.security.key-cache-ttl=60s",
                "--spring.datasource.url=" + PG_URL + DB,
                "--spring.datasource.username=" + PG_USER,
                "--spring.datasource.hikari.connection-timeout=1000",
                "--spring.datasource.hikari.maximum-pool-size=4",
                "--oss-serve.quota.store=redis",
                "--oss-serve.quota.redis-key-prefix=" + redisPrefix,
                "--spring.data.redis.host=" + env("OSS_SERVE_IT_REDIS_HOST", "127.0.0.1"),
                "--spring.data.redis.port=" + env("OSS_SERVE_IT_REDIS_PORT", "6379"),
                "--spring.data.redis.timeout=2s",
                "--oss-serve.audit.node-id=" + node,
                "--oss-serve.audit.flush-interval=20ms",
                "--management.endpoint.health.group.readiness.include=readinessState",
                "--oss-serve.audit.replay-interval=300ms",
                "--oss-serve.resilience.audit-breaker.wait-in-open=300ms");
    }

    static int port(ConfigurableApplicationContext ctx) {
        return Integer.parseInt(ctx.getEnvironment().getProperty("local.server.port"));
    }

    interface Sql {
        void run(Statement s) throws SQLException;
    }

    static void admin(Sql sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(PG_URL + "postgres", PG_USER, "");
                Statement s = c.createStatement()) {
            sql.run(s);
        }
    }

    static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }
}
