package io.ossserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.ossserve.TestGovernance;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real engine end to end: the embedded default (random {@code tiny} checkpoint generated into a fresh data
 * directory), continuous batching on the CPU backend, and a bounded loopback load test.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"server.address=127.0.0.1", "oss-serve.engine.threads=2", "oss-serve.engine.kv-cache-memory=64MB"})
class RealEngineIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final TestGovernance GOVERNANCE = TestGovernance.create("it-real");
    static final Path dataDir = GOVERNANCE.dataDir();

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        GOVERNANCE.register(registry);
    }

    @LocalServerPort
    int port;

    @BeforeEach
    void ready() throws Exception {
        ScriptedServer.awaitReady(port);
    }

    HttpRequest chat(String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + GOVERNANCE.defaultTenantKey(port))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(240))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    static String body(String user, int maxTokens, boolean stream, String extra) {
        return "{\"model\":\"tiny-random\",\"temperature\":0,\"max_tokens\":" + maxTokens + ",\"stream\":" + stream
                + (stream ? ",\"stream_options\":{\"include_usage\":true}" : "")
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + user + "\"}]" + extra + "}";
    }

    /** One streamed answer: every delta text in order (reasoning, content, tool arguments), usage, timings. */
    record Streamed(String text, int deltas, int completionTokens, int promptTokens, long firstNanos, long endNanos) {}

    static Streamed parse(String sse, long firstNanos, long endNanos) {
        StringBuilder text = new StringBuilder();
        int deltas = 0, completion = -1, prompt = -1;
        for (String block : sse.split("\n\n")) {
            if (!block.startsWith("data: {")) {
                continue;
            }
            JsonNode e = JSON.readTree(block.substring(6));
            if (e.get("usage") != null && !e.get("usage").isNull()) {
                completion = e.get("usage").get("completion_tokens").asInt();
                prompt = e.get("usage").get("prompt_tokens").asInt();
                continue;
            }
            JsonNode d = e.get("choices").get(0).get("delta");
            for (String f : List.of("reasoning_content", "content")) {
                if (d.get(f) != null && !d.get(f).isNull() && !d.get(f).stringValue().isEmpty()) {
                    text.append(f.charAt(0)).append(':').append(d.get(f).stringValue());
                    deltas++;
                }
            }
            if (d.get("tool_calls") != null) {
                text.append("t:").append(d.get("tool_calls").get(0).get("function").get("arguments").stringValue());
                deltas++;
            }
        }
        assertThat(sse).endsWith("data: [DONE]\n\n");
        return new Streamed(text.toString(), deltas, completion, prompt, firstNanos, endNanos);
    }

    CompletableFuture<Streamed> stream(String body) {
        long start = System.nanoTime();
        long[] first = {-1};
        return ScriptedServer.HTTP.sendAsync(chat(body), HttpResponse.BodyHandlers.ofLines()).thenApply(r -> {
            StringBuilder all = new StringBuilder();
            r.body().forEach(line -> {
                if (first[0] < 0 && line.contains("\"choices\":[{") && !line.contains("\"role\"")) {
                    first[0] = System.nanoTime();
                }
                all.append(line).append('\n');
            });
            assertThat(r.statusCode()).isEqualTo(200);
            return parse(all.toString(), first[0] < 0 ? start : first[0], System.nanoTime());
        });
    }

    @Test
    void embeddedTinyModelServesChatAndForcedToolCalls() throws Exception {
        assertThat(dataDir.resolve("models/tiny/config.json")).exists();
        HttpResponse<String> r = ScriptedServer.HTTP.send(chat(body("Hello", 12, false, "")), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode c = JSON.readTree(r.body());
        assertThat(c.get("usage").get("completion_tokens").asInt()).isBetween(1, 12);
        assertThat(c.get("choices").get(0).get("finish_reason").stringValue()).isIn("length", "stop", "tool_calls");

        String tools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":"
                + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}],\"tool_choice\":\"required\"";
        JsonNode forced = JSON.readTree(ScriptedServer.HTTP.send(chat(body("weather?", 24, false, tools)),
                HttpResponse.BodyHandlers.ofString()).body());
        JsonNode call = forced.get("choices").get(0).get("message").get("tool_calls").get(0);
        assertThat(call.get("function").get("name").stringValue()).as("required tool_choice forces the call header").isEqualTo("get_weather");
        assertThat(call.get("id").stringValue()).startsWith("call_");
    }

    @Test
    void rawCompletionsRunOnTheRealEngineStreamedOrNot() throws Exception {
        String req = "{\"model\":\"tiny-random\",\"prompt\":\"Once upon a time\",\"max_tokens\":8,\"temperature\":0";
        HttpResponse<String> r = ScriptedServer.HTTP.send(post("/v1/completions", req + "}"), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode c = JSON.readTree(r.body());
        assertThat(c.get("usage").get("completion_tokens").asInt()).isBetween(1, 8);
        String text = c.get("choices").get(0).get("text").stringValue();
        HttpResponse<String> s = ScriptedServer.HTTP.send(post("/v1/completions", req + ",\"stream\":true}"),
                HttpResponse.BodyHandlers.ofString());
        StringBuilder streamed = new StringBuilder();
        for (JsonNode e : ChatApiIT.events(s.body())) {
            streamed.append(e.get("choices").get(0).get("text").stringValue());
        }
        assertThat(streamed.toString()).as("greedy: the stream carries the same text").isEqualTo(text);
    }

    HttpRequest post(String path, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + GOVERNANCE.defaultTenantKey(port))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    @Test
    void sixtyFourConcurrentStreamsCompleteWithTheirOwnTokensAndUsage() throws Exception {
        String[] users = {"alpha", "bravo charlie", "delta echo foxtrot", "golf"};
        List<Streamed> solo = new ArrayList<>();
        for (String u : users) {
            solo.add(stream(body(u, 12, true, "")).get(120, TimeUnit.SECONDS));
        }
        List<CompletableFuture<Streamed>> all = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            all.add(stream(body(users[i % 4], 12, true, "")));
        }
        for (int i = 0; i < 64; i++) {
            Streamed s = all.get(i).get(240, TimeUnit.SECONDS);
            Streamed want = solo.get(i % 4);
            assertThat(s.text()).as("stream " + i + " carries the same tokens as the request alone").isEqualTo(want.text());
            assertThat(s.completionTokens()).isEqualTo(want.completionTokens()).isBetween(1, 12);
            assertThat(s.promptTokens()).isEqualTo(want.promptTokens());
        }
    }

    @org.springframework.beans.factory.annotation.Autowired
    io.ossserve.config.ModelRuntime runtime;

    @org.springframework.beans.factory.annotation.Autowired
    io.ossserve.chat.ChatService chatService;

    /** P8: time to first token through HTTP + SSE vs calling the engine directly with the same prompt (medians). */
    @Test
    void httpPathAddsLittleToTimeToFirstToken() throws Exception {
        // one-token greedy requests, alternating engine-direct and HTTP (minimal keep-alive client), after a
        // warm-up that lets the JIT compile both paths; both are served from the prefix cache after the first round
        int[] prompt = chatService.renderPrompt(io.ossserve.text.openai.ChatPromptRequest.of(List.of(
                io.ossserve.text.openai.ChatMessage.user("overhead probe"))), chatService.promptSettings());
        byte[] body = body("overhead probe", 1, true, "").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String key = GOVERNANCE.defaultTenantKey(port);
        int warmUp = 150, rounds = 60;
        double[] direct = new double[rounds], http = new double[rounds];
        try (RawHttpClient client = new RawHttpClient(port)) {
            for (int i = 0; i < warmUp + rounds; i++) {
                CompletableFuture<Long> first = new CompletableFuture<>();
                long t0 = System.nanoTime();
                runtime.engine().submit(new io.ossserve.engine.GenerateRequest("probe" + i, prompt,
                        io.ossserve.engine.SamplingParams.GREEDY, 1, java.util.Set.of(), null, "anonymous", false),
                        new io.ossserve.engine.TokenSink() {
                            public void onToken(io.ossserve.engine.SampledToken t) {
                                first.complete(System.nanoTime());
                            }

                            public void onFinish(io.ossserve.engine.Completion c) {
                            }

                            public void onError(Throwable e) {
                                first.completeExceptionally(e);
                            }
                        });
                long d = first.get(60, TimeUnit.SECONDS) - t0;
                long h0 = System.nanoTime();
                // the first event after the role chunk is sent when the first token comes out of the parser
                // (a delta, or the finish chunk when that token shows no text)
                long h1 = client.post("/v1/chat/completions", key, body,
                        chunk -> chunk.startsWith("data: {") && !chunk.contains("\"role\""));
                if (i >= warmUp) {
                    direct[i - warmUp] = d / 1e6;
                    http[i - warmUp] = (h1 - h0) / 1e6;
                }
            }
        }
        java.util.Arrays.sort(direct);
        java.util.Arrays.sort(http);
        System.out.printf("TTFT tiny (median of %d after %d warm-up): engine direct %.2f ms, HTTP+SSE %.2f ms, overhead %.2f ms%n",
                rounds, warmUp, direct[rounds / 2], http[rounds / 2], http[rounds / 2] - direct[rounds / 2]);
        assertThat(http[rounds / 2] - direct[rounds / 2]).as("HTTP overhead on TTFT, ms").isLessThan(50);
    }

    @Test
    void aggregateDecodeThroughputScalesWithConcurrentStreams() throws Exception {
        int tokens = 96;
        String ignoreStop = "";
        stream(body("warm", tokens, true, ignoreStop)).get(120, TimeUnit.SECONDS);
        // one stream: the median of 3 runs (a single short run is at the mercy of one GC or JIT pause)
        double[] singles = new double[3];
        for (int i = 0; i < singles.length; i++) {
            Streamed one = stream(body("one stream " + i, tokens, true, ignoreStop)).get(120, TimeUnit.SECONDS);
            singles[i] = (one.completionTokens() - 1) / ((one.endNanos() - one.firstNanos()) / 1e9);
        }
        double[] sorted = singles.clone();
        java.util.Arrays.sort(sorted);
        double single = sorted[1];
        List<CompletableFuture<Streamed>> many = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            many.add(stream(body("stream number " + i, tokens, true, ignoreStop)));
        }
        long firstAll = Long.MAX_VALUE, endAll = 0;
        int generated = 0;
        for (CompletableFuture<Streamed> f : many) {
            Streamed s = f.get(240, TimeUnit.SECONDS);
            firstAll = Math.min(firstAll, s.firstNanos());
            endAll = Math.max(endAll, s.endNanos());
            generated += s.completionTokens() - 1;
        }
        double aggregate = generated / ((endAll - firstAll) / 1e9);
        double ratio = aggregate / single;
        System.out.printf("DECODE THROUGHPUT tiny: 1 stream %.1f tok/s (median of %.1f, %.1f, %.1f), 32 streams %.1f tok/s "
                + "aggregate, ratio %.2fx%n", single, singles[0], singles[1], singles[2], aggregate, ratio);
        // reported, not a bar: on the shared 2-core machine the ratio swings with other load (1.4x-5.7x seen), and it
        // is bounded below 8x there (docs/benchmarks.md)
        assertThat(ratio).as("aggregate decode throughput at 32 streams vs one").isGreaterThan(1.0);
    }
}
