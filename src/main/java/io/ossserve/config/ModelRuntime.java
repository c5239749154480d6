package io.ossserve.config;

import io.ossserve.engine.Completion;
import io.ossserve.engine.ContinuousBatchingEngine;
import io.ossserve.engine.EngineOptions;
import io.ossserve.engine.EngineStats;
import io.ossserve.engine.GenerateRequest;
import io.ossserve.engine.InferenceEngine;
import io.ossserve.engine.SampledToken;
import io.ossserve.engine.SamplingParams;
import io.ossserve.engine.TokenSink;
import io.ossserve.engine.cpu.CpuBackend;
import io.ossserve.engine.cpu.CpuBackends;
import io.ossserve.engine.cpu.ResidentWeights;
import io.ossserve.engine.cpu.CpuPagedKvStore;
import io.ossserve.model.Checkpoint;
import io.ossserve.model.GptOssConfig;
import io.ossserve.model.Presets;
import io.ossserve.model.RandomCheckpoint;
import io.ossserve.text.harmony.HarmonyRenderer;
import io.ossserve.text.openai.ChatMessage;
import io.ossserve.text.openai.ChatPromptRequest;
import io.ossserve.text.openai.OpenAiToHarmony;
import io.ossserve.text.openai.PromptSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The served model: resolves the checkpoint (a configured path, or the embedded random test model generated once
 * under the data directory), builds the CPU backend, the paged KV store and the scheduler, and runs a warm-up
 * generation, all in the background after start-up so that liveness answers at once. A test may supply its own
 * {@link InferenceEngine} bean; it is then served instead of loading a checkpoint.
 */
@Component
public class ModelRuntime implements DisposableBean {
    private static final Logger LOG = LoggerFactory.getLogger(ModelRuntime.class);

    public enum State { LOADING, READY, FAILED }

    private final ModelProperties model;
    private final EngineProperties engineProps;
    private final Path dataDir;
    private final ObjectProvider<InferenceEngine> suppliedEngine;
    private volatile State state = State.LOADING;
    private volatile String failure;
    private volatile InferenceEngine engine;
    private volatile Checkpoint checkpoint;
    private volatile CpuBackend backend;
    private volatile String servedModelName;
    private volatile String modelSource = "";
    private volatile int maxContext;
    private volatile Instant loadedAt = Instant.now();

    ModelRuntime(ModelProperties model, EngineProperties engineProps, @Value("${oss-serve.data-dir:./data}") Path dataDir,
                 ObjectProvider<InferenceEngine> suppliedEngine) {
        this.model = model;
        this.engineProps = engineProps;
        this.dataDir = dataDir;
        this.suppliedEngine = suppliedEngine;
        this.servedModelName = configuredName();
    }

    @EventListener(ApplicationReadyEvent.class)
    void startLoading() {
        Thread.ofPlatform().name("ossserve-model-loader").daemon(true).start(this::load);
    }

    private String configuredName() {
        if (model.servedModelName() != null && !model.servedModelName().isBlank()) {
            return model.servedModelName();
        }
        if (model.path() != null && !model.path().toString().isBlank()) {
            Path dir = model.path().toAbsolutePath().normalize();
            if (dir.getFileName() != null && dir.getFileName().toString().equals("original") && dir.getParent() != null) {
                dir = dir.getParent();
            }
            return dir.getFileName() == null ? "gpt-oss" : dir.getFileName().toString();
        }
        return model.preset().toLowerCase(Locale.ROOT) + "-random";
    }

    private void load() {
        try {
            InferenceEngine supplied = suppliedEngine.getIfAvailable();
            if (supplied != null) {
                engine = supplied;
                maxContext = supplied.info().maxContext();
                modelSource = "supplied engine";
            } else {
                engine = buildEngine();
            }
            loadedAt = Instant.now();
            if (engineProps.warmup()) {
                warmUp();
            }
            state = State.READY;
            LOG.info("model '{}' ready: {} (context {} tokens)", servedModelName, engine.info().backend(), maxContext);
        } catch (Throwable t) {
            failure = t.getMessage();
            state = State.FAILED;
            LOG.error("model '{}' failed to load: {}", servedModelName, t.getMessage(), t);
        }
    }

