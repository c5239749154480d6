package io.ossserve.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * {@code oss-serve.engine.*}: backend and scheduler.
 *
 * @param backend        {@code cpu}: the server's scheduler runs the CPU backend; the CUDA backend (engine.cuda) is
 *                       reachable from the command line ({@code generate/bench --backend cuda|auto}) until its
 *                       paged KV store is wired into the scheduler
 * @param cpuKernels     {@code auto}, {@code vector} or {@code scalar}
 * @param cpuWeights     {@code auto}, {@code mapped} or {@code copied}: where the CPU backend reads the weights
 *                       ({@link io.ossserve.engine.cpu.ResidentWeights})
 * @param threads        CPU backend workers; 0 = all processors
 * @param maxNumSeqs     most sequences in the running batch
 * @param maxBatchTokens token budget of one forward step (decode tokens + prefill chunks)
 * @param maxQueue       waiting requests before new ones get 503 + Retry-After
 * @param kvCacheMemory  KV-cache memory budget (paged blocks)
 * @param blockSize      positions per KV block (power of two)
 * @param prefixCaching  share full KV blocks between requests of the same tenant
 * @param warmup         run a short generation before reporting ready
 * @param stallTimeout   readiness turns down when work is pending and no step completed for this long
 */
@Validated
@ConfigurationProperties("oss-serve.engine")
public record EngineProperties(
        @DefaultValue("cpu") @Pattern(regexp = "cpu", message = "must be cpu: the server runs the CPU backend in this build (the CUDA backend is available to the command line only)") String backend,
        @DefaultValue("auto") @Pattern(regexp = "auto|vector|scalar", message = "must be auto, vector or scalar") String cpuKernels,
        @DefaultValue("auto") @Pattern(regexp = "auto|mapped|copied", message = "must be auto, mapped or copied") String cpuWeights,
        @DefaultValue("0") @Min(0) @Max(1024) int threads,
        @DefaultValue("64") @Min(1) @Max(4096) int maxNumSeqs,
        @DefaultValue("512") @Min(1) @Max(1_048_576) int maxBatchTokens,
        @DefaultValue("256") @Min(1) @Max(1_000_000) int maxQueue,
        @DefaultValue("256MB") @NotNull DataSize kvCacheMemory,
        @DefaultValue("16") @Min(1) @Max(1024) int blockSize,
        @DefaultValue("true") boolean prefixCaching,
        @DefaultValue("true") boolean warmup,
        @DefaultValue("60s") @NotNull Duration stallTimeout) {

    public EngineProperties {
        if (Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("oss-serve.engine.block-size " + blockSize + " must be a power of two");
        }
    }
}
