package io.ossserve.api;

import io.ossserve.chat.ChatCommand;
import io.ossserve.chat.ChatResult;
import io.ossserve.chat.ChatRun;
import io.ossserve.chat.ChatService;
import io.ossserve.chat.ChatStreamListener;
import io.ossserve.chat.ChatUsage;
import io.ossserve.chat.TokenLogprob;
import io.ossserve.config.ServerLimitsProperties;
import io.ossserve.quota.QuotaException;
import io.ossserve.security.TenantContext;
import io.ossserve.security.TenantPrincipal;
import io.ossserve.text.openai.ChatDelta;
import io.ossserve.text.openai.ChatPromptRequest;
import io.ossserve.text.openai.PromptSettings;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * {@code POST /v1/chat/completions}: parses and checks the body, hands it to {@link ChatService}, and answers one JSON
 * body or a stream of SSE chunks (role first, then reasoning / content / tool-call deltas as tokens come, the
 * finish_reason chunk, the usage chunk when asked, {@code [DONE]}).
 */
@RestController
class ChatCompletionsController {
    private static final Logger LOG = LoggerFactory.getLogger(ChatCompletionsController.class);

    private final ChatService chat;
    private final ServedModels models;
    private final ServerLimitsProperties limits;
    private final JsonMapper json;

    ChatCompletionsController(ChatService chat, ServedModels models, ServerLimitsProperties limits, JsonMapper json) {
        this.chat = chat;
        this.models = models;
        this.limits = limits;
        this.json = json;
    }

    @PostMapping(path = "/v1/chat/completions", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ChatDtos.ChatCompletion> complete(@RequestBody JsonNode body, HttpServletRequest request,
                                                     HttpServletResponse response) throws IOException {
        ChatRequestParser.object(body);
        String model = models.check(ChatRequestParser.model(body));
        ChatPromptRequest prompt = ChatRequestParser.prompt(body);
        PromptSettings settings = ChatRequestParser.promptSettings(body, chat.promptSettings());
        ChatRequestParser.Sampling s = ChatRequestParser.sampling(body, limits.maxN(), limits.maxStopSequences());
        String requestId = RequestIds.of(request);
        response.setHeader("x-request-id", requestId);
        TenantPrincipal tenant = TenantContext.of(request).orElse(null);
        ChatCommand cmd = new ChatCommand(prompt, s.maxTokens(), s.temperature(), s.topP(), s.topK(), s.seed(), s.stop(),
                s.n(), s.logprobs(), s.topLogprobs(), s.ignoreEos(), s.user(), tenant == null ? null : tenant.tenantId(),
                tenant != null && tenant.promptLogging(), s.stream(), requestId, "/v1/chat/completions", settings);
        ChatRun run = chat.start(cmd);
        String id = "chatcmpl-" + RequestIds.random(24);
        long created = Instant.now().getEpochSecond();
        if (!s.stream()) {
            ChatResult result = run.drive(ChatStreamListener.NONE);
            List<ChatDtos.Choice> choices = new ArrayList<>();
            for (ChatResult.Choice c : result.choices()) {
                List<ChatDtos.ToolCall> calls = c.toolCalls().isEmpty() ? null : c.toolCalls().stream()
                        .map(tc -> new ChatDtos.ToolCall(null, tc.id(), "function", new ChatDtos.Function(tc.name(), tc.arguments())))
                        .toList();
                ChatDtos.Message message = new ChatDtos.Message("assistant", c.content(), null, c.reasoning(), c.reasoning(), calls);
                choices.add(new ChatDtos.Choice(c.index(), message, c.logprobs() == null ? null
                        : new ChatDtos.Logprobs(entries(c.logprobs()), List.of()), c.finishReason()));
            }
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(new ChatDtos.ChatCompletion(id,
                    "chat.completion", created, model, models.fingerprint(), choices, usage(result.usage())));
        }
        SseWriter sse = new SseWriter(json, response);
        Stream stream = new Stream(sse, id, created, model, models.fingerprint());
        try {
            for (int i = 0; i < cmd.n(); i++) {
                stream.send(i, new ChatDtos.Delta("assistant", "", null, null, null), null, null);
            }
            run.drive(stream);
            if (s.includeUsage()) {
                sse.send(new ChatDtos.Chunk(id, "chat.completion.chunk", created, model, models.fingerprint(), List.of(),
                        usage(run.usage())));
            }
            sse.done();
        } catch (IOException e) {
            LOG.debug("client of {} went away: {}", requestId, e.toString());
        } catch (QuotaException e) {
            // the generation guard ended the stream (time limit): tell the client in the stream, as OpenAI does
            LOG.warn("stream {} ended: {}", requestId, e.getMessage());
            SseWriter.endWithError(sse, ErrorBody.of(e.getMessage(), e.type(), null, e.code()));
        } catch (RuntimeException e) {
            LOG.error("stream {} failed", requestId, e);
            SseWriter.endWithError(sse, ErrorBody.of("The server had an error while generating ("
                    + e.getClass().getSimpleName() + ")", "server_error", null, "internal_error"));
        }
        return null;
    }

    static ChatDtos.Usage usage(ChatUsage u) {
        return new ChatDtos.Usage(u.promptTokens(), u.completionTokens(), u.totalTokens(),
                new ChatDtos.PromptDetails(u.cachedTokens()), new ChatDtos.CompletionDetails(u.reasoningTokens()));
    }

    static List<ChatDtos.LogprobEntry> entries(List<TokenLogprob> lps) {
        List<ChatDtos.LogprobEntry> out = new ArrayList<>(lps.size());
        for (TokenLogprob t : lps) {
            out.add(new ChatDtos.LogprobEntry(t.token(), t.logprob(), t.bytes(), t.topLogprobs() == null ? null
                    : t.topLogprobs().stream().map(a -> new ChatDtos.LogprobEntry(a.token(), a.logprob(), a.bytes(), null)).toList()));
        }
        return out;
    }

    /** Turns chat deltas into SSE chunks. */
    private record Stream(SseWriter sse, String id, long created, String model, String fingerprint) implements ChatStreamListener {

        void send(int choice, ChatDtos.Delta delta, ChatDtos.Logprobs logprobs, String finish) throws IOException {
            sse.send(new ChatDtos.Chunk(id, "chat.completion.chunk", created, model, fingerprint,
                    List.of(new ChatDtos.ChunkChoice(choice, delta, logprobs, finish)), null));
        }

        @Override
        public void onDelta(int choice, ChatDelta delta, List<TokenLogprob> logprobs) throws IOException {
            ChatDtos.Logprobs lp = logprobs.isEmpty() ? null : new ChatDtos.Logprobs(entries(logprobs), List.of());
            switch (delta) {
                case ChatDelta.Content c -> send(choice, new ChatDtos.Delta(null, c.text(), null, null, null), lp, null);
                case ChatDelta.Reasoning r -> send(choice, new ChatDtos.Delta(null, null, r.text(), r.text(), null), null, null);
                case ChatDelta.ToolCallFragment f -> {
                    ChatDtos.ToolCall call = f.id() != null
                            ? new ChatDtos.ToolCall(f.index(), f.id(), "function", new ChatDtos.Function(f.name(), f.argumentsDelta()))
                            : new ChatDtos.ToolCall(f.index(), null, null, new ChatDtos.Function(null, f.argumentsDelta()));
                    send(choice, new ChatDtos.Delta(null, null, null, null, List.of(call)), null, null);
                }
            }
        }

        @Override
        public void onFinish(int choice, String finishReason) throws IOException {
            send(choice, new ChatDtos.Delta(null, null, null, null, null), null, finishReason);
        }
    }
}
