package io.ossserve.api;

import static io.ossserve.api.ChatApiIT.chat;
import static io.ossserve.api.ChatApiIT.events;
import static io.ossserve.api.ChatApiIT.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Readiness when the engine stalls, and a chat stream with several choices, over real HTTP (scripted engine). */
class ServingEdgeCasesIT extends ScriptedServer {
    @LocalServerPort
    int port;

    @Autowired
    ScriptedEngine engine;

    @BeforeEach
    void ready() throws Exception {
        engine.overloaded = false;
        engine.stalled = false;
        awaitReady(port);
    }

    HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readinessTurnsDownWhileTheEngineMakesNoProgressAndBackUpAfter() throws Exception {
        try {
            engine.stalled = true;
            HttpResponse<String> r = get("/v1/health/ready");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(json(r).get("message").stringValue()).isEqualTo("Engine is not making progress.");
            assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(503);
            assertThat(get("/v1/health/live").statusCode()).as("liveness stays up").isEqualTo(200);
        } finally {
            engine.stalled = false;
        }
        assertThat(get("/v1/health/ready").statusCode()).isEqualTo(200);
        assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
    }

    @Test
    void streamWithSeveralChoicesKeepsEachChoiceApart() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + apiKey(port)).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(
                        chat(",\"n\":3,\"stream\":true,\"stream_options\":{\"include_usage\":true}", "Hi"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        StringBuilder[] content = {new StringBuilder(), new StringBuilder(), new StringBuilder()};
        StringBuilder[] reasoning = {new StringBuilder(), new StringBuilder(), new StringBuilder()};
        int[] roles = new int[3];
        String[] finish = new String[3];
        JsonNode usage = null;
        for (JsonNode e : events(r.body())) {
            if (e.get("usage") != null) {
                usage = e.get("usage");
                continue;
            }
            assertThat(e.get("choices")).hasSize(1);
            JsonNode c = e.get("choices").get(0);
            int i = c.get("index").asInt();
            assertThat(finish[i]).as("nothing for choice " + i + " after its finish chunk").isNull();
            JsonNode d = c.get("delta");
            if (d.get("role") != null) {
                roles[i]++;
            }
            if (d.get("content") != null) {
                content[i].append(d.get("content").stringValue());
            }
            if (d.get("reasoning_content") != null) {
                reasoning[i].append(d.get("reasoning_content").stringValue());
            }
            if (!c.get("finish_reason").isNull()) {
                finish[i] = c.get("finish_reason").stringValue();
            }
        }
        int perChoice = ScriptedEngine.ids(ScriptedEngine.ANSWER).length;
        for (int i = 0; i < 3; i++) {
            assertThat(roles[i]).as("one role chunk for choice " + i).isEqualTo(1);
            assertThat(content[i].toString()).isEqualTo("Hello there! How can I help?");
            assertThat(reasoning[i].toString()).isEqualTo("The user greets me.");
            assertThat(finish[i]).isEqualTo("stop");
        }
        assertThat(usage.get("completion_tokens").asInt()).isEqualTo(3 * perChoice);
        assertThat(usage.get("completion_tokens_details").get("reasoning_tokens").asInt()).isPositive();
    }
}
