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

    @Option(names = "--weights", description = "CPU weights: mapped (read from the checkpoint's file mapping), copied (into "
            + "anonymous memory with huge pages: faster steps, a slower start), auto (copied where Linux grants huge pages and "
            + "memory allows). Default: mapped for generate, auto for bench.")
    String placementName;

    @Option(names = "--backend", description = "cpu (default), cuda, or auto (cuda when a device and kernels for it exist).")
    String backend = "cpu";

    /**
     * The backend asked for; {@code auto} explains on standard error why it did not pick CUDA. {@code unsetWeights}: the
     * CPU weights' placement when {@code --weights} is not given.
     */
    StepBackend create(ModelWeights weights, ResidentWeights.Placement unsetWeights) {
        ResidentWeights.Placement placement = placement(unsetWeights);       // checked whatever the backend
        return switch (backend) {
            case "cpu" -> CpuBackends.create(weights, kernels, threads, placement);
            case "cuda" -> CudaBackends.create(weights, CudaOptions.DEFAULTS);
            case "auto" -> {
                Optional<String> why = CudaBackends.unavailableReason(0);
                if (why.isEmpty()) {
                    yield CudaBackends.create(weights, CudaOptions.DEFAULTS);
                }
                System.err.println("backend auto: using the CPU (" + why.get() + ")");
                yield CpuBackends.create(weights, kernels, threads, placement);
            }
            default -> throw new IllegalArgumentException("--backend must be cpu, cuda or auto, not '" + backend + "'");
        };
    }

    private ResidentWeights.Placement placement(ResidentWeights.Placement unsetWeights) {
        if (placementName == null) {
            return unsetWeights;
        }
        return switch (placementName) {
            case "auto" -> ResidentWeights.Placement.AUTO;
            case "mapped" -> ResidentWeights.Placement.MAPPED;
            case "copied" -> ResidentWeights.Placement.COPIED;
            default -> throw new IllegalArgumentException("--weights must be auto, mapped or copied, not '" + placementName + "'");
        };
    }
}
