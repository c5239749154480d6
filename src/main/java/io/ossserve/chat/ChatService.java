package io.ossserve.chat;

import io.ossserve.config.ModelProperties;
import io.ossserve.config.ModelRuntime;
import io.ossserve.engine.EngineOverloadedException;
import io.ossserve.engine.GenerateRequest;
import io.ossserve.engine.GenerationHandle;
import io.ossserve.engine.InferenceEngine;
import io.ossserve.engine.SamplingParams;
import io.ossserve.engine.TokenConstraint;
import io.ossserve.config.ServerLimitsProperties;
import io.ossserve.text.O200kHarmonyTokenizer;
import io.ossserve.text.SpecialTokens;
import io.ossserve.text.Tokenizers;
import io.ossserve.text.harmony.HarmonyRenderer;
import io.ossserve.text.harmony.ReasoningEffort;
import io.ossserve.text.harmony.SystemContent;
import io.ossserve.text.openai.OpenAiToHarmony;
import io.ossserve.text.openai.PromptSettings;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

/**
 * Runs OpenAI chat requests: renders the harmony prompt (text layer), enforces the context, forces the tool-call
 * header for {@code tool_choice} {@code required} / a named function, calls the observers, and submits one engine
 * generation per choice. The returned {@link ChatRun} is then driven on the request thread.
 */
@Service
public class ChatService {
    private static final Set<Integer> STOP_TOKENS = HarmonyRenderer.stopTokensForAssistantActions();

    private final ModelRuntime runtime;
    private final ServerLimitsProperties limits;
    private final List<ChatCallObserver> observers;
    private final OpenAiToHarmony toHarmony = OpenAiToHarmony.create();
    private final O200kHarmonyTokenizer tokenizer = Tokenizers.o200kHarmony();
    private final PromptSettings settings;

    ChatService(ModelRuntime runtime, ModelProperties model, ServerLimitsProperties limits,
                ObjectProvider<ChatCallObserver> observers) {
        this.runtime = runtime;
        this.limits = limits;
        this.observers = observers.orderedStream().toList();
        this.settings = new PromptSettings(model.identity(), SystemContent.DEFAULT_KNOWLEDGE_CUTOFF, null,
                ReasoningEffort.MEDIUM, Clock.systemUTC());
    }

    public PromptSettings promptSettings() {
        return settings;
    }

    /** The shared o200k_harmony tokenizer (thread-safe). */
    public O200kHarmonyTokenizer tokenizer() {
        return tokenizer;
    }

    /** The prompt ids of a chat request (also used by {@code /v1/chat/completions/render}). */
    public int[] renderPrompt(io.ossserve.text.openai.ChatPromptRequest prompt, PromptSettings promptSettings) {
        try {
            return toHarmony.renderPrompt(prompt, promptSettings);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ChatRequestException(e.getMessage(), paramOf(e.getMessage()), null);
        }
    }

    /** The field an error message of the text layer starts with, e.g. {@code messages[2].tool_call_id}. */
    static String paramOf(String message) {
        if (message == null) {
            return null;
        }
        int end = 0;
        while (end < message.length() && " :'".indexOf(message.charAt(end)) < 0) {
            end++;
        }
        String head = message.substring(0, end);
        return head.matches("[a-z_]+(\\[\\d+\\])?([.][a-z_]+(\\[\\d+\\])?)*") ? head : null;
    }

    public ChatRun start(ChatCommand cmd) {
        InferenceEngine engine = engine();
        int[] prompt = renderPrompt(cmd.prompt(), cmd.promptSettings() == null ? settings : cmd.promptSettings());
        TokenConstraint constraint = StructuredOutputs.constraint(cmd.prompt(), this::toolCallHeader, tokenizer);
        return submit(engine, cmd, prompt, constraint, true);
    }

    /** Runs raw prompt ids (the completions endpoint): no harmony parsing of the output. */
    public ChatRun startRaw(ChatCommand cmd, int[] prompt) {
        return submit(engine(), cmd, prompt, null, false);
    }

    public InferenceEngine engine() {
        InferenceEngine engine = runtime.engine();
        if (engine == null) {
            throw new ModelNotReadyException(runtime.state() == ModelRuntime.State.FAILED
                    ? "the model failed to load: " + runtime.failure()
                    : "the model is loading; retry shortly");
        }
        return engine;
    }

