package io.ossserve.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ossserve.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/** {@code oss-serve audit verify} through the real command line, on an embedded H2 file database (no Spring context). */
class AuditVerifyCommandTest {
    @TempDir
    Path dataDir;

    record Run(int code, String out, String err) {}

    static synchronized Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.commandLine().execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void reportsAnIntactTrailThenTheEditedRowThenAMissingDatabase() {
        DriverManagerDataSource ds = new DriverManagerDataSource("jdbc:h2:file:" + dataDir + "/oss-serve-db", "sa", "");
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        JdbcAuditStore store = new JdbcAuditStore(new JdbcTemplate(ds),
                new TransactionTemplate(new DataSourceTransactionManager(ds)), "cli-test");
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            events.add(new AuditEvent(UUID.randomUUID().toString(), 1000 + i, AuditKind.API_CALL, "r" + i, "acme",
                    "key" + i, "ci", "127.0.0.1", "POST", "/v1/chat/completions", "gpt-oss-test", 200, 10, 5, 2, 0,
                    12L, 3L, "stop", List.of(), null, null, null));
        }
        assertThat(store.append(events)).isEqualTo(5);

        Run ok = run("audit", "verify", "--data-dir", dataDir.toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("audit trail intact: 5 records in 1 chain(s)");

        new JdbcTemplate(ds).update("UPDATE audit_event SET completion_tokens = 1 WHERE seq = 3");
        Run broken = run("audit", "verify", "--data-dir", dataDir.toString());
        assertThat(broken.code()).isEqualTo(1);
        assertThat(broken.out()).contains("BROKEN").contains("seq 3");

        Run missing = run("audit", "verify", "--data-dir", dataDir.resolve("nothing-here").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("cannot verify the audit trail").doesNotContain("\tat ");

        assertThat(run("audit", "--help").out()).contains("verify");
    }
}
