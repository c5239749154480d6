package io.ossserve.engine;

/**
 * Scheduler limits (one immutable record in; only the Spring layer binds properties).
 *
 * @param maxRunning     most sequences in the running batch
 * @param maxBatchTokens token budget of one forward step (decode tokens + prefill chunks)
 * @param maxWaiting     bound of the waiting queue; past it {@code submit} throws {@link EngineOverloadedException}
 * @param maxContext     most tokens (prompt + output) of one sequence
 * @param kvBlocks       KV blocks in the memory budget
 * @param blockSize      positions per block (a power of two)
 * @param prefixCaching  share full blocks between requests with the same salt
 */
public record EngineOptions(int maxRunning, int maxBatchTokens, int maxWaiting, int maxContext, int kvBlocks,
                            int blockSize, boolean prefixCaching) {
    public EngineOptions {
        positive("maxRunning", maxRunning);
        positive("maxBatchTokens", maxBatchTokens);
        positive("maxWaiting", maxWaiting);
        positive("maxContext", maxContext);
        positive("kvBlocks", kvBlocks);
        if (blockSize < 1 || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("blockSize " + blockSize + " must be a power of two");
        }
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " " + value + " must be >= 1");
        }
    }

    /** Blocks that {@code bytes} of KV memory hold, at {@code bytesPerBlock}. */
    public static int blocksFor(long bytes, long bytesPerBlock) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE / 2, bytes / Math.max(1, bytesPerBlock)));
    }
}
