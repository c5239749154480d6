package io.ossserve;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * How the tests of the whole application authenticate, the way an operator would: each test context gets its own
 * data directory (H2 file database, spool, generated models) and a bootstrap admin key given through
 * {@code oss-serve.security.admin-key-file}; tests then create a tenant and a tenant API key through the admin API
 * and call /v1 with {@code Authorization: Bearer <tenant key>}. Security is never relaxed.
 */
public final class TestGovernance {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern KEY = Pattern.compile("\"key\":\"(oss_[^\"]+)\"");
    /** Generous limits for tests that are not about quotas (0 = unlimited). */
    public static final String UNLIMITED = "\"limits\":{\"requests_per_minute\":0,\"tokens_per_minute\":0,"
            + "\"tokens_per_day\":0,\"max_concurrent\":0}";

    private final Path dataDir;
    private final String adminKey;
    private final Map<Integer, String> defaultKeys = new ConcurrentHashMap<>();

    private TestGovernance(Path dataDir, String adminKey) {
        this.dataDir = dataDir;
        this.adminKey = adminKey;
    }

    /** A fresh data directory with an admin key file (mode 0600) in it. */
    public static TestGovernance create(String name) {
        try {
            Path dir = Files.createTempDirectory("ossserve-" + name);
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            String key = "test-admin-" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
            Path file = dir.resolve("test-admin.key");
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, key + "\n");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> TestModels.deleteTree(dir)));
            return new TestGovernance(dir, key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Points the context at this data directory and admin key file. */
    public void register(DynamicPropertyRegistry r) {
        r.add("oss-serve.data-dir", dataDir::toString);
        r.add("oss-serve.security.admin-key-file", () -> dataDir.resolve("test-admin.key").toString());
    }

    public Path dataDir() {
        return dataDir;
    }

    public String adminKey() {
        return adminKey;
    }

    /** One tenant with unlimited quotas per server (port), created on first use; its API key. */
    public String defaultTenantKey(int port) {
        return defaultKeys.computeIfAbsent(port, p -> tenantKey(p, "it-default", UNLIMITED));
    }

    /**
     * Creates tenant {@code id} (with {@code extraJson} fields such as {@code "limits":{...}} or
     * {@code "prompt_logging":true}) and a tenant key for it, through the admin API; returns the key.
     */
    public String tenantKey(int port, String id, String extraJson) {
        String body = "{\"id\":\"" + id + "\"" + (extraJson == null || extraJson.isEmpty() ? "" : "," + extraJson) + "}";
        HttpResponse<String> t = post(port, "/admin/tenants", body);
        if (t.statusCode() != 201) {
            throw new IllegalStateException("create tenant " + id + ": " + t.statusCode() + " " + t.body());
        }
        HttpResponse<String> k = post(port, "/admin/tenants/" + id + "/keys", "{\"name\":\"test\"}");
        Matcher m = KEY.matcher(k.body());
        if (k.statusCode() != 201 || !m.find()) {
            throw new IllegalStateException("create key for " + id + ": " + k.statusCode() + " " + k.body());
        }
        return m.group(1);
    }

    private HttpResponse<String> post(int port, String path, String json) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Authorization", "Bearer " + adminKey).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Quota windows are aligned to wall-clock minutes: a test that counts requests or tokens in one window waits
     * here when fewer than 15 s of the current minute are left, so it cannot straddle a window boundary.
     */
    public static void awaitFreshMinute() {
        long intoMinute = System.currentTimeMillis() % 60_000;
        if (intoMinute > 45_000) {
            try {
                Thread.sleep(60_000 - intoMinute + 200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a fresh quota minute", e);
            }
        }
    }
}
