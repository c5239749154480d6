package io.ossserve.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ossserve.api.ScriptedServerAccess;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Governance on the real chat endpoint, over real HTTP (scripted engine): quota admission and settlement with the
 * x-ratelimit-* headers, 429 bodies, exactly one audit record per chat call (stream, non-stream, disconnected
 * stream) with the usage the client saw, and tenant isolation of the audit trail.
 */
class GovernedChatIT extends ScriptedServerAccess {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<String> RATE_HEADERS = List.of("x-ratelimit-limit-requests",
            "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests", "x-ratelimit-limit-tokens",
            "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens");

    @LocalServerPort
    int port;

    @Autowired
    AsyncAuditWriter writer;

    @BeforeEach
    void ready() throws Exception {
        awaitServer(port);
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    String tenant(String id, String extra) {
        return governance().tenantKey(port, id, extra);
    }

    HttpRequest.Builder request(String path, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30));
        return key == null ? b : b.header("Authorization", "Bearer " + key);
    }

    HttpResponse<String> chat(String key, String requestId, String body) throws Exception {
        return HTTP.send(request("/v1/chat/completions", key).header("Content-Type", "application/json")
                .header("x-request-id", requestId).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String key) throws Exception {
        return HTTP.send(request(path, key).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static String body(String user, int maxTokens, boolean stream, String extra) {
        return "{\"model\":\"gpt-oss-test\",\"max_tokens\":" + maxTokens + ",\"stream\":" + stream
                + (stream ? ",\"stream_options\":{\"include_usage\":true}" : "")
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + user + "\"}]" + extra + "}";
    }

    static long header(HttpResponse<?> r, String name) {
        return Long.parseLong(r.headers().firstValue(name).orElseThrow(() -> new AssertionError("no " + name)));
    }

    /** Quota windows are calendar minutes: start a multi-call check early in one, so it never straddles two. */
    static void awaitFreshMinute() {
        io.ossserve.TestGovernance.awaitFreshMinute();
    }

    /** The usage object of a JSON body or of the usage chunk of an SSE body. */
    static JsonNode usage(HttpResponse<String> r) {
        if (!r.body().startsWith("data: ")) {
            return JSON.readTree(r.body()).get("usage");
        }
        JsonNode usage = null;
        for (String block : r.body().split("\n\n")) {
            if (block.startsWith("data: {")) {
                JsonNode e = JSON.readTree(block.substring(6));
                if (e.get("usage") != null && !e.get("usage").isNull()) {
                    usage = e.get("usage");
                }
            }
        }
        assertThat(usage).as("usage chunk in " + r.body()).isNotNull();
        return usage;
    }

    /** Every audit record of {@code requestId} (admin API), after the writer flushed. */
    List<JsonNode> auditRecords(String tenant, String requestId) throws Exception {
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
        HttpResponse<String> r = get("/admin/audit/events?tenant=" + tenant + "&limit=1000", governance().adminKey());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode e : JSON.readTree(r.body()).get("data")) {
            if (requestId.equals(e.get("event").get("request_id").stringValue())) {
                out.add(e.get("event"));
            }
        }
        return out;
    }

    static void assertUsageRecorded(JsonNode event, JsonNode usage) {
        assertThat(event.get("prompt_tokens").asInt()).isEqualTo(usage.get("prompt_tokens").asInt());
        assertThat(event.get("completion_tokens").asInt()).isEqualTo(usage.get("completion_tokens").asInt());
        assertThat(event.get("reasoning_tokens").asInt())
                .isEqualTo(usage.get("completion_tokens_details").get("reasoning_tokens").asInt());
        assertThat(event.get("cached_tokens").asInt())
                .isEqualTo(usage.get("prompt_tokens_details").get("cached_tokens").asInt());
    }

    @Test
    void chatCallsChargeTheirUsageAndEveryResponseCarriesTheSixHeaders() throws Exception {
        String id = unique("charge");
        String key = tenant(id, "\"limits\":{\"tokens_per_minute\":100000,\"requests_per_minute\":1000}");
        awaitFreshMinute();
        long before = header(get("/v1/models", key), "x-ratelimit-remaining-tokens");
        assertThat(before).isEqualTo(100000);

        HttpResponse<String> plain = chat(key, unique("req"), body("Hi", 200, false, ""));
        assertThat(plain.statusCode()).as(plain.body()).isEqualTo(200);
        RATE_HEADERS.forEach(h -> assertThat(plain.headers().firstValue(h)).as(h).isPresent());
        long used = usage(plain).get("total_tokens").asLong();
        assertThat(used).isPositive();
        // settled before the body was written: the header already shows the real usage, not the pre-charge
        assertThat(header(plain, "x-ratelimit-remaining-tokens")).isEqualTo(before - used);
        assertThat(header(plain, "x-ratelimit-limit-tokens")).isEqualTo(100000);
        long afterPlain = header(get("/v1/models", key), "x-ratelimit-remaining-tokens");
        assertThat(afterPlain).isEqualTo(before - used);

        HttpResponse<String> streamed = chat(key, unique("req"), body("Hi", 200, true, ""));
        assertThat(streamed.statusCode()).isEqualTo(200);
        RATE_HEADERS.forEach(h -> assertThat(streamed.headers().firstValue(h)).as(h).isPresent());
        // a stream's headers leave before the answer: they show the pre-charge (prompt + max_tokens)
        long streamedUsed = usage(streamed).get("total_tokens").asLong();
        long prompt = usage(streamed).get("prompt_tokens").asLong();
        assertThat(header(streamed, "x-ratelimit-remaining-tokens")).isEqualTo(afterPlain - prompt - 200);
        assertThat(header(get("/v1/models", key), "x-ratelimit-remaining-tokens")).isEqualTo(afterPlain - streamedUsed);
    }

    @Test
    void exceedingTokensPerMinuteGives429WithHeadersAndAnOpenAiBody() throws Exception {
        String id = unique("tpm");
        String key = tenant(id, "\"limits\":{\"tokens_per_minute\":600}");
        awaitFreshMinute();
        HttpResponse<String> first = chat(key, unique("req"), body("Hi", 300, false, ""));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        long remaining = header(first, "x-ratelimit-remaining-tokens");
        long prompt = usage(first).get("prompt_tokens").asLong();
        assertThat(remaining).isEqualTo(600 - usage(first).get("total_tokens").asLong());

        String rejectedId = unique("req");
        int maxTokens = (int) (remaining - prompt + 1); // prompt + max_tokens is one more than what is left
        HttpResponse<String> r = chat(key, rejectedId, body("Hi", maxTokens, false, ""));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertThat(error.get("type").stringValue()).isEqualTo("rate_limit_error");
        assertThat(error.get("code").stringValue()).isEqualTo("rate_limit_exceeded");
        assertThat(error.get("message").stringValue()).contains("tokens");
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("at io.");
        long retryAfter = header(r, "Retry-After");
        long retryAfterMs = header(r, "retry-after-ms");
        assertThat(retryAfter).isBetween(1L, 60L);
        assertThat(retryAfterMs).isBetween(1L, 60_000L);
        assertThat(retryAfter).isEqualTo((retryAfterMs + 999) / 1000);
        RATE_HEADERS.forEach(h -> assertThat(r.headers().firstValue(h)).as(h).isPresent());
        assertThat(header(r, "x-ratelimit-limit-tokens")).isEqualTo(600);
        assertThat(header(r, "x-ratelimit-remaining-tokens")).isEqualTo(remaining);
        // the refusal took nothing: the window is as the first call left it
        assertThat(header(get("/v1/models", key), "x-ratelimit-remaining-tokens")).isEqualTo(remaining);

        List<JsonNode> records = auditRecords(id, rejectedId);
        assertThat(records).hasSize(1);
        assertThat(records.getFirst().get("kind").stringValue()).isEqualTo("QUOTA_REJECTION");
        assertThat(records.getFirst().get("status").asInt()).isEqualTo(429);
        assertThat(records.getFirst().get("model").stringValue()).isEqualTo("gpt-oss-test");
    }

    @Test
    void oneAuditRecordPerChatCallWithItsUsageStreamAndNonStream() throws Exception {
        String id = unique("aud");
        String key = tenant(id, null);
        String plainId = unique("req");
        HttpResponse<String> plain = chat(key, plainId, body("Hi", 200, false, ""));
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.headers().firstValue("x-request-id")).hasValue(plainId);
        String streamId = unique("req");
        HttpResponse<String> streamed = chat(key, streamId, body("Hi", 200, true, ""));
        assertThat(streamed.statusCode()).isEqualTo(200);
        String toolId = unique("req");
        HttpResponse<String> tool = chat(key, toolId, body("weather in Paris?", 200, false,
                ",\"tool_choice\":\"required\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                        + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]"));
        assertThat(tool.statusCode()).as(tool.body()).isEqualTo(200);

        for (var call : List.of(List.of(plainId, plain), List.of(streamId, streamed))) {
            @SuppressWarnings("unchecked")
            HttpResponse<String> response = (HttpResponse<String>) call.get(1);
            List<JsonNode> records = auditRecords(id, (String) call.get(0));
            assertThat(records).as("records of " + call.get(0)).hasSize(1);
            JsonNode e = records.getFirst();
            assertThat(e.get("kind").stringValue()).isEqualTo("API_CALL");
            assertThat(e.get("tenant_id").stringValue()).isEqualTo(id);
            assertThat(e.get("key_id").stringValue()).isEqualTo(key.substring(4, 16));
            assertThat(e.get("endpoint").stringValue()).isEqualTo("/v1/chat/completions");
            assertThat(e.get("model").stringValue()).isEqualTo("gpt-oss-test");
            assertThat(e.get("status").asInt()).isEqualTo(200);
            assertThat(e.get("finish_reason").stringValue()).isEqualTo("stop");
            assertThat(e.get("ttft_ms").asLong()).isNotNegative();
            assertThat(e.get("latency_ms").asLong()).isGreaterThanOrEqualTo(e.get("ttft_ms").asLong());
            assertThat(e.get("reasoning_tokens").asInt()).isPositive();
            assertUsageRecorded(e, usage(response));
            assertThat(e.get("prompt_text").isNull()).isTrue();
            assertThat(e.get("completion_text").isNull()).isTrue();
        }
        JsonNode toolRecord = auditRecords(id, toolId).getFirst();
        assertThat(toolRecord.get("finish_reason").stringValue()).isEqualTo("tool_calls");
        assertThat(toolRecord.get("tools").get(0).stringValue()).isEqualTo("get_weather");
        assertUsageRecorded(toolRecord, usage(tool));
    }

    @Test
    void promptAndCompletionTextOnlyForTenantsThatOptedIn() throws Exception {
        String id = unique("optin");
        String key = tenant(id, "\"prompt_logging\":true");
        String requestId = unique("req");
        assertThat(chat(key, requestId, body("Hi, logged", 200, false, "")).statusCode()).isEqualTo(200);
        JsonNode e = auditRecords(id, requestId).getFirst();
        assertThat(e.get("prompt_text").stringValue()).contains("Hi, logged");
        assertThat(e.get("completion_text").stringValue()).contains("Hello there! How can I help?")
                .contains("The user greets me.");
    }

    @Test
    void aClientThatLeavesMidStreamIsAuditedOnceAndItsQuotaSettled() throws Exception {
        String id = unique("gone");
        String key = tenant(id, "\"limits\":{\"tokens_per_minute\":100000}");
        awaitFreshMinute();
        String requestId = unique("req");
        HttpResponse<InputStream> r = HTTP.send(request("/v1/chat/completions", key)
                .header("Content-Type", "application/json").header("x-request-id", requestId)
                .POST(HttpRequest.BodyPublishers.ofString(body("tell a long story", 3500, true, ""))).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        // the stream's headers show the pre-charge of prompt + 3500
        assertThat(header(r, "x-ratelimit-remaining-tokens")).isLessThan(100000 - 3500);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (int i = 0; i < 10; i++) {
                assertThat(in.readLine()).isNotNull();
            }
        }
        List<JsonNode> records = List.of();
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (records.isEmpty() && System.nanoTime() < until) {
            Thread.sleep(100);
            records = auditRecords(id, requestId);
        }
        assertThat(records).as("one record for the abandoned stream").hasSize(1);
        JsonNode e = records.getFirst();
        assertThat(e.get("status").asInt()).isEqualTo(200);
        assertThat(e.get("detail").stringValue()).contains("cancelled");
        int completion = e.get("completion_tokens").asInt();
        assertThat(completion).isPositive().isLessThan(3500);
        // settled on what was generated, not the pre-charge
        long charged = e.get("prompt_tokens").asLong() + completion;
        assertThat(header(get("/v1/models", key), "x-ratelimit-remaining-tokens")).isEqualTo(100000 - charged);
        Thread.sleep(300);
        assertThat(auditRecords(id, requestId)).as("still exactly one record").hasSize(1);
    }

    @Test
    void aTenantCannotReadAnotherTenantsAudit() throws Exception {
        String a = unique("iso-a");
        String b = unique("iso-b");
        String keyA = tenant(a, null);
        String keyB = tenant(b, null);
        String requestB = unique("req");
        assertThat(chat(keyB, requestB, body("Hi", 50, false, "")).statusCode()).isEqualTo(200);
        String requestA = unique("req");
        assertThat(chat(keyA, requestA, body("Hi", 50, false, "")).statusCode()).isEqualTo(200);
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();

        HttpResponse<String> own = get("/tenant/audit/events", keyA);
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(own.body()).contains(requestA).doesNotContain(requestB).doesNotContain("\"tenant_id\":\"" + b + "\"");
        for (String path : List.of("/tenant/audit/events?tenant=" + b, "/tenant/audit/export?tenant=" + b,
                "/admin/audit/events?tenant=" + b, "/admin/audit/export?tenant=" + b)) {
            HttpResponse<String> denied = get(path, keyA);
            assertThat(denied.statusCode()).as(path).isEqualTo(403);
            assertThat(JSON.readTree(denied.body()).get("error").get("type").stringValue()).isEqualTo("permission_error");
            assertThat(denied.body()).doesNotContain(requestB);
        }
        assertThat(get("/v1/models", null).statusCode()).isEqualTo(401);
    }
}