    private ChatRun submit(InferenceEngine engine, ChatCommand cmd, int[] prompt, TokenConstraint constraint, boolean harmony) {
        int ctx = runtime.maxContext();
        int room = ctx - prompt.length;
        int maxTokens;
        if (cmd.maxTokens() != null) {
            maxTokens = cmd.maxTokens();
            if (maxTokens > room) {
                throw new ChatRequestException("This model's maximum context length is " + ctx + " tokens. However, you "
                        + "requested " + (prompt.length + maxTokens) + " tokens (" + prompt.length + " in the messages, "
                        + maxTokens + " in the completion). Please reduce the length of the messages or completion.",
                        "max_tokens", "context_length_exceeded");
            }
        } else {
            if (room < 1) {
                throw new ChatRequestException("This model's maximum context length is " + ctx + " tokens. However, your "
                        + "messages resulted in " + prompt.length + " tokens. Please reduce the length of the messages.",
                        "messages", "context_length_exceeded");
            }
            maxTokens = Math.min(room, limits.defaultMaxTokens());
        }
        ChatCallInfo info = new ChatCallInfo(cmd.requestId(), cmd.endpoint(), runtime.servedModelName(), cmd.tenant(),
                cmd.user(), prompt.length, maxTokens * cmd.n(), cmd.n(), cmd.stream(), Instant.now(), System.nanoTime(),
                cmd.keepTexts() ? tokenizer.decode(prompt) : null);
        admit(info);
        ChatRun run = new ChatRun(info, cmd, prompt.length, harmony, tokenizer, observers);
        List<GenerationHandle> handles = new ArrayList<>();
        try {
            for (int i = 0; i < cmd.n(); i++) {
                Long seed = cmd.seed() == null ? null : cmd.seed() + i;
                SamplingParams sampling = new SamplingParams(cmd.temperature(), cmd.topP(), cmd.topK(), seed,
                        cmd.logprobs() ? cmd.topLogprobs() : 0);
                GenerateRequest req = new GenerateRequest(cmd.requestId() + (cmd.n() > 1 ? "-" + i : ""), prompt, sampling,
                        maxTokens, cmd.ignoreEos() ? Set.of() : harmony ? STOP_TOKENS : Set.of(SpecialTokens.ENDOFTEXT, SpecialTokens.RETURN),
                        constraint, cmd.tenant() == null ? "anonymous" : "tenant:" + cmd.tenant(), cmd.logprobs());
                handles.add(engine.submit(req, run.sink(i)));
            }
        } catch (RuntimeException e) {
            handles.forEach(GenerationHandle::cancel);
            run.abandon(e);
            if (e instanceof EngineOverloadedException || e instanceof ChatRequestException) {
                throw e;
            }
            if (e instanceof IllegalArgumentException) {
                throw new ChatRequestException(e.getMessage(), "messages", null);
            }
            throw e;
        }
        run.attach(handles);
        for (ChatCallObserver o : observers) {
            o.onStart(info, run::abort);
        }
        return run;
    }

    /**
     * Runs every observer's {@code beforeGeneration}. When one refuses the call, those that had already passed are
     * told with a {@code rejected} outcome (so a quota ticket or an audit note taken there is released), and the
     * refusal propagates to the HTTP layer.
     */
    private void admit(ChatCallInfo info) {
        for (int i = 0; i < observers.size(); i++) {
            try {
                observers.get(i).beforeGeneration(info);
            } catch (RuntimeException refusal) {
                ChatCallOutcome rejected = new ChatCallOutcome("rejected", new ChatUsage(info.promptTokens(), 0, 0, 0),
                        List.of(), List.of(), -1, System.nanoTime() - info.startNanos(), refusal, null);
                for (int j = i - 1; j >= 0; j--) {
                    try {
                        observers.get(j).afterGeneration(info, rejected);
                    } catch (RuntimeException e) {
                        org.slf4j.LoggerFactory.getLogger(ChatService.class).warn(
                                "chat observer failed after the rejection of {}: {}", info.requestId(), e.toString());
                    }
                }
                throw refusal;
            }
        }
    }

    /** {@code <|channel|>commentary to=functions.NAME <|constrain|>json<|message|>}, as gpt-oss writes a call. */
    int[] toolCallHeader(String name) {
        int[] text = tokenizer.encode("commentary to=functions." + name + " ");
        int[] json = tokenizer.encode("json");
        int[] out = new int[text.length + json.length + 3];
        out[0] = SpecialTokens.CHANNEL;
        System.arraycopy(text, 0, out, 1, text.length);
        out[1 + text.length] = SpecialTokens.CONSTRAIN;
        System.arraycopy(json, 0, out, 2 + text.length, json.length);
        out[out.length - 1] = SpecialTokens.MESSAGE;
        return out;
    }
}
