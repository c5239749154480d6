package io.ossserve.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.ossserve.security.testapp.GovernanceContext;
import io.ossserve.security.testapp.TestJwks;
import io.ossserve.security.testapp.Http;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.security.core.userdetails.UserDetailsService;

/** Authentication and authorization over real HTTP (embedded H2; no external services). */
class SecurityTest extends GovernanceContext {
    static final Path DATA_DIR = GovernanceContext.DATA_DIR;
    static final TestJwks JWKS = TestJwks.SHARED;

    @Autowired
    ApplicationContext context;
    Http http;
    String admin;

    @BeforeEach
    void setUp() throws IOException {
        http = new Http(port);
        admin = Files.readString(DATA_DIR.resolve("admin.key")).strip();
    }

    @Test
    void bootstrapKeyIsGeneratedOnceWithOwnerOnlyPermissionsAndNoDefaultUserExists() throws IOException {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(DATA_DIR.resolve("admin.key"))))
                .isEqualTo("rw-------");
        assertThat(admin).startsWith("oss_").hasSizeGreaterThan(40);
        assertThat(context.getBeanNamesForType(UserDetailsService.class)).isEmpty();
    }

    @Test
    void onlyHealthIsPublic() {
        assertThat(http.get("/v1/health/ready", null).statusCode()).isEqualTo(200);
        assertThat(http.get("/actuator/health", null).statusCode()).isEqualTo(200);
        for (String path : List.of("/v1/models", "/admin/tenants", "/actuator/prometheus", "/actuator/info",
                "/v1/metrics", "/tokenize", "/anything")) {
            assertThat(http.get(path, null).statusCode()).as(path).isEqualTo(401);
        }
    }

    @Test
    void missingWrongAndMalformedKeysGet401WithOpenAiBody() {
        HttpResponse<String> none = http.get("/v1/models", null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).contains("\"type\":\"invalid_request_error\"", "\"code\":null", "API key");
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        for (String key : List.of("oss_abcdefghijkm_" + "x".repeat(43), "sk-wrong", "oss_", "a.b.c", "x".repeat(5000))) {
            HttpResponse<String> r = http.get("/v1/models", key);
            assertThat(r.statusCode()).as(key).isEqualTo(401);
            assertThat(r.body()).as(key).startsWith("{\"error\":{\"message\":").contains("\"param\":null");
        }
    }

    @Test
    void tenantKeyLifecycle() throws InterruptedException {
        createTenant("acme");
        String key = createKey("acme", "{\"name\":\"ci\"}");
        assertThat(http.get("/v1/models", key).statusCode()).isEqualTo(200);

        // right id, wrong secret
        String forged = key.substring(0, 17) + (key.charAt(17) == 'A' ? 'B' : 'A') + key.substring(18);
        assertThat(http.get("/v1/models", forged).statusCode()).isEqualTo(401);

        // tenant keys cannot administer
        HttpResponse<String> denied = http.get("/admin/tenants", key);
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.body()).contains("\"type\":\"permission_error\"", "\"code\":\"insufficient_permissions\"");

        // listing never shows secrets
        HttpResponse<String> list = http.get("/admin/tenants/acme/keys", admin);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).doesNotContain(key).doesNotContain(key.substring(17));

        // revoke
        String id = key.substring(4, 16);
        assertThat(http.post("/admin/tenants/acme/keys/" + id + "/revoke", admin, "").statusCode()).isEqualTo(200);
        HttpResponse<String> revoked = http.get("/v1/models", key);
        assertThat(revoked.statusCode()).isEqualTo(401);
        assertThat(revoked.body()).contains("revoked", "invalid_api_key");

        // expiry
        String shortLived = createKey("acme", "{\"expires_in_seconds\":1}");
        assertThat(http.get("/v1/models", shortLived).statusCode()).isEqualTo(200);
        Thread.sleep(1100);
        HttpResponse<String> expired = http.get("/v1/models", shortLived);
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(expired.body()).contains("expired");
    }

    @Test
    void rotationKeepsTheOldKeyForTheOverlapOnly() {
        createTenant("rot");
        String old = createKey("rot", "{}");
        String oldId = old.substring(4, 16);
        String withOverlap = issued(http.post("/admin/tenants/rot/keys/" + oldId + "/rotate", admin,
                "{\"overlap_seconds\":600}"));
        assertThat(http.get("/v1/models", old).statusCode()).isEqualTo(200);
        assertThat(http.get("/v1/models", withOverlap).statusCode()).isEqualTo(200);
        String newId = withOverlap.substring(4, 16);
        String immediate = issued(http.post("/admin/tenants/rot/keys/" + newId + "/rotate", admin,
                "{\"overlap_seconds\":0}"));
        assertThat(http.get("/v1/models", withOverlap).statusCode()).isEqualTo(401);
        assertThat(http.get("/v1/models", immediate).statusCode()).isEqualTo(200);
    }

    @Test
    void adminKeysIssuedThroughTheApiCanAdministerAndDisabledTenantsAreLockedOut() {
        createTenant("ops");
        String opsAdmin = createKey("ops", "{\"role\":\"admin\"}");
        assertThat(http.get("/admin/tenants", opsAdmin).statusCode()).isEqualTo(200);
        assertThat(http.patch("/admin/tenants/ops", admin, "{\"disabled\":true}").statusCode()).isEqualTo(200);
        assertThat(http.get("/v1/models", opsAdmin).statusCode()).isEqualTo(401);
    }

    @Test
    void adminApiErrorsAreOpenAiShaped() {
        createTenant("dup");
        assertThat(http.post("/admin/tenants", admin, "{\"id\":\"dup\"}").statusCode()).isEqualTo(409);
        assertThat(http.post("/admin/tenants", admin, "{\"id\":\"Bad Id!\"}").statusCode()).isEqualTo(400);
        assertThat(http.post("/admin/tenants", admin, "{not json").statusCode()).isEqualTo(400);
        assertThat(http.get("/admin/tenants/nope", admin).statusCode()).isEqualTo(404);
        assertThat(http.post("/admin/tenants/dup/keys", admin, "{\"role\":\"root\"}").statusCode()).isEqualTo(400);
        HttpResponse<String> r = http.post("/admin/tenants", admin,
                "{\"id\":\"neg\",\"limits\":{\"requests_per_minute\":-1}}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).startsWith("{\"error\":{");
    }

    @Test
    void jwtMode() {
        createTenant("jwt-co");
        String good = JWKS.token(TestJwks.ISSUER, TestJwks.AUDIENCE, "jwt-co", 300, List.of());
        assertThat(http.get("/v1/models", good).statusCode()).isEqualTo(200);
        assertThat(http.get("/admin/tenants", good).statusCode()).isEqualTo(403);
        String jwtAdmin = JWKS.token(TestJwks.ISSUER, TestJwks.AUDIENCE, "jwt-co", 300, List.of("oss-serve-admin"));
        assertThat(http.get("/admin/tenants", jwtAdmin).statusCode()).isEqualTo(200);

        List<String> bad = List.of(
                JWKS.token("https://evil.test/", TestJwks.AUDIENCE, "jwt-co", 300, List.of()),
                JWKS.token(TestJwks.ISSUER, "someone-else", "jwt-co", 300, List.of()),
                JWKS.token(TestJwks.ISSUER, TestJwks.AUDIENCE, "jwt-co", -120, List.of()),
                JWKS.token(TestJwks.ISSUER, TestJwks.AUDIENCE, "unknown-tenant", 300, List.of()),
                JWKS.unsignedToken("jwt-co"),
                JWKS.tokenSignedByOtherKey("jwt-co"));
        for (String token : bad) {
            HttpResponse<String> r = http.get("/v1/models", token);
            assertThat(r.statusCode()).as(token).isEqualTo(401);
            assertThat(r.body()).startsWith("{\"error\":{");
        }
    }

    void createTenant(String id) {
        HttpResponse<String> r = http.post("/admin/tenants", admin, "{\"id\":\"" + id + "\",\"name\":\"" + id + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    String createKey(String tenant, String body) {
        return issued(http.post("/admin/tenants/" + tenant + "/keys", admin, body));
    }

    static String issued(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
        Matcher m = Pattern.compile("\"key\":\"(oss_[^\"]+)\"").matcher(r.body());
        assertThat(m.find()).as(r.body()).isTrue();
        return m.group(1);
    }
}
