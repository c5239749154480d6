package io.ossserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The API over real HTTP with a plain java.net.http client and a hand-written SSE reader (an independent client). */
class ChatApiIT extends ScriptedServer {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    ScriptedEngine engine;

    @BeforeEach
    void ready() throws Exception {
        engine.overloaded = false;
        awaitReady(port);
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + apiKey(port))
                .header("Content-Type", "application/json").header("x-request-id", "test-req-1")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + apiKey(port))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) {
        return JSON.readTree(r.body());
    }

    static String chat(String extra, String userText) {
        return "{\"model\":\"gpt-oss-test\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"" + userText + "\"}]}]" + extra + "}";
    }

    static final String WEATHER_TOOL = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
            + "\"description\":\"Current weather\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
            + "\"required\":[\"city\"]}}}]";

    /** The JSON events of an SSE body, up to {@code [DONE]} (asserted present). */
    static List<JsonNode> events(String body) {
        List<JsonNode> out = new ArrayList<>();
        boolean done = false;
        for (String block : body.split("\n\n")) {
            if (block.isBlank()) {
                continue;
            }
            assertThat(block).startsWith("data: ");
            String data = block.substring(6);
            if (data.equals("[DONE]")) {
                done = true;
                continue;
            }
            assertThat(done).as("nothing after [DONE]").isFalse();
            out.add(JSON.readTree(data));
        }
        assertThat(done).as("stream ends with data: [DONE]").isTrue();
        return out;
    }

    @Test
    void modelsListAndLookup() throws Exception {
        JsonNode list = json(get("/v1/models"));
        assertThat(list.get("object").stringValue()).isEqualTo("list");
        assertThat(list.get("data").get(0).get("id").stringValue()).isEqualTo("gpt-oss-test");
        assertThat(list.get("data").get(0).get("max_model_len").asInt()).isEqualTo(4096);
        assertThat(get("/v1/models/gpt-oss-test").statusCode()).isEqualTo(200);
        HttpResponse<String> missing = get("/v1/models/gpt-4o");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json(missing).get("error").get("code").stringValue()).isEqualTo("model_not_found");
    }

    @Test
    void nonStreamingChatSeparatesReasoningAndContent() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", chat(",\"max_tokens\":100,\"unknown_field\":{\"x\":1}", "Hi"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-request-id")).hasValue("test-req-1");
        JsonNode body = json(r);
        assertThat(body.get("object").stringValue()).isEqualTo("chat.completion");
        assertThat(body.get("id").stringValue()).startsWith("chatcmpl-");
        assertThat(body.get("system_fingerprint").stringValue()).startsWith("fp_");
        JsonNode choice = body.get("choices").get(0);
        assertThat(choice.get("finish_reason").stringValue()).isEqualTo("stop");
        JsonNode msg = choice.get("message");
        assertThat(msg.get("role").stringValue()).isEqualTo("assistant");
        assertThat(msg.get("content").stringValue()).isEqualTo("Hello there! How can I help?");
        assertThat(msg.get("reasoning_content").stringValue()).isEqualTo("The user greets me.");
        assertThat(msg.get("reasoning").stringValue()).isEqualTo("The user greets me.");
        JsonNode usage = body.get("usage");
        int completion = ScriptedEngine.ids(ScriptedEngine.ANSWER).length;
        assertThat(usage.get("completion_tokens").asInt()).isEqualTo(completion);
        assertThat(usage.get("total_tokens").asInt()).isEqualTo(usage.get("prompt_tokens").asInt() + completion);
        assertThat(usage.get("completion_tokens_details").get("reasoning_tokens").asInt()).isBetween(5, completion - 5);
        assertThat(usage.get("prompt_tokens_details").get("cached_tokens").asInt()).isZero();
        assertThat(r.body()).doesNotContain("<|");
    }

    @Test
    void streamingSendsRoleDeltasFinishUsageAndDone() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions",
                chat(",\"stream\":true,\"stream_options\":{\"include_usage\":true}", "Hi"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<JsonNode> ev = events(r.body());
        assertThat(ev.getFirst().get("choices").get(0).get("delta").get("role").stringValue()).isEqualTo("assistant");
        StringBuilder content = new StringBuilder(), reasoning = new StringBuilder();
        String finish = null;
        JsonNode usage = null;
        for (JsonNode e : ev) {
            assertThat(e.get("object").stringValue()).isEqualTo("chat.completion.chunk");
            if (e.get("usage") != null && !e.get("usage").isNull()) {
                usage = e.get("usage");
                assertThat(e.get("choices")).isEmpty();
                continue;
            }
            JsonNode c = e.get("choices").get(0);
            JsonNode d = c.get("delta");
            if (d.get("content") != null) {
                content.append(d.get("content").stringValue());
            }
            if (d.get("reasoning_content") != null) {
                reasoning.append(d.get("reasoning_content").stringValue());
            }
            if (!c.get("finish_reason").isNull()) {
                finish = c.get("finish_reason").stringValue();
            }
        }
        assertThat(content.toString()).isEqualTo("Hello there! How can I help?");
        assertThat(reasoning.toString()).isEqualTo("The user greets me.");
        assertThat(finish).isEqualTo("stop");
        assertThat(usage).isNotNull();
        assertThat(usage.get("completion_tokens").asInt()).isEqualTo(ScriptedEngine.ids(ScriptedEngine.ANSWER).length);
        assertThat(ev.size()).as("tokens are streamed one by one, not held back").isGreaterThan(10);
    }

    @Test
    void forcedToolCallIsParsedIntoToolCalls() throws Exception {
        JsonNode body = json(post("/v1/chat/completions", chat(WEATHER_TOOL
                + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}", "weather in Paris?")));
        JsonNode choice = body.get("choices").get(0);
        assertThat(choice.get("finish_reason").stringValue()).isEqualTo("tool_calls");
        JsonNode call = choice.get("message").get("tool_calls").get(0);
        assertThat(call.get("id").stringValue()).startsWith("call_");
        assertThat(call.get("type").stringValue()).isEqualTo("function");
        assertThat(call.get("function").get("name").stringValue()).isEqualTo("get_weather");
        JsonNode args = JSON.readTree(call.get("function").get("arguments").stringValue());
        assertThat(args.get("city").stringValue()).isEqualTo("Paris");
        assertThat(choice.get("message").get("content").isNull()).isTrue();

        List<JsonNode> ev = events(post("/v1/chat/completions", chat(WEATHER_TOOL + ",\"stream\":true", "weather in Paris?")).body());
        StringBuilder argText = new StringBuilder();
        String id = null, name = null;
        for (JsonNode e : ev) {
            JsonNode calls = e.get("choices").get(0).get("delta").get("tool_calls");
            if (calls != null) {
                JsonNode c = calls.get(0);
                assertThat(c.get("index").asInt()).isZero();
                if (c.get("id") != null) {
                    assertThat(id).as("id only on the first fragment").isNull();
                    id = c.get("id").stringValue();
                    name = c.get("function").get("name").stringValue();
                }
                argText.append(c.get("function").get("arguments").stringValue());
            }
        }
        assertThat(id).startsWith("call_");
        assertThat(name).isEqualTo("get_weather");
        assertThat(JSON.readTree(argText.toString()).get("unit").stringValue()).isEqualTo("c");
    }

    @Test
    void stopStringsCutTheContentAndLogprobsAreReported() throws Exception {
        JsonNode body = json(post("/v1/chat/completions", chat(",\"stop\":[\"there\"],\"logprobs\":true,\"top_logprobs\":1", "Hi")));
        JsonNode choice = body.get("choices").get(0);
        assertThat(choice.get("message").get("content").stringValue()).isEqualTo("Hello ");
        assertThat(choice.get("finish_reason").stringValue()).isEqualTo("stop");
        JsonNode lp = choice.get("logprobs").get("content");
        assertThat(lp.size()).isPositive();
        assertThat(lp.get(0).get("logprob").asDouble()).isEqualTo(-0.25);
        assertThat(lp.get(0).get("top_logprobs").size()).isEqualTo(1);
    }

    void assertError(HttpResponse<String> r, int status, String param, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode e = json(r).get("error");
        assertThat(e.has("message") && e.has("type") && e.has("param") && e.has("code")).as(r.body()).isTrue();
        if (param != null) {
            assertThat(e.get("param").stringValue()).isEqualTo(param);
        }
        if (code != null) {
            assertThat(e.get("code").stringValue()).isEqualTo(code);
        }
        assertThat(r.body()).doesNotContain("at io.").doesNotContain("Exception:");
    }

    @Test
    void clientMistakesAreOpenAiShaped400sNamingTheField() throws Exception {
        assertError(post("/v1/chat/completions", "{\"model\": \"gpt-oss-test\", \"messages\": ["), 400, null, "invalid_json");
        assertError(post("/v1/chat/completions", "[1,2]"), 400, null, null);
        assertError(post("/v1/chat/completions", "{\"model\":\"gpt-oss-test\"}"), 400, "messages", null);
        assertError(post("/v1/chat/completions", "{\"model\":\"gpt-oss-test\",\"messages\":[]}"), 400, "messages", null);
        assertError(post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), 400, "model", null);
        assertError(post("/v1/chat/completions", "{\"model\":\"gpt-oss-test\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}"),
                400, "messages[0].role", null);
        assertError(post("/v1/chat/completions", "{\"model\":\"gpt-oss-test\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}]}]}"), 400, "messages[0].content[0].type", null);
        assertError(post("/v1/chat/completions", chat(",\"temperature\":3", "Hi")), 400, "temperature", null);
        assertError(post("/v1/chat/completions", chat(",\"max_tokens\":0", "Hi")), 400, "max_tokens", null);
        assertError(post("/v1/chat/completions", chat(",\"n\":99", "Hi")), 400, "n", null);
        assertError(post("/v1/chat/completions", chat(",\"top_p\":\"high\"", "Hi")), 400, "top_p", null);
        assertError(post("/v1/chat/completions", chat(",\"reasoning_effort\":\"extreme\"", "Hi")), 400, "reasoning_effort", null);
        assertError(post("/v1/chat/completions", chat(",\"tool_choice\":\"required\"", "Hi")), 400, "tool_choice", null);
        assertError(post("/v1/chat/completions", chat(WEATHER_TOOL + ",\"tool_choice\":{\"type\":\"function\",\"function\":"
                + "{\"name\":\"nope\"}}", "Hi")), 400, "tool_choice", null);
        assertError(post("/v1/chat/completions", "{\"model\":\"gpt-oss-test\",\"messages\":[{\"role\":\"tool\",\"content\":\"x\","
                + "\"tool_call_id\":\"call_unknown\"}]}"), 400, "messages[0].tool_call_id", null);
        assertError(post("/v1/chat/completions", chat(",\"max_tokens\":5000", "Hi")), 400, "max_tokens", "context_length_exceeded");
        assertError(post("/v1/chat/completions", chat("", "x".repeat(70_000))), 413, null, "request_too_large");
        assertError(post("/v1/chat/completions", chat("", "Hi").replace("gpt-oss-test", "gpt-4o")), 404, "model", "model_not_found");
        assertError(get("/v1/chat/completions"), 405, null, null);
        assertError(get("/v1/nothing-here"), 404, null, null);
    }

    @Test
    void overloadAnswers503WithRetryAfter() throws Exception {
        engine.overloaded = true;
        try {
            HttpResponse<String> r = post("/v1/chat/completions", chat("", "Hi"));
            assertError(r, 503, null, "server_overloaded");
            assertThat(r.headers().firstValue("retry-after")).hasValue("3");
        } finally {
            engine.overloaded = false;
        }
    }

    @Test
    void multiTurnWithToolResultReachesTheFinalAnswer() throws Exception {
        String body = "{\"model\":\"gpt-oss-test\"" + WEATHER_TOOL + ",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"weather in Paris?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"reasoning_content\":\"Need the tool.\",\"tool_calls\":[{\"id\":\"call_1\","
                + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"18C\"}]}";
        JsonNode choice = json(post("/v1/chat/completions", body)).get("choices").get(0);
        assertThat(choice.get("message").get("content").stringValue()).isEqualTo("It is 18 degrees in Paris.");
        assertThat(choice.get("finish_reason").stringValue()).isEqualTo("stop");
    }

    @Test
    void disconnectingClientCancelsItsGeneration() throws Exception {
        int before = engine.cancelled.get();
        HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + apiKey(port)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        chat(",\"stream\":true,\"max_tokens\":3500", "tell a long story"))).build(), HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (int i = 0; i < 10; i++) {
                assertThat(in.readLine()).isNotNull();
            }
        }
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (engine.cancelled.get() == before && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(engine.cancelled.get()).as("generation cancelled after the client left").isGreaterThan(before);
    }

    @Test
    void nimOperationsEndpoints() throws Exception {
        assertThat(get("/v1/health/live").statusCode()).isEqualTo(200);
        assertThat(get("/v1/health/ready").statusCode()).isEqualTo(200);
        JsonNode version = json(get("/v1/version"));
        assertThat(version.get("release").stringValue()).isNotBlank();
        assertThat(version.get("api").stringValue()).isNotBlank();
        JsonNode meta = json(get("/v1/metadata"));
        assertThat(meta.get("modelInfo").get(0).get("shortName").stringValue()).isEqualTo("gpt-oss-test");
        post("/v1/chat/completions", chat("", "Hi"));
        String metrics = get("/v1/metrics").body();
        assertThat(metrics).contains("gen_ai_server_time_to_first_token_seconds_bucket")
                .contains("ossserve_requests_running").contains("ossserve_kv_cache_usage");
        assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(get("/actuator/prometheus").statusCode()).isEqualTo(200);
    }
}
