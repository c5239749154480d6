package io.ossserve.engine;

/**
 * What an engine serves.
 *
 * @param backend        e.g. {@code cpu (vector kernels, 2 threads)}
 * @param maxContext     most positions (prompt + output) of one sequence
 * @param maxRunning     most sequences in one batch
 * @param maxBatchTokens token budget of one forward step
 * @param maxWaiting     bound of the waiting queue
 * @param kvBlocks       KV-cache blocks in the memory budget
 * @param blockSize      positions per KV block
 * @param prefixCaching  whether full blocks are shared between requests
 */
public record EngineInfo(String backend, int vocabSize, int maxContext, int maxRunning, int maxBatchTokens,
                         int maxWaiting, int kvBlocks, int blockSize, boolean prefixCaching) {}
