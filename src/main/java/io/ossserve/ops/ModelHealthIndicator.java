package io.ossserve.ops;

import io.ossserve.config.ModelRuntime;
import io.ossserve.engine.EngineStats;
import io.ossserve.engine.InferenceEngine;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** {@code model} health (in the readiness group): up once loaded and warmed up, down while loading or stalled. */
@Component("model")
class ModelHealthIndicator implements HealthIndicator {
    private final ModelRuntime runtime;

    ModelHealthIndicator(ModelRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public Health health() {
        Health.Builder b = runtime.ready() ? Health.up() : Health.down();
        b.withDetail("model", runtime.servedModelName()).withDetail("state", runtime.state().name());
        if (runtime.failure() != null) {
            b.withDetail("error", runtime.failure());
        }
        InferenceEngine e = runtime.engine();
        if (e != null) {
            EngineStats s = e.stats();
            b.withDetail("running", s.running()).withDetail("waiting", s.waiting()).withDetail("kvUsage", s.kvUsage());
        }
        return b.build();
    }
}
