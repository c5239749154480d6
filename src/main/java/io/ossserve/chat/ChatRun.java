package io.ossserve.chat;

import io.ossserve.engine.Completion;
import io.ossserve.engine.FinishReason;
import io.ossserve.engine.GenerationHandle;
import io.ossserve.engine.SampledToken;
import io.ossserve.engine.TokenSink;
import io.ossserve.text.O200kHarmonyTokenizer;
import io.ossserve.text.SpecialTokens;
import io.ossserve.text.TokenStreamDecoder;
import io.ossserve.text.harmony.HarmonyEvent;
import io.ossserve.text.harmony.HarmonyStreamParser;
import io.ossserve.text.openai.AssistantOutput;
import io.ossserve.text.openai.ChatDelta;
import io.ossserve.text.openai.HarmonyToOpenAi;
import io.ossserve.text.openai.ToolCall;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One call in flight. The engine thread only enqueues tokens ({@link #sink}); the request thread runs
 * {@link #drive}: harmony parsing, OpenAI deltas, stop strings, logprobs, and the listener (SSE writes), so a slow
 * client never slows the batch. A listener IOException (client gone) cancels every choice, which frees its KV blocks
 * before the engine's next step.
 */
public final class ChatRun {
    private sealed interface Event {}

    private record TokenEvent(int choice, SampledToken token, long nanos) implements Event {}

    private record FinishEvent(int choice, Completion completion) implements Event {}

    private record ErrorEvent(int choice, Throwable error) implements Event {}

    /** An observer ended the call ({@link ChatAbort}): its error goes to the client as it is. */
    private record AbortEvent(RuntimeException error) implements Event {}

    private final ChatCallInfo info;
    private final ChatCommand cmd;
    private final int promptTokens;
    private final boolean harmony;
    private final O200kHarmonyTokenizer tokenizer;
    private final List<ChatCallObserver> observers;
    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<ChoiceState> choices = new ArrayList<>();
    private List<GenerationHandle> handles = List.of();
    private long firstTokenNanos = -1;
    private volatile boolean reported;

    ChatRun(ChatCallInfo info, ChatCommand cmd, int promptTokens, boolean harmony, O200kHarmonyTokenizer tokenizer,
            List<ChatCallObserver> observers) {
        this.info = info;
        this.cmd = cmd;
        this.promptTokens = promptTokens;
        this.harmony = harmony;
        this.tokenizer = tokenizer;
        this.observers = observers;
        for (int i = 0; i < cmd.n(); i++) {
            choices.add(new ChoiceState(i));
        }
    }

    public ChatCallInfo info() {
        return info;
    }

    TokenSink sink(int choice) {
        return new TokenSink() {
            @Override
            public void onToken(SampledToken token) {
                events.add(new TokenEvent(choice, token, System.nanoTime()));
            }

            @Override
            public void onFinish(Completion completion) {
                events.add(new FinishEvent(choice, completion));
            }

            @Override
            public void onError(Throwable error) {
                events.add(new ErrorEvent(choice, error));
            }
        };
    }

    void attach(List<GenerationHandle> handles) {
        this.handles = List.copyOf(handles);
    }

    /** Ends the call with {@code error} (see {@link ChatAbort}); a no-op once the call was reported. */
    void abort(RuntimeException error) {
        if (!reported) {
            events.add(new AbortEvent(error));
            cancel();
        }
    }

    /** Cancels every choice (e.g. the client disconnected). */
    public void cancel() {
        handles.forEach(GenerationHandle::cancel);
    }

    void abandon(Throwable error) {
        report("failed", error);
    }

    /**
     * Runs the call to its end on the calling thread, handing deltas to {@code listener} as tokens arrive.
     *
     * @throws IOException when the listener failed (client gone); every choice is cancelled first
     */
    public ChatResult drive(ChatStreamListener listener) throws IOException {
        int open = choices.size();
        try {
            while (open > 0) {
                Event e = events.poll(1, TimeUnit.SECONDS);
                if (e == null) {
                    continue;
                }
                switch (e) {
                    case TokenEvent t -> onToken(choices.get(t.choice()), t, listener);
                    case FinishEvent f -> {
                        onFinish(choices.get(f.choice()), f.completion(), listener);
                        open--;
                    }
                    case ErrorEvent err -> throw new IllegalStateException("generation failed: " + err.error().getMessage(), err.error());
                    case AbortEvent a -> throw a.error();
                }
            }
        } catch (IOException | RuntimeException ex) {
            cancel();
            report(ex instanceof IOException ? "cancelled" : "failed", ex);
            throw ex;
        } catch (InterruptedException ex) {
            cancel();
            Thread.currentThread().interrupt();
            report("cancelled", ex);
            throw new IOException("interrupted", ex);
        }
        ChatResult result = result();
        report("completed", null);
        return result;
    }

    private void onToken(ChoiceState c, TokenEvent t, ChatStreamListener listener) throws IOException {
        if (firstTokenNanos < 0) {
            firstTokenNanos = t.nanos();
        }
        c.tokensSeen++;
        for (ChatCallObserver o : observers) {
            o.onToken(info, c.index, t.nanos());
        }
        if (c.stop.stopped()) {
            return;
        }
        int id = t.token().token();
        List<TokenLogprob> lp = cmd.logprobs() ? List.of(logprob(t.token())) : List.of();
        if (!harmony) {
            if (!cmd.ignoreEos() && (id == SpecialTokens.ENDOFTEXT || id == SpecialTokens.RETURN)) {
                return; // the end-of-text token ends the completion; it is not part of its text
            }
            emitContent(c, c.decoder.push(id), lp, listener);
            return;
        }
        boolean analysisBefore = c.inAnalysis;
        List<HarmonyEvent> evs = c.parser.push(id);
        trackChannel(c, evs);
        if (analysisBefore || c.inAnalysis) {
            c.reasoningTokens++;
        }
        emit(c, c.assembler.acceptAll(evs), lp, listener);
    }

    private static void trackChannel(ChoiceState c, List<HarmonyEvent> evs) {
        for (HarmonyEvent ev : evs) {
            if (ev instanceof HarmonyEvent.MessageStart s) {
                c.inAnalysis = "analysis".equals(s.channel()) && s.recipient() == null;
            } else if (ev instanceof HarmonyEvent.MessageEnd) {
                c.inAnalysis = false;
            }
        }
    }

    private void emit(ChoiceState c, List<ChatDelta> deltas, List<TokenLogprob> lp, ChatStreamListener listener) throws IOException {
        boolean lpUsed = false;
        for (ChatDelta d : deltas) {
            if (d instanceof ChatDelta.Content content) {
                emitContent(c, content.text(), lpUsed ? List.of() : lp, listener);
                lpUsed = true;
            } else if (!c.stop.stopped()) {
                if (d instanceof ChatDelta.Reasoning r) {
                    c.reasoning.append(r.text());
                }
                listener.onDelta(c.index, d, List.of());
            }
        }
    }

    private void emitContent(ChoiceState c, String text, List<TokenLogprob> lp, ChatStreamListener listener) throws IOException {
        String out = c.stop.push(text);
        if (c.logprobs != null) {
            c.logprobs.addAll(lp);
        }
        if (!out.isEmpty()) {
            c.content.append(out);
            listener.onDelta(c.index, new ChatDelta.Content(out), lp);
        }
        if (c.stop.stopped()) {
            c.stoppedByString = true;
            handles.get(c.index).cancel();
        }
    }

    private void onFinish(ChoiceState c, Completion completion, ChatStreamListener listener) throws IOException {
        c.completion = completion;
        if (harmony) {
            List<HarmonyEvent> evs = c.parser.finish();
            emit(c, c.assembler.acceptAll(evs), List.of(), listener);
        } else {
            emitContent(c, c.decoder.finish(), List.of(), listener);
        }
        String tail = c.stop.flush();
        if (!tail.isEmpty()) {
            c.content.append(tail);
            listener.onDelta(c.index, new ChatDelta.Content(tail), List.of());
        }
        c.finishReason = finishReason(c);
        listener.onFinish(c.index, c.finishReason);
    }

    private String finishReason(ChoiceState c) {
        if (c.stoppedByString) {
            return "stop";
        }
        boolean length = c.completion.reason() == FinishReason.LENGTH;
        if (!harmony) {
            return length ? "length" : "stop";
        }
        return c.assembler.output().finishReason(length);
    }

    private TokenLogprob logprob(SampledToken t) {
        List<TokenLogprob> top = new ArrayList<>(t.top().size());
        for (var alt : t.top()) {
            top.add(entry(alt.token(), alt.logprob(), List.of()));
        }
        return entry(t.token(), t.logprob(), top);
    }

    private TokenLogprob entry(int id, float logprob, List<TokenLogprob> top) {
        byte[] bytes = tokenizer.tokenBytes(id);
        int[] ints = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ints[i] = bytes[i] & 0xFF;
        }
        return new TokenLogprob(new String(bytes, StandardCharsets.UTF_8), logprob, ints, top);
    }

    public ChatUsage usage() {
        int completion = 0, reasoning = 0, cached = 0;
        for (ChoiceState c : choices) {
            if (c.completion != null) {
                completion += c.completion.completionTokens();
                cached = Math.max(cached, c.completion.cachedTokens());
            } else {
                completion += c.tokensSeen; // cancelled or failed before the engine's finish reached us
            }
            reasoning += c.reasoningTokens;
        }
        return new ChatUsage(promptTokens, completion, reasoning, cached);
    }

    private ChatResult result() {
        List<ChatResult.Choice> out = new ArrayList<>();
        for (ChoiceState c : choices) {
            List<ToolCall> calls = harmony ? c.assembler.output().toolCalls() : List.of();
            out.add(new ChatResult.Choice(c.index, c.reasoning.isEmpty() ? null : c.reasoning.toString(),
                    c.content.isEmpty() ? null : c.content.toString(), calls, c.finishReason,
                    c.logprobs == null ? null : List.copyOf(c.logprobs)));
        }
        return new ChatResult(out, usage());
    }

    private void report(String status, Throwable error) {
        if (reported) {
            return;
        }
        reported = true;
        List<String> reasons = new ArrayList<>();
        List<String> tools = new ArrayList<>();
        for (ChoiceState c : choices) {
            if (c.finishReason != null) {
                reasons.add(c.finishReason);
            }
            if (harmony) {
                AssistantOutput o = c.assembler.output();
                o.toolCalls().forEach(tc -> tools.add(tc.name()));
            }
        }
        long now = System.nanoTime();
        ChatCallOutcome outcome = new ChatCallOutcome(status, usage(), reasons, tools,
                firstTokenNanos < 0 ? -1 : firstTokenNanos - info.startNanos(), now - info.startNanos(), error,
                cmd.keepTexts() ? completionText() : null);
        for (ChatCallObserver o : observers) {
            try {
                o.afterGeneration(info, outcome);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(ChatRun.class).warn("chat observer failed after {}: {}", info.requestId(), e.toString());
            }
        }
    }

    /** Reasoning, content and tool calls of every choice, as text (for an opted-in audit trail). */
    private String completionText() {
        StringBuilder sb = new StringBuilder();
        for (ChoiceState c : choices) {
            if (choices.size() > 1) {
                sb.append(sb.isEmpty() ? "" : "\n").append("[choice ").append(c.index).append("]\n");
            }
            if (!c.reasoning.isEmpty()) {
                sb.append("[reasoning] ").append(c.reasoning).append('\n');
            }
            sb.append(c.content);
            if (harmony) {
                for (ToolCall tc : c.assembler.output().toolCalls()) {
                    sb.append(sb.isEmpty() || sb.charAt(sb.length() - 1) == '\n' ? "" : "\n")
                            .append("[tool_call ").append(tc.name()).append("] ").append(tc.arguments());
                }
            }
        }
        return sb.toString();
    }

    private final class ChoiceState {
        final int index;
        final HarmonyStreamParser parser = harmony ? HarmonyStreamParser.forAssistantCompletion() : null;
        final HarmonyToOpenAi assembler = harmony ? new HarmonyToOpenAi() : null;
        final TokenStreamDecoder decoder = harmony ? null : tokenizer.newStreamDecoder();
        final StopStringMatcher stop = new StopStringMatcher(cmd.stop());
        final StringBuilder reasoning = new StringBuilder();
        final StringBuilder content = new StringBuilder();
        final List<TokenLogprob> logprobs = cmd.logprobs() ? new ArrayList<>() : null;
        boolean inAnalysis;
        boolean stoppedByString;
        int reasoningTokens;
        int tokensSeen;
        Completion completion;
        String finishReason;

        ChoiceState(int index) {
            this.index = index;
        }
    }
}
