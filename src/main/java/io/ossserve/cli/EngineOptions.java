package io.ossserve.cli;

import io.ossserve.engine.cpu.CpuBackend;
import io.ossserve.engine.cpu.CpuBackends;
import io.ossserve.model.ModelWeights;
import picocli.CommandLine.Option;

/** Engine options shared by generate and bench. */
final class EngineOptions {
    @Option(names = "--threads", description = "CPU worker threads (0 = all processors, default).")
    int threads = 0;

    @Option(names = "--kernels", description = "CPU kernels: ${COMPLETION-CANDIDATES} (default auto: vector when available).")
    CpuBackends.Kernels kernels = CpuBackends.Kernels.AUTO;

    @Option(names = "--backend", description = "Compute backend: cpu (default).")
    String backend = "cpu";

    CpuBackend create(ModelWeights weights) {
        if (!backend.equals("cpu")) {
            throw new IllegalArgumentException("backend '" + backend + "' is not available in this build (use cpu)");
        }
        return CpuBackends.create(weights, kernels, threads);
    }
}
