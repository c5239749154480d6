package io.ossserve.cli;

import io.ossserve.engine.StepBackend;
import io.ossserve.engine.cpu.CpuBackends;
import io.ossserve.engine.cpu.ResidentWeights;
import io.ossserve.engine.cuda.CudaBackends;
import io.ossserve.engine.cuda.CudaOptions;
import io.ossserve.model.ModelWeights;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Engine options shared by generate and bench. */
final class EngineOptions {
    @Option(names = "--threads", description = "CPU worker threads (0 = all processors, default).")
    int threads = 0;

    @Option(names = "--kernels", description = "CPU kernels: ${COMPLETION-CANDIDATES} (default auto: vector when available).")
    CpuBackends.Kernels kernels = CpuBackends.Kernels.AUTO;

    @Option(names = "--weights", description = "CPU weights: auto (default: a copy with huge pages where Linux grants them "
            + "and memory allows), mapped (read from the checkpoint's file mapping), copied.")
    String weights = "auto";

    @Option(names = "--backend", description = "cpu (default), cuda, or auto (cuda when a device and kernels for it exist).")
    String backend = "cpu";

    /** The backend asked for; {@code auto} explains on standard error why it did not pick CUDA. */
    StepBackend create(ModelWeights weights) {
        return switch (backend) {
            case "cpu" -> CpuBackends.create(weights, kernels, threads, placement());
            case "cuda" -> CudaBackends.create(weights, CudaOptions.DEFAULTS);
            case "auto" -> {
                Optional<String> why = CudaBackends.unavailableReason(0);
                if (why.isEmpty()) {
                    yield CudaBackends.create(weights, CudaOptions.DEFAULTS);
                }
                System.err.println("backend auto: using the CPU (" + why.get() + ")");
                yield CpuBackends.create(weights, kernels, threads, placement());
            }
            default -> throw new IllegalArgumentException("--backend must be cpu, cuda or auto, not '" + backend + "'");
        };
    }

    private ResidentWeights.Placement placement() {
        return switch (weights) {
            case "auto" -> ResidentWeights.Placement.AUTO;
            case "mapped" -> ResidentWeights.Placement.MAPPED;
            case "copied" -> ResidentWeights.Placement.COPIED;
            default -> throw new IllegalArgumentException("--weights must be auto, mapped or copied, not '" + weights + "'");
        };
    }
}
