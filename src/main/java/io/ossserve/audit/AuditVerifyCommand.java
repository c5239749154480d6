package io.ossserve.audit;

import java.util.concurrent.Callable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code audit verify}: walks the audit hash chains in a database and prints the first broken link. Exit code 0
 * when intact, 1 when broken, 2 on a usage or connection error. Usable as a picocli subcommand or on its own:
 * {@code java -cp target/oss-serve.jar -Dloader.main=io.ossserve.audit.AuditVerifyCommand
 * org.springframework.boot.loader.launch.PropertiesLauncher --jdbc-url=...}.
 */
@Command(name = "verify", description = "Verify the audit trail's hash chains and report the first broken link.",
        mixinStandardHelpOptions = true)
public class AuditVerifyCommand implements Callable<Integer> {
    @Option(names = "--jdbc-url", description = "JDBC URL (default: the embedded H2 database under --data-dir)")
    String jdbcUrl;

    @Option(names = "--data-dir", defaultValue = "./data", description = "data directory of the embedded database")
    String dataDir;

    @Option(names = "--user", defaultValue = "sa", description = "database user")
    String user;

    @Option(names = "--password-env", defaultValue = "OSS_SERVE_DB_PASSWORD",
            description = "environment variable holding the database password")
    String passwordEnv;

    @Override
    public Integer call() {
        String url = jdbcUrl != null ? jdbcUrl : "jdbc:h2:file:" + dataDir + "/oss-serve-db;IFEXISTS=TRUE";
        String password = System.getenv(passwordEnv);
        DriverManagerDataSource ds = new DriverManagerDataSource(url, user, password == null ? "" : password);
        try {
            AuditVerification v = new JdbcAuditStore(new JdbcTemplate(ds),
                    new TransactionTemplate(new DataSourceTransactionManager(ds)), "cli").verify();
            if (v.ok()) {
                System.out.printf("audit trail intact: %d records in %d chain(s)%n", v.checked(), v.chains());
                return 0;
            }
            AuditVerification.BrokenLink b = v.firstBroken();
            System.out.printf("audit trail BROKEN at chain %s seq %d (event %s): %s%n", b.chainId(), b.seq(),
                    b.eventId(), b.reason());
            return 1;
        } catch (RuntimeException e) {
            System.err.println("cannot verify the audit trail: " + e.getMessage());
            return 2;
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new AuditVerifyCommand()).execute(args));
    }
}
