package io.ossserve.api;

import io.ossserve.chat.ChatCommand;
import io.ossserve.chat.ChatResult;
import io.ossserve.chat.ChatRun;
import io.ossserve.chat.ChatService;
import io.ossserve.chat.ChatStreamListener;
import io.ossserve.chat.TokenLogprob;
import io.ossserve.config.ServerLimitsProperties;
import io.ossserve.quota.QuotaException;
import io.ossserve.security.TenantContext;
import io.ossserve.security.TenantPrincipal;
import io.ossserve.text.openai.ChatDelta;
import io.ossserve.text.openai.ChatPromptRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /v1/completions}: a raw prompt (text, encoded without special tokens, or token ids) continued by the
 * engine with no harmony parsing; {@code echo}, {@code logprobs} (0..20 alternatives), stop strings, {@code n},
 * streaming.
 */
@RestController
class CompletionsController {
    private static final Logger LOG = LoggerFactory.getLogger(CompletionsController.class);
    private static final String OBJECT = "text_completion";

    private final ChatService chat;
    private final ServedModels models;
    private final ServerLimitsProperties limits;
    private final JsonMapper json;

    CompletionsController(ChatService chat, ServedModels models, ServerLimitsProperties limits, JsonMapper json) {
        this.chat = chat;
        this.models = models;
        this.limits = limits;
        this.json = json;
    }

    @PostMapping(path = "/v1/completions", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<CompletionDtos.Completion> complete(@RequestBody JsonNode body, HttpServletRequest request,
                                                       HttpServletResponse response) throws IOException {
        ChatRequestParser.object(body);
        String model = models.check(ChatRequestParser.model(body));
        int[] prompt = TokenInputs.prompt(body.get("prompt"), "prompt", chat.tokenizer());
        ChatRequestParser.Sampling s = ChatRequestParser.sampling(body, limits.maxN(), limits.maxStopSequences(), true);
        boolean echo = ChatRequestParser.optionalBoolean(body, "echo", false);
        checkUnsupported(body, s, echo);
        String requestId = RequestIds.of(request);
        response.setHeader("x-request-id", requestId);
        TenantPrincipal tenant = TenantContext.of(request).orElse(null);
        ChatCommand cmd = new ChatCommand(ChatPromptRequest.of(List.of()), s.maxTokens(), s.temperature(), s.topP(),
                s.topK(), s.seed(), s.stop(), s.n(), s.logprobs(), s.topLogprobs(), s.ignoreEos(), s.user(),
                tenant == null ? null : tenant.tenantId(), tenant != null && tenant.promptLogging(), s.stream(),
                requestId, "/v1/completions", null);
        ChatRun run = chat.startRaw(cmd, prompt);
        String echoed = echo ? chat.tokenizer().decode(prompt) : "";
        String id = "cmpl-" + RequestIds.random(24);
        long created = Instant.now().getEpochSecond();
        if (!s.stream()) {
            ChatResult result = run.drive(ChatStreamListener.NONE);
            List<CompletionDtos.Choice> choices = new ArrayList<>();
            for (ChatResult.Choice c : result.choices()) {
                String text = echoed + (c.content() == null ? "" : c.content());
                choices.add(new CompletionDtos.Choice(text, c.index(),
                        c.logprobs() == null ? null : logprobs(c.logprobs(), echoed.length()), c.finishReason()));
            }
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(new CompletionDtos.Completion(id,
                    OBJECT, created, model, models.fingerprint(), choices, ChatCompletionsController.usage(result.usage())));
        }
        SseWriter sse = new SseWriter(json, response);
        Stream stream = new Stream(sse, id, created, model, models.fingerprint(), new int[cmd.n()]);
        try {
            if (echo) {
                for (int i = 0; i < cmd.n(); i++) {
                    stream.send(i, echoed, null, null);
                    stream.offsets()[i] = echoed.length();
                }
            }
            run.drive(stream);
            if (s.includeUsage()) {
                sse.send(new CompletionDtos.Completion(id, OBJECT, created, model, models.fingerprint(), List.of(),
                        ChatCompletionsController.usage(run.usage())));
            }
            sse.done();
        } catch (IOException e) {
            LOG.debug("client of {} went away: {}", requestId, e.toString());
        } catch (QuotaException e) {
            LOG.warn("stream {} ended: {}", requestId, e.getMessage());
            SseWriter.endWithError(sse, ErrorBody.of(e.getMessage(), e.type(), null, e.code()));
        } catch (RuntimeException e) {
            LOG.error("stream {} failed", requestId, e);
            SseWriter.endWithError(sse, ErrorBody.of("The server had an error while generating ("
                    + e.getClass().getSimpleName() + ")", "server_error", null, "internal_error"));
        }
        return null;
    }

    private static void checkUnsupported(JsonNode body, ChatRequestParser.Sampling s, boolean echo) {
        JsonNode suffix = body.get("suffix");
        if (suffix != null && !suffix.isNull() && !(suffix.isString() && suffix.stringValue().isEmpty())) {
            throw OpenAiException.invalid("suffix", "'suffix' (insertion) is not supported by gpt-oss");
        }
        Integer bestOf = ChatRequestParser.optionalInt(body, "best_of", 1, Integer.MAX_VALUE);
        if (bestOf != null && bestOf != s.n()) {
            throw OpenAiException.invalid("best_of", "'best_of' other than 'n' is not supported");
        }
        if (echo && s.logprobs()) {
            throw OpenAiException.invalid("echo", "'echo' together with 'logprobs' is not supported: the engine does not "
                    + "compute log probabilities of prompt tokens");
        }
    }

    /** OpenAI's legacy logprobs object; offsets count characters of {@code text} (after the echoed prompt). */
    static CompletionDtos.Logprobs logprobs(List<TokenLogprob> lps, int startOffset) {
        List<String> tokens = new ArrayList<>(lps.size());
        List<Double> values = new ArrayList<>(lps.size());
        List<Map<String, Double>> tops = new ArrayList<>(lps.size());
        List<Integer> offsets = new ArrayList<>(lps.size());
        int at = startOffset;
        for (TokenLogprob t : lps) {
            tokens.add(t.token());
            values.add(t.logprob());
            Map<String, Double> top = new LinkedHashMap<>();
            if (t.topLogprobs() != null) {
                for (TokenLogprob alt : t.topLogprobs()) {
                    top.putIfAbsent(alt.token(), alt.logprob());
                }
            }
            tops.add(top);
            offsets.add(at);
            at += t.token().length();
        }
        return new CompletionDtos.Logprobs(tokens, values, tops, offsets);
    }

    /** Turns raw text deltas into {@code text_completion} chunks; {@code offsets} tracks each choice's text length. */
    private record Stream(SseWriter sse, String id, long created, String model, String fingerprint, int[] offsets)
            implements ChatStreamListener {

        void send(int choice, String text, CompletionDtos.Logprobs logprobs, String finish) throws IOException {
            sse.send(new CompletionDtos.Completion(id, OBJECT, created, model, fingerprint,
                    List.of(new CompletionDtos.Choice(text, choice, logprobs, finish)), null));
        }

        @Override
        public void onDelta(int choice, ChatDelta delta, List<TokenLogprob> logprobs) throws IOException {
            if (delta instanceof ChatDelta.Content c) {
                send(choice, c.text(), logprobs.isEmpty() ? null : logprobs(logprobs, offsets[choice]), null);
                offsets[choice] += c.text().length();
            }
        }

        @Override
        public void onFinish(int choice, String finishReason) throws IOException {
            send(choice, "", null, finishReason);
        }
    }
}