    private InferenceEngine buildEngine() throws IOException {
        Path dir;
        if (model.path() != null && !model.path().toString().isBlank()) {
            dir = model.path();
            modelSource = dir.toAbsolutePath().toString();
        } else {
            String preset = model.preset().toLowerCase(Locale.ROOT);
            GptOssConfig shape = Presets.get(preset);
            dir = dataDir.resolve("models").resolve(preset);
            if (!Files.isRegularFile(dir.resolve("config.json"))) {
                Files.createDirectories(dir);
                LOG.warn("writing the random '{}' test checkpoint to {} (first start only)", preset, dir.toAbsolutePath());
                RandomCheckpoint.write(shape, 1234, dir, RandomCheckpoint.Layouts.HF);
            }
            modelSource = "random test checkpoint " + dir.toAbsolutePath();
            LOG.warn("SERVING A RANDOM TEST MODEL ('{}' at {}): its answers are noise. To serve a real gpt-oss model, "
                    + "set oss-serve.model.path to a gpt-oss-20b or gpt-oss-120b checkpoint directory "
                    + "(e.g. --oss-serve.model.path=/models/gpt-oss-20b).", preset, dir.toAbsolutePath());
        }
        checkpoint = Checkpoint.open(dir);
        GptOssConfig c = checkpoint.config();
        backend = CpuBackends.create(checkpoint.weights(),
                CpuBackends.Kernels.valueOf(engineProps.cpuKernels().toUpperCase(Locale.ROOT)), engineProps.threads(),
                ResidentWeights.Placement.valueOf(engineProps.cpuWeights().toUpperCase(Locale.ROOT)));
        CpuPagedKvStore store = CpuPagedKvStore.create(c, engineProps.kvCacheMemory().toBytes(), engineProps.blockSize());
        int kvPositions = store.numBlocks() * store.blockSize();
        int ctx = model.maxModelLen() > 0 ? model.maxModelLen() : c.maxPositionEmbeddings();
        if (model.maxModelLen() > c.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("oss-serve.model.max-model-len " + model.maxModelLen()
                    + " exceeds the model's max_position_embeddings " + c.maxPositionEmbeddings());
        }
        if (ctx > kvPositions) {
            LOG.warn("context limited to {} tokens by oss-serve.engine.kv-cache-memory ({})", kvPositions, engineProps.kvCacheMemory());
            ctx = kvPositions;
        }
        maxContext = ctx;
        LOG.info("KV cache: {} blocks of {} positions ({} MiB), backend {}", store.numBlocks(), store.blockSize(),
                store.numBlocks() * store.bytesPerBlock() >> 20, backend.description());
        EngineOptions options = new EngineOptions(engineProps.maxNumSeqs(), engineProps.maxBatchTokens(),
                engineProps.maxQueue(), ctx, store.numBlocks(), store.blockSize(), engineProps.prefixCaching());
        return new ContinuousBatchingEngine(backend, store, options);
    }

    private void warmUp() throws Exception {
        int[] prompt = OpenAiToHarmony.create().renderPrompt(ChatPromptRequest.of(List.of(ChatMessage.user("Hello"))),
                PromptSettings.defaults());
        CompletableFuture<Completion> done = new CompletableFuture<>();
        engine.submit(new GenerateRequest("warmup", prompt, SamplingParams.GREEDY, 2,
                HarmonyRenderer.stopTokensForAssistantActions(), null, "__warmup__", false), new TokenSink() {
            @Override
            public void onToken(SampledToken token) {
            }

            @Override
            public void onFinish(Completion completion) {
                done.complete(completion);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        done.get(10, TimeUnit.MINUTES);
    }

    public State state() {
        return state;
    }

    public String failure() {
        return failure;
    }

    /** True when the model is loaded, warmed up, and the engine made progress recently (or has nothing to do). */
    public boolean ready() {
        if (state != State.READY) {
            return false;
        }
        EngineStats s = engine.stats();
        return s.idle() || System.nanoTime() - s.lastProgressNanos() < engineProps.stallTimeout().toNanos();
    }

    /** The engine once loaded; null while loading or after a failure. */
    public InferenceEngine engine() {
        return state == State.READY ? engine : null;
    }

    public String servedModelName() {
        return servedModelName;
    }

    public String modelSource() {
        return modelSource;
    }

    public int maxContext() {
        return maxContext;
    }

    public Instant loadedAt() {
        return loadedAt;
    }

    public GptOssConfig modelConfig() {
        return checkpoint == null ? null : checkpoint.config();
    }

    @Override
    public void destroy() {
        InferenceEngine e = engine;
        if (e != null && suppliedEngine.getIfAvailable() != e) {
            e.close();
        }
        if (backend != null) {
            backend.close();
        }
        if (checkpoint != null) {
            checkpoint.close();
        }
    }
}
