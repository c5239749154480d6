package io.ossserve.engine.cuda;

/**
 * Settings of the CUDA backend.
 *
 * @param device          CUDA device ordinal
 * @param kvCacheBytes    device memory for the paged KV cache; 0 = half of the memory free after the weights
 * @param pageSize        positions per KV page
 * @param maxSequences    sequences (KV caches) open at once
 * @param maxStepTokens   tokens per forward pass (longer steps are split into passes)
 * @param maxLogitRows    logits rows produced per lm_head pass
 * @param maxGraphBatch   largest decode batch run as a CUDA graph (buckets 1, 2, 4, ... up to this)
 * @param graphs          capture decode steps as CUDA graphs (false: launch kernels one by one)
 */
public record CudaOptions(int device, long kvCacheBytes, int pageSize, int maxSequences, int maxStepTokens,
        int maxLogitRows, int maxGraphBatch, boolean graphs) {

    public static final CudaOptions DEFAULTS = new CudaOptions(0, 0, 16, 256, 2048, 64, 64, true);

    public CudaOptions {
        if (device < 0) {
            throw new IllegalArgumentException("CUDA device " + device + " must be >= 0");
        }
        if (kvCacheBytes < 0) {
            throw new IllegalArgumentException("KV cache budget " + kvCacheBytes + " must be >= 0 (0 = automatic)");
        }
        if (pageSize < 1 || pageSize > 1024) {
            throw new IllegalArgumentException("KV page size " + pageSize + " must be in [1, 1024]");
        }
        if (maxSequences < 1 || maxStepTokens < 1 || maxLogitRows < 1 || maxGraphBatch < 1) {
            throw new IllegalArgumentException("maxSequences, maxStepTokens, maxLogitRows and maxGraphBatch must be >= 1");
        }
        if (maxGraphBatch > Math.min(maxStepTokens, maxLogitRows)) {
            throw new IllegalArgumentException("maxGraphBatch " + maxGraphBatch + " must not exceed maxStepTokens and maxLogitRows");
        }
    }

    public CudaOptions withKvCacheBytes(long bytes) {
        return new CudaOptions(device, bytes, pageSize, maxSequences, maxStepTokens, maxLogitRows, maxGraphBatch, graphs);
    }

    public CudaOptions withGraphs(boolean on) {
        return new CudaOptions(device, kvCacheBytes, pageSize, maxSequences, maxStepTokens, maxLogitRows, maxGraphBatch, on);
    }
}
