package io.ossserve.api;

import io.ossserve.engine.Completion;
import io.ossserve.engine.EngineInfo;
import io.ossserve.engine.EngineOverloadedException;
import io.ossserve.engine.EngineStats;
import io.ossserve.engine.FinishReason;
import io.ossserve.engine.GenerateRequest;
import io.ossserve.engine.GenerationHandle;
import io.ossserve.engine.InferenceEngine;
import io.ossserve.engine.SampledToken;
import io.ossserve.engine.TokenSink;
import io.ossserve.text.Tokenizers;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An engine that replays fixed harmony token ids (chosen per request by the last user text), for pinning exact API
 * outputs. Honors max tokens, stop tokens and cancel; can be told to refuse everything as overloaded.
 */
final class ScriptedEngine implements InferenceEngine {
    static final String ANSWER = "<|channel|>analysis<|message|>The user greets me.<|end|>"
            + "<|start|>assistant<|channel|>final<|message|>Hello there! How can I help?<|return|>";
    static final String TOOL_CALL = "<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>"
            + "{\"city\": \"Paris\", \"unit\": \"c\"}<|call|>";
    static final String AFTER_TOOL = "<|channel|>final<|message|>It is 18 degrees in Paris.<|return|>";

    /** For latency benchmarks: visible content from the fourth token on. */
    static final String QUICK = "<|channel|>final<|message|>Hi<|return|>";

    static final String LONG = "<|channel|>final<|message|>" + "word ".repeat(3000) + "<|return|>";

    /** Chooses the replay by the prompt: a tool result → the answer after it; "weather" → a call; "long story" → 3000 words. */
    volatile Function<GenerateRequest, String> script = r -> {
        String prompt = Tokenizers.o200kHarmony().decode(r.prompt());
        if (prompt.contains("<|start|>functions.get_weather")) {
            return AFTER_TOOL;
        }
        if (prompt.contains("weather")) {
            return TOOL_CALL;
        }
        if (prompt.contains("ttft probe")) {
            return QUICK;
        }
        return prompt.contains("long story") ? LONG : ANSWER;
    };
    /** Pause between tokens (ms); 0 emits them at once. */
    volatile int pauseMillis = 1;
    volatile boolean overloaded;
    /** Reports work pending and no step for two minutes (readiness must turn down). */
    volatile boolean stalled;
    final AtomicInteger cancelled = new AtomicInteger();
    private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();

    static int[] ids(String harmony) {
        return Tokenizers.o200kHarmony().encodeAllowingSpecials(harmony);
    }

    @Override
    public EngineInfo info() {
        return new EngineInfo("scripted", 201088, 4096, 8, 512, 8, 1024, 16, false);
    }

    @Override
    public GenerationHandle submit(GenerateRequest request, TokenSink sink) {
        if (overloaded) {
            throw new EngineOverloadedException("scripted overload", 3);
        }
        int[] tokens = ids(script.apply(request));
        boolean[] cancel = new boolean[1];
        boolean[] done = new boolean[1];
        pool.submit(() -> {
            int n = 0;
            FinishReason reason = FinishReason.LENGTH;
            for (int t : tokens) {
                if (cancel[0]) {
                    reason = FinishReason.CANCELLED;
                    cancelled.incrementAndGet();
                    break;
                }
                if (n == request.maxTokens()) {
                    break;
                }
                sink.onToken(new SampledToken(t, -0.25f, List.of(new SampledToken.TokenLogprob(t, -0.25f))));
                n++;
                if (request.stopTokens().contains(t)) {
                    reason = FinishReason.STOP;
                    break;
                }
                try {
                    if (pauseMillis > 0) {
                        Thread.sleep(pauseMillis);
                    }
                } catch (InterruptedException e) {
                    break;
                }
            }
            done[0] = true;
            sink.onFinish(new Completion(reason, request.prompt().length, n, 0, 0));
        });
        return new GenerationHandle() {
            @Override
            public String requestId() {
                return request.requestId();
            }

            @Override
            public void cancel() {
                cancel[0] = true;
            }

            @Override
            public boolean isDone() {
                return done[0];
            }
        };
    }

    @Override
    public EngineStats stats() {
        return stalled
                ? new EngineStats(1, 1, 0, 1024, 0, 0, 0, 0, 0, 0, System.nanoTime() - 120_000_000_000L, false)
                : new EngineStats(0, 0, 0, 1024, 0, 0, 0, 0, 0, 0, System.nanoTime(), true);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
