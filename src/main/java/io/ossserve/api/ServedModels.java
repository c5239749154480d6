package io.ossserve.api;

import io.ossserve.config.ModelRuntime;
import org.springframework.stereotype.Component;

/** The model ids this server answers to, and the system fingerprint of its responses. */
@Component
class ServedModels {
    private final ModelRuntime runtime;

    ServedModels(ModelRuntime runtime) {
        this.runtime = runtime;
    }

    String id() {
        return runtime.servedModelName();
    }

    /** The served id; a request naming another model gets 404 {@code model_not_found}. */
    String check(String requested) {
        if (!requested.equals(runtime.servedModelName())) {
            throw OpenAiException.modelNotFound(requested);
        }
        return requested;
    }

    String fingerprint() {
        return "fp_ossserve_" + Integer.toHexString((runtime.servedModelName() + runtime.modelSource()).hashCode() & 0xFFFFFF);
    }

    int maxContext() {
        return runtime.maxContext();
    }

    long created() {
        return runtime.loadedAt().getEpochSecond();
    }
}
