package io.ossserve.security.testapp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.test.context.SpringBootTest;
import ossserve.testapp.GovernanceTestApp;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One shared application context (embedded H2, in-memory quotas) for the governance *Test classes: every subclass
 * reuses it, so the suite starts Spring once. Each test creates its own tenants.
 */
@SpringBootTest(classes = GovernanceTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class GovernanceContext {
    public static final Path DATA_DIR;

    static {
        try {
            DATA_DIR = Files.createTempDirectory("oss-governance-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void governanceProps(DynamicPropertyRegistry r) {
        r.add("oss-serve.data-dir", DATA_DIR::toString);
        r.add("spring.datasource.url", () -> "jdbc:h2:mem:gov" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        r.add("oss-serve.security.jwt.enabled", () -> "true");
        r.add("oss-serve.security.jwt.issuer", () -> TestJwks.ISSUER);
        r.add("oss-serve.security.jwt.jwk-set-uri", TestJwks.SHARED::jwkSetUri);
        r.add("oss-serve.security.jwt.audiences", () -> TestJwks.AUDIENCE);
        r.add("oss-serve.security.auth-failures.max-failures", () -> "0");
        r.add("oss-serve.audit.flush-interval", () -> "20ms");
        // this slice has no model runtime, so readiness is the application state alone
        r.add("management.endpoint.health.group.readiness.include", () -> "readinessState");
    }

    @LocalServerPort
    protected int port;

    protected Http http() {
        return new Http(port);
    }

    protected static String adminKey() {
        try {
            return Files.readString(DATA_DIR.resolve("admin.key")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates a tenant (with optional limits JSON) and one key for it; returns the key. */
    protected String tenantWithKey(String id, String extraJson) {
        Http http = http();
        String body = "{\"id\":\"" + id + "\"" + (extraJson == null ? "" : "," + extraJson) + "}";
        var r = http.post("/admin/tenants", adminKey(), body);
        if (r.statusCode() != 201) {
            throw new IllegalStateException("create tenant: " + r.statusCode() + " " + r.body());
        }
        return issuedKey(http.post("/admin/tenants/" + id + "/keys", adminKey(), "{}").body());
    }

    public static String issuedKey(String body) {
        Matcher m = Pattern.compile("\"key\":\"(oss_[^\"]+)\"").matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("no key in " + body);
        }
        return m.group(1);
    }
}
