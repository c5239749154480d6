package io.ossserve.ops;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.ossserve.config.ModelRuntime;
import io.ossserve.engine.EngineInfo;
import io.ossserve.engine.InferenceEngine;
import io.ossserve.model.GptOssConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** NIM-style operations on the API port: health, metadata, version, Prometheus metrics. */
@RestController
class NimController {
    static final String API_VERSION = "1.0.0";

    private final ModelRuntime runtime;
    private final ObjectProvider<BuildProperties> build;
    private final ObjectProvider<io.micrometer.prometheusmetrics.PrometheusMeterRegistry> prometheus;

    NimController(ModelRuntime runtime, ObjectProvider<BuildProperties> build,
                  ObjectProvider<io.micrometer.prometheusmetrics.PrometheusMeterRegistry> prometheus) {
        this.runtime = runtime;
        this.build = build;
        this.prometheus = prometheus;
    }

    record HealthResponse(String object, String message) {}

    record VersionResponse(String release, String api) {}

    record ModelInfo(@JsonProperty("shortName") String shortName, String source, @JsonProperty("maxModelLen") int maxModelLen,
                     Map<String, Object> config) {}

    record Metadata(String version, @JsonProperty("modelInfo") List<ModelInfo> modelInfo, Map<String, Object> engine,
                    @JsonProperty("licenseInfo") Map<String, String> licenseInfo) {}

    String release() {
        BuildProperties b = build.getIfAvailable();
        if (b != null) {
            return b.getVersion();
        }
        String v = NimController.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0-SNAPSHOT";
    }

    @GetMapping("/v1/health/live")
    HealthResponse live() {
        return new HealthResponse("health.response", "Service is live.");
    }

    @GetMapping("/v1/health/ready")
    ResponseEntity<HealthResponse> ready() {
        if (runtime.ready()) {
            return ResponseEntity.ok(new HealthResponse("health.response", "Service is ready."));
        }
        String why = switch (runtime.state()) {
            case LOADING -> "Model is loading.";
            case FAILED -> "Model failed to load: " + runtime.failure();
            case READY -> "Engine is not making progress.";
        };
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "5")
                .body(new HealthResponse("health.response", why));
    }

    @GetMapping("/v1/version")
    VersionResponse version() {
        return new VersionResponse(release(), API_VERSION);
    }

    @GetMapping("/v1/metadata")
    Metadata metadata() {
        Map<String, Object> config = new LinkedHashMap<>();
        GptOssConfig c = runtime.modelConfig();
        if (c != null) {
            config.put("num_hidden_layers", c.numLayers());
            config.put("num_experts", c.numExperts());
            config.put("hidden_size", c.hiddenSize());
            config.put("vocab_size", c.vocabSize());
            config.put("max_position_embeddings", c.maxPositionEmbeddings());
        }
        Map<String, Object> engine = new LinkedHashMap<>();
        InferenceEngine e = runtime.engine();
        engine.put("state", runtime.state().name());
        if (e != null) {
            EngineInfo i = e.info();
            engine.put("backend", i.backend());
            engine.put("maxNumSeqs", i.maxRunning());
            engine.put("maxBatchTokens", i.maxBatchTokens());
            engine.put("maxQueue", i.maxWaiting());
            engine.put("kvBlocks", i.kvBlocks());
            engine.put("blockSize", i.blockSize());
            engine.put("prefixCaching", i.prefixCaching());
        }
        return new Metadata(release(), List.of(new ModelInfo(runtime.servedModelName(), runtime.modelSource(),
                runtime.maxContext(), config)), engine,
                Map.of("name", "Apache-2.0", "url", "https://www.apache.org/licenses/LICENSE-2.0"));
    }

    @GetMapping(path = "/v1/metrics", produces = "text/plain;version=0.0.4;charset=utf-8")
    ResponseEntity<String> metrics() {
        var registry = prometheus.getIfAvailable();
        if (registry == null) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.TEXT_PLAIN).body("Prometheus registry not configured\n");
        }
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("text/plain;version=0.0.4;charset=utf-8"))
                .body(registry.scrape());
    }
}
