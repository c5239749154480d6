package io.ossserve.api;

import static io.ossserve.api.ChatApiIT.events;
import static io.ossserve.api.ChatApiIT.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.ossserve.engine.GenerateRequest;
import io.ossserve.text.Tokenizers;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * {@code /v1/completions}, {@code /v1/chat/completions/render}, {@code /tokenize} and {@code /detokenize} over real
 * HTTP against the scripted engine (which replays {@link ScriptedEngine#ANSWER} for these prompts).
 */
class PromptApiIT extends ScriptedServer {
    @LocalServerPort
    int port;

    @Autowired
    ScriptedEngine engine;

    @BeforeEach
    void ready() throws Exception {
        engine.overloaded = false;
        awaitReady(port);
    }

    HttpResponse<String> post(String path, String body, boolean authenticated) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authenticated) {
            b.header("Authorization", "Bearer " + apiKey(port));
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return post(path, body, true);
    }

    /** The text of the first {@code n} replayed tokens of {@link ScriptedEngine#ANSWER}. */
    static String answerPrefix(int n) {
        int[] ids = ScriptedEngine.ids(ScriptedEngine.ANSWER);
        return Tokenizers.o200kHarmony().decode(Arrays.copyOf(ids, n));
    }

    static void assertError(HttpResponse<String> r, int status, String param) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode e = json(r).get("error");
        assertThat(e.get("type").stringValue()).isEqualTo("invalid_request_error");
        if (param != null) {
            assertThat(e.get("param").stringValue()).isEqualTo(param);
        }
    }

    @Test
    void completionOfATextPromptIsTheRawContinuation() throws Exception {
        HttpResponse<String> r = post("/v1/completions",
                "{\"model\":\"gpt-oss-test\",\"prompt\":\"Say hi\",\"max_tokens\":5,\"temperature\":0}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.get("object").stringValue()).isEqualTo("text_completion");
        assertThat(body.get("id").stringValue()).startsWith("cmpl-");
        JsonNode choice = body.get("choices").get(0);
        assertThat(choice.get("text").stringValue()).isEqualTo(answerPrefix(5));
        assertThat(choice.get("finish_reason").stringValue()).isEqualTo("length");
        assertThat(choice.get("logprobs").isNull()).isTrue();
        JsonNode usage = body.get("usage");
        assertThat(usage.get("prompt_tokens").asInt()).isEqualTo(Tokenizers.o200kHarmony().encode("Say hi").length);
        assertThat(usage.get("completion_tokens").asInt()).isEqualTo(5);
        assertThat(usage.get("total_tokens").asInt()).isEqualTo(usage.get("prompt_tokens").asInt() + 5);
    }

    @Test
    void completionEndsAtTheEndOfTextTokenWithoutPrintingIt() throws Exception {
        JsonNode body = json(post("/v1/completions", "{\"model\":\"gpt-oss-test\",\"prompt\":\"Say hi\",\"max_tokens\":200}"));
        JsonNode choice = body.get("choices").get(0);
        int all = ScriptedEngine.ids(ScriptedEngine.ANSWER).length;
        assertThat(choice.get("finish_reason").stringValue()).isEqualTo("stop");
        assertThat(choice.get("text").stringValue()).isEqualTo(answerPrefix(all - 1)).doesNotContain("<|return|>");
        assertThat(body.get("usage").get("completion_tokens").asInt()).isEqualTo(all);
    }

    @Test
    void tokenIdPromptWithEchoLogprobsAndStopStrings() throws Exception {
        int[] ids = Tokenizers.o200kHarmony().encode("Hello world");
        String idList = Arrays.toString(ids);
        JsonNode echo = json(post("/v1/completions", "{\"model\":\"gpt-oss-test\",\"prompt\":" + idList
                + ",\"max_tokens\":3,\"echo\":true}"));
        assertThat(echo.get("choices").get(0).get("text").stringValue()).isEqualTo("Hello world" + answerPrefix(3));
        assertThat(echo.get("usage").get("prompt_tokens").asInt()).isEqualTo(ids.length);

        JsonNode lp = json(post("/v1/completions", "{\"model\":\"gpt-oss-test\",\"prompt\":[" + idList
                + "],\"max_tokens\":4,\"logprobs\":1}")).get("choices").get(0).get("logprobs");
        assertThat(lp.get("tokens")).hasSize(4);
        assertThat(lp.get("token_logprobs").get(0).asDouble()).isEqualTo(-0.25);
        assertThat(lp.get("top_logprobs").get(0).size()).isEqualTo(1);
        assertThat(lp.get("text_offset").get(0).asInt()).isZero();
        assertThat(lp.get("text_offset").get(1).asInt()).isEqualTo(lp.get("tokens").get(0).stringValue().length());

        JsonNode stopped = json(post("/v1/completions", "{\"model\":\"gpt-oss-test\",\"prompt\":\"Say hi\","
                + "\"max_tokens\":100,\"stop\":[\"greets\"]}")).get("choices").get(0);
        assertThat(stopped.get("text").stringValue()).isEqualTo("<|channel|>analysis<|message|>The user ");
        assertThat(stopped.get("finish_reason").stringValue()).isEqualTo("stop");
    }

    @Test
    void streamedCompletionCarriesTheSameTextThenUsageAndDone() throws Exception {
        String req = "{\"model\":\"gpt-oss-test\",\"prompt\":\"Say hi\",\"max_tokens\":12,\"n\":2,\"echo\":true,"
                + "\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
        HttpResponse<String> r = post("/v1/completions", req);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        StringBuilder[] text = {new StringBuilder(), new StringBuilder()};
        String[] finish = new String[2];
        JsonNode usage = null;
        for (JsonNode e : events(r.body())) {
            assertThat(e.get("object").stringValue()).isEqualTo("text_completion");
            if (e.get("usage") != null) {
                usage = e.get("usage");
                assertThat(e.get("choices")).isEmpty();
                continue;
            }
            JsonNode c = e.get("choices").get(0);
            int i = c.get("index").asInt();
            text[i].append(c.get("text").stringValue());
            if (!c.get("finish_reason").isNull()) {
                finish[i] = c.get("finish_reason").stringValue();
            }
        }
        for (int i = 0; i < 2; i++) {
            assertThat(text[i].toString()).isEqualTo("Say hi" + answerPrefix(12));
            assertThat(finish[i]).isEqualTo("length");
        }
        assertThat(usage.get("completion_tokens").asInt()).isEqualTo(24);
    }

    @Test
    void completionMistakesAreOpenAiErrors() throws Exception {
        assertError(post("/v1/completions", "{\"model\":\"gpt-oss-test\"}"), 400, "prompt");
        assertError(post("/v1/completions", "{\"model\":\"gpt-oss-test\",\"prompt\":\"\"}"), 400, "prompt");
        assertError(post("/v1/completions", "{\"model\":\"gpt-oss-test\",\"prompt\":[\"a\",\"b\"]}"), 400, "prompt");
        assertError(post("/v1/completions", "{\"model\":\"gpt-oss-test\",\"prompt\":[1,999999]}"), 400, "prompt");
        assertError(post("/v1/completions", "{\"model\":\"gpt-oss-test\",\"prompt\":{\"x\":1}}"), 400, "prompt");
        assertError(post("/v1/completions", "{\"model\":\"gpt-oss-test\",\"prompt\":\"a\",\"logprobs\":21}"), 400, "logprobs");
        assertError(post("/v1/completions", "{\"model\":\"gpt-oss-test\",\"prompt\":\"a\",\"logprobs\":1,\"echo\":true}"), 400, "echo");
        assertError(post("/v1/completions", "{\"model\":\"gpt-oss-test\",\"prompt\":\"a\",\"suffix\":\"z\"}"), 400, "suffix");
        assertError(post("/v1/completions", "{\"model\":\"gpt-oss-test\",\"prompt\":\"a\",\"max_tokens\":999999}"), 400, "max_tokens");
        assertError(post("/v1/completions", "{\"model\":\"gpt-4o\",\"prompt\":\"a\"}"), 404, "model");
        assertError(post("/v1/completions", "{\"model\":"), 400, null);
        assertThat(post("/v1/completions", "{\"model\":\"gpt-oss-test\",\"prompt\":\"a\"}", false).statusCode()).isEqualTo(401);
    }

    @Test
    void renderShowsTheHarmonyPromptWithRequestLevelSystemFields() throws Exception {
        String req = "{\"model\":\"gpt-oss-test\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"Hi\"}],\"chat_template_kwargs\":{\"current_date\":\"2001-02-03\","
                + "\"knowledge_cutoff\":\"2020-01\",\"reasoning_effort\":\"high\",\"enable_thinking\":true}}";
        HttpResponse<String> r = post("/v1/chat/completions/render", req);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = json(r);
        String prompt = body.get("prompt").stringValue();
        assertThat(prompt).startsWith("<|start|>system<|message|>").contains("Current date: 2001-02-03")
                .contains("Knowledge cutoff: 2020-01").contains("Reasoning: high").contains("Be brief.")
                .endsWith("<|start|>user<|message|>Hi<|end|><|start|>assistant");
        int[] ids = new int[body.get("prompt_token_ids").size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = body.get("prompt_token_ids").get(i).asInt();
        }
        assertThat(Tokenizers.o200kHarmony().decode(ids)).isEqualTo(prompt);
        assertThat(body.get("count").asInt()).isEqualTo(ids.length);
        assertThat(body.get("max_model_len").asInt()).isEqualTo(4096);

        // the same overrides reach the engine on /v1/chat/completions
        AtomicReference<String> seen = new AtomicReference<>();
        Function<GenerateRequest, String> before = engine.script;
        engine.script = g -> {
            seen.set(Tokenizers.o200kHarmony().decode(g.prompt()));
            return before.apply(g);
        };
        try {
            assertThat(post("/v1/chat/completions", req.replace("}}", "},\"max_tokens\":4}")).statusCode()).isEqualTo(200);
        } finally {
            engine.script = before;
        }
        assertThat(seen.get()).isEqualTo(prompt);

        assertError(post("/v1/chat/completions/render", req.replace("2001-02-03", "yesterday")), 400,
                "chat_template_kwargs.current_date");
        assertError(post("/v1/chat/completions/render", "{\"model\":\"gpt-oss-test\",\"messages\":[]}"), 400, "messages");
        assertThat(post("/v1/chat/completions/render", req, false).statusCode()).isEqualTo(401);
    }

    @Test
    void tokenizeAndDetokenizeRoundTrip() throws Exception {
        int[] want = Tokenizers.o200kHarmony().encode("Hello world, <|start|> stays text");
        JsonNode t = json(post("/tokenize", "{\"model\":\"gpt-oss-test\",\"prompt\":\"Hello world, <|start|> stays text\","
                + "\"return_token_strs\":true}"));
        assertThat(t.get("count").asInt()).isEqualTo(want.length);
        assertThat(t.get("max_model_len").asInt()).isEqualTo(4096);
        assertThat(t.get("tokens").get(0).asInt()).isEqualTo(want[0]);
        assertThat(t.get("token_strs").get(0).stringValue()).isEqualTo("Hello");
        assertThat(t.get("tokens")).hasSize(want.length);

        JsonNode d = json(post("/detokenize", "{\"tokens\":" + t.get("tokens") + "}"));
        assertThat(d.get("prompt").stringValue()).isEqualTo("Hello world, <|start|> stays text");

        String chat = "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"chat_template_kwargs\":{\"current_date\":\"2001-02-03\"}";
        JsonNode fromChat = json(post("/tokenize", "{" + chat + "}"));
        JsonNode rendered = json(post("/v1/chat/completions/render", "{\"model\":\"gpt-oss-test\"," + chat + "}"));
        assertThat(fromChat.get("tokens")).isEqualTo(rendered.get("prompt_token_ids"));
        assertThat(fromChat.get("token_strs").isNull()).isTrue();

        assertError(post("/tokenize", "{}"), 400, "prompt");
        assertError(post("/tokenize", "{\"prompt\":\"a\",\"model\":\"gpt-4o\"}"), 404, "model");
        assertError(post("/detokenize", "{\"tokens\":[-1]}"), 400, "tokens");
        assertError(post("/detokenize", "{\"tokens\":\"abc\"}"), 400, "tokens");
        assertThat(post("/tokenize", "{\"prompt\":\"a\"}", false).statusCode()).isEqualTo(401);
        assertThat(post("/detokenize", "{\"tokens\":[1]}", false).statusCode()).isEqualTo(401);
        assertThat(List.of(want)).isNotEmpty();
    }
}
