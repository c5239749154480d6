package io.ossserve.quota;

import static org.assertj.core.api.Assertions.assertThat;

import io.ossserve.security.testapp.GovernanceContext;
import io.ossserve.security.testapp.Http;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Quotas over real HTTP with the in-memory store: headers on every /v1 response, 429 bodies and retry hints. */
class QuotaTest extends GovernanceContext {
    static final String CHAT = "{\"model\":\"gpt-oss-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}],\"max_tokens\":%d}";

    @Test
    void everyV1ResponseCarriesTheSixHeaders() {
        String key = tenantWithKey("hdr", "\"limits\":{\"requests_per_minute\":50,\"tokens_per_minute\":1000}");
        HttpResponse<String> r = http().get("/v1/models", key);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-ratelimit-limit-requests")).hasValue("50");
        assertThat(r.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("49");
        assertThat(r.headers().firstValue("x-ratelimit-reset-requests")).hasValueSatisfying(v -> assertThat(v).matches("\\d+(ms|s|m\\d+s)"));
        assertThat(r.headers().firstValue("x-ratelimit-limit-tokens")).hasValue("1000");
        assertThat(r.headers().firstValue("x-ratelimit-remaining-tokens")).hasValue("1000");
        assertThat(r.headers().firstValue("x-ratelimit-reset-tokens")).isPresent();
        HttpResponse<String> chat = http().post("/v1/chat/completions", key, CHAT.formatted(100));
        assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
        // pre-charge 3 + 100 tokens, visible in the headers of the admitting response
        assertThat(chat.headers().firstValue("x-ratelimit-remaining-tokens")).hasValue("897");
        // settled on actual usage (3 prompt + 5 completion)
        assertThat(http().get("/v1/models", key).headers().firstValue("x-ratelimit-remaining-tokens")).hasValue("992");
    }

    @Test
    void exceedingRequestsPerMinuteGives429WithRetryHints() {
        String key = tenantWithKey("rpm", "\"limits\":{\"requests_per_minute\":3}");
        Http http = http();
        for (int i = 0; i < 3; i++) {
            assertThat(http.get("/v1/models", key).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> r = http.get("/v1/models", key);
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.body()).contains("\"type\":\"rate_limit_error\"", "\"code\":\"rate_limit_exceeded\"");
        assertThat(r.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
        long retryMs = Long.parseLong(r.headers().firstValue("retry-after-ms").orElseThrow());
        assertThat(retryMs).isBetween(1L, 60_000L);
        assertThat(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
    }

    @Test
    void exceedingTokensPerMinuteGives429AndTheDailyBudgetGivesInsufficientQuota() {
        String key = tenantWithKey("tpm", "\"limits\":{\"tokens_per_minute\":250}");
        Http http = http();
        assertThat(http.post("/v1/chat/completions", key, CHAT.formatted(200)).statusCode()).isEqualTo(200);
        // 8 settled; a new pre-charge of 3 + 240 exceeds 250
        HttpResponse<String> r = http.post("/v1/chat/completions", key, CHAT.formatted(240));
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.body()).contains("\"code\":\"rate_limit_exceeded\"", "tokens");
        assertThat(r.headers().firstValue("retry-after-ms")).isPresent();
        assertThat(r.headers().firstValue("x-ratelimit-limit-tokens")).hasValue("250");

        String daily = tenantWithKey("tpd", "\"limits\":{\"tokens_per_day\":30}");
        assertThat(http.post("/v1/chat/completions", daily, CHAT.formatted(20)).statusCode()).isEqualTo(200);
        HttpResponse<String> d = http.post("/v1/chat/completions", daily, CHAT.formatted(20));
        assertThat(d.statusCode()).isEqualTo(429);
        assertThat(d.body()).contains("\"type\":\"insufficient_quota\"", "\"code\":\"insufficient_quota\"");
    }

    @Test
    void perRequestLimitsAndAllowedModels() {
        String key = tenantWithKey("caps", "\"limits\":{\"max_tokens_per_request\":64,\"max_context_tokens\":80,"
                + "\"allowed_models\":[\"gpt-oss-test\"]}");
        Http http = http();
        assertThat(http.post("/v1/chat/completions", key, CHAT.formatted(65)).statusCode()).isEqualTo(400);
        assertThat(http.post("/v1/chat/completions", key, CHAT.formatted(64)).statusCode()).isEqualTo(200);
        String longPrompt = "{\"model\":\"gpt-oss-test\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + "x".repeat(200) + "\"}],\"max_tokens\":60}";
        HttpResponse<String> ctx = http.post("/v1/chat/completions", key, longPrompt);
        assertThat(ctx.statusCode()).isEqualTo(400);
        assertThat(ctx.body()).contains("context_length_exceeded");
        HttpResponse<String> model = http.post("/v1/chat/completions", key,
                "{\"model\":\"gpt-oss-120b\",\"messages\":[],\"max_tokens\":1}");
        assertThat(model.statusCode()).isEqualTo(403);
        assertThat(model.body()).contains("model_not_allowed");
    }
}
