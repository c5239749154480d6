package io.ossserve.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ossserve.security.testapp.GovernanceContext;
import io.ossserve.security.testapp.Http;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** The audit trail over real HTTP (embedded H2): one record per call, kinds, request ids, tenant isolation. */
class AuditTest extends GovernanceContext {
    @Autowired
    AsyncAuditWriter writer;
    @Autowired
    JdbcAuditStore store;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void oneRecordPerCallWithUsageAndNoKeys() {
        String key = tenantWithKey("aud", "\"prompt_logging\":false");
        Http http = http();
        HttpResponse<String> chat = http.send(http.builder("/v1/chat/completions", key)
                .header("Content-Type", "application/json").header("x-request-id", "client-req-1")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"gpt-oss-test\",\"messages\":[{\"role\":\"user\",\"content\":\"secret prompt\"}],\"max_tokens\":8}"))
                .build());
        assertThat(chat.statusCode()).isEqualTo(200);
        assertThat(chat.headers().firstValue("x-request-id")).hasValue("client-req-1");
        HttpResponse<String> minted = http.get("/v1/models", key);
        String mintedId = minted.headers().firstValue("x-request-id").orElseThrow();
        assertThat(mintedId).startsWith("req_");
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();

        List<StoredAuditEvent> events = store.query("aud", 0, Long.MAX_VALUE, 100);
        List<StoredAuditEvent> chats = events.stream().filter(e -> "client-req-1".equals(e.event().requestId())).toList();
        assertThat(chats).hasSize(1);
        AuditEvent e = chats.getFirst().event();
        assertThat(e.kind()).isEqualTo(AuditKind.API_CALL);
        assertThat(e.endpoint()).isEqualTo("/v1/chat/completions");
        assertThat(e.model()).isEqualTo("gpt-oss-test");
        assertThat(e.status()).isEqualTo(200);
        assertThat(e.promptTokens()).isEqualTo(4);
        assertThat(e.completionTokens()).isEqualTo(5);
        assertThat(e.reasoningTokens()).isEqualTo(2);
        assertThat(e.finishReason()).isEqualTo("stop");
        assertThat(e.tools()).containsExactly("get_weather");
        assertThat(e.ttftMs()).isEqualTo(3L);
        assertThat(e.keyId()).isEqualTo(key.substring(4, 16));
        assertThat(e.promptText()).isNull();
        assertThat(e.completionText()).isNull();
        assertThat(events.stream().filter(x -> mintedId.equals(x.event().requestId()))).hasSize(1);
        String all = jdbc.queryForList("SELECT * FROM audit_event").toString();
        assertThat(all).doesNotContain(key).doesNotContain(key.substring(17)).doesNotContain("secret prompt");
    }

    @Test
    void promptTextOnlyForTenantsThatOptedIn() {
        String key = tenantWithKey("optin", "\"prompt_logging\":true");
        HttpResponse<String> r = http().post("/v1/chat/completions", key,
                "{\"model\":\"gpt-oss-test\",\"messages\":[{\"role\":\"user\",\"content\":\"logged prompt\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
        AuditEvent e = store.query("optin", 0, Long.MAX_VALUE, 10).stream()
                .filter(x -> "/v1/chat/completions".equals(x.event().endpoint())).findFirst().orElseThrow().event();
        assertThat(e.promptText()).isEqualTo("logged prompt");
        assertThat(e.completionText()).isEqualTo("fake answer");
    }

    @Test
    void authFailuresQuotaRejectionsAndAdminActionsAreRecorded() {
        String key = tenantWithKey("kinds", "\"limits\":{\"requests_per_minute\":1}");
        io.ossserve.TestGovernance.awaitFreshMinute();   // both requests in one minute window
        Http http = http();
        HttpResponse<String> bad = http.send(http.builder("/v1/models", "oss_wrongwrongwr_" + "x".repeat(43))
                .header("x-request-id", "bad-auth-1").GET().build());
        assertThat(bad.statusCode()).isEqualTo(401);
        http.get("/v1/models", key);
        HttpResponse<String> limited = http.get("/v1/models", key);
        assertThat(limited.statusCode()).isEqualTo(429);
        String limitedId = limited.headers().firstValue("x-request-id").orElseThrow();
        // the audit filter records after the response has been sent: wait (bounded) for all three records
        List<StoredAuditEvent> all = List.of();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
            all = jdbc.query("SELECT * FROM audit_event WHERE request_id IN (?, ?) OR detail = ?",
                    JdbcAuditStore::row, "bad-auth-1", limitedId, "created tenant kinds");
            if (all.size() >= 3) {
                break;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        AuditEvent authFailure = all.stream().map(StoredAuditEvent::event)
                .filter(e -> "bad-auth-1".equals(e.requestId())).findFirst().orElseThrow();
        assertThat(authFailure.kind()).isEqualTo(AuditKind.AUTH_FAILURE);
        assertThat(authFailure.status()).isEqualTo(401);
        assertThat(authFailure.clientAddress()).isEqualTo("127.0.0.1");
        AuditEvent rejection = all.stream().map(StoredAuditEvent::event)
                .filter(e -> limitedId.equals(e.requestId())).findFirst().orElseThrow();
        assertThat(rejection.kind()).isEqualTo(AuditKind.QUOTA_REJECTION);
        assertThat(rejection.detail()).isEqualTo("rate_limit_exceeded");
        assertThat(all.stream().map(StoredAuditEvent::event).filter(e -> e.kind() == AuditKind.ADMIN_ACTION
                && "created tenant kinds".equals(e.detail()))).hasSize(1);
    }

    @Test
    void tenantsReadOnlyTheirOwnRecordsAndVerifyDetectsAnEditedRow() {
        String a = tenantWithKey("iso-a", null);
        tenantWithKey("iso-b", null);
        Http http = http();
        http.get("/v1/models", a);
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
        HttpResponse<String> own = http.get("/tenant/audit/events", a);
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(own.body()).contains("\"tenant_id\":\"iso-a\"").doesNotContain("\"tenant_id\":\"iso-b\"");
        assertThat(http.get("/tenant/audit/events?tenant=iso-b", a).statusCode()).isEqualTo(403);
        assertThat(http.get("/admin/audit/events?tenant=iso-b", a).statusCode()).isEqualTo(403);
        HttpResponse<String> export = http.get("/admin/audit/export?tenant=iso-a", adminKey());
        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(export.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/x-ndjson");
        assertThat(export.body().lines()).isNotEmpty().allSatisfy(l -> assertThat(l).startsWith("{").contains("\"hash\""));

        HttpResponse<String> ok = http.get("/admin/audit/verify", adminKey());
        assertThat(ok.body()).as(ok.body()).contains("\"ok\":true");
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
        Long seq = jdbc.queryForObject("SELECT MIN(seq) FROM audit_event WHERE tenant_id = 'iso-a'", Long.class);
        jdbc.update("UPDATE audit_event SET status = 299 WHERE tenant_id = 'iso-a' AND seq = ?", seq);
        try {
            AuditVerification v = store.verify();
            assertThat(v.ok()).isFalse();
            assertThat(v.firstBroken().seq()).isEqualTo(seq);
            assertThat(v.firstBroken().reason()).contains("edited");
        } finally {
            jdbc.update("UPDATE audit_event SET status = 200 WHERE tenant_id = 'iso-a' AND seq = ?", seq);
        }
        assertThat(store.verify().ok()).isTrue();
    }
}
