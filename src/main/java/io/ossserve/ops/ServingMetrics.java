package io.ossserve.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.ossserve.chat.ChatCallInfo;
import io.ossserve.chat.ChatCallObserver;
import io.ossserve.chat.ChatCallOutcome;
import io.ossserve.config.ModelRuntime;
import io.ossserve.engine.EngineStats;
import io.ossserve.engine.InferenceEngine;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Serving metrics. Latencies use the OpenTelemetry GenAI semantic-convention names
 * ({@code gen_ai.server.time_to_first_token}, {@code gen_ai.server.time_per_output_token},
 * {@code gen_ai.server.request.duration}, {@code gen_ai.client.token.usage}); engine state is under {@code ossserve.*}.
 */
@Component
@Order(100)
class ServingMetrics implements ChatCallObserver {
    private final Timer ttft;
    private final Timer tpot;
    private final Timer itl;
    private final Timer e2e;
    private final DistributionSummary inputTokens;
    private final DistributionSummary outputTokens;
    private final Counter promptTokens;
    private final Counter generationTokens;
    private final MeterRegistry registry;
    private final Map<String, long[]> lastToken = new ConcurrentHashMap<>();

    ServingMetrics(MeterRegistry registry, ModelRuntime runtime) {
        this.registry = registry;
        String model = runtime.servedModelName();
        ttft = latency("gen_ai.server.time_to_first_token", "time from request to the first output token", model);
        tpot = latency("gen_ai.server.time_per_output_token", "mean time per output token after the first", model);
        itl = latency("ossserve.inter_token_latency", "time between consecutive output tokens of a stream", model);
        e2e = latency("gen_ai.server.request.duration", "request duration, accepted to last token", model);
        inputTokens = DistributionSummary.builder("gen_ai.client.token.usage").tag("gen_ai.token.type", "input")
                .tag("gen_ai.request.model", model).baseUnit("tokens").register(registry);
        outputTokens = DistributionSummary.builder("gen_ai.client.token.usage").tag("gen_ai.token.type", "output")
                .tag("gen_ai.request.model", model).baseUnit("tokens").register(registry);
        promptTokens = Counter.builder("ossserve.prompt.tokens").description("prompt tokens processed").register(registry);
        generationTokens = Counter.builder("ossserve.generation.tokens").description("tokens generated").register(registry);
        gauge("ossserve.requests.running", "sequences in the running batch", runtime, EngineStats::running);
        gauge("ossserve.requests.waiting", "requests waiting for the batch (incl. preempted)", runtime, EngineStats::waiting);
        gauge("ossserve.kv_cache.usage", "fraction of KV-cache blocks held (0..1)", runtime, EngineStats::kvUsage);
        counter("ossserve.prefix_cache.queries", "prompt tokens looked up in the prefix cache", runtime, EngineStats::prefixQueryTokens);
        counter("ossserve.prefix_cache.hits", "prompt tokens found in the prefix cache", runtime, EngineStats::prefixHitTokens);
        counter("ossserve.preemptions", "sequences preempted for KV memory", runtime, EngineStats::preemptions);
        counter("ossserve.engine.steps", "forward steps", runtime, EngineStats::steps);
    }

    private Timer latency(String name, String description, String model) {
        return Timer.builder(name).description(description).tag("gen_ai.request.model", model)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(5)).register(registry);
    }

    private static double read(ModelRuntime runtime, ToDoubleFunction<EngineStats> f) {
        InferenceEngine e = runtime.engine();
        return e == null ? 0 : f.applyAsDouble(e.stats());
    }

    private void gauge(String name, String description, ModelRuntime runtime, ToDoubleFunction<EngineStats> f) {
        Gauge.builder(name, runtime, r -> read(r, f)).description(description).register(registry);
    }

    private void counter(String name, String description, ModelRuntime runtime, ToDoubleFunction<EngineStats> f) {
        FunctionCounter.builder(name, runtime, r -> read(r, f)).description(description).register(registry);
    }

    private static String key(ChatCallInfo call, int choice) {
        return call.requestId() + "#" + call.startNanos() + "#" + choice;
    }

    @Override
    public void onToken(ChatCallInfo call, int choice, long nanoTime) {
        long[] last = lastToken.computeIfAbsent(key(call, choice), k -> new long[] {-1});
        if (last[0] >= 0) {
            itl.record(nanoTime - last[0], java.util.concurrent.TimeUnit.NANOSECONDS);
        }
        last[0] = nanoTime;
    }

    @Override
    public void afterGeneration(ChatCallInfo call, ChatCallOutcome outcome) {
        for (int i = 0; i < call.n(); i++) {
            lastToken.remove(key(call, i));
        }
        var u = outcome.usage();
        promptTokens.increment(u.promptTokens());
        generationTokens.increment(u.completionTokens());
        inputTokens.record(u.promptTokens());
        outputTokens.record(u.completionTokens());
        if (outcome.ttftNanos() >= 0) {
            ttft.record(outcome.ttftNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
            int perChoice = u.completionTokens() / Math.max(1, call.n());
            if (perChoice > 1) {
                tpot.record((outcome.durationNanos() - outcome.ttftNanos()) / (perChoice - 1), java.util.concurrent.TimeUnit.NANOSECONDS);
            }
        }
        e2e.record(outcome.durationNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    }
}
