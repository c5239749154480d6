package io.ossserve.engine.cpu;

import io.ossserve.engine.BlockTable;
import io.ossserve.engine.KvBlockStore;
import io.ossserve.engine.KvCache;
import io.ossserve.model.GptOssConfig;

/**
 * The CPU backend's paged KV pool: per layer one float32 array {@code [numBlocks, kvHeads, blockSize, headDim]} for
 * keys and one for values, allocated once (the memory budget). Sequences are views ({@link CpuKvCache}) over it.
 */
public final class CpuPagedKvStore implements KvBlockStore {
    private final int numBlocks;
    private final int blockSize;
    private final int width;
    private final int headDim;
    private final float[][] keys;
    private final float[][] values;

    private CpuPagedKvStore(GptOssConfig c, int numBlocks, int blockSize) {
        if (blockSize < 1 || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("KV block size " + blockSize + " must be a power of two");
        }
        long floats = (long) numBlocks * blockSize * c.kvWidth();
        if (numBlocks < 1 || floats > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(numBlocks + " KV blocks of " + blockSize + " positions do not fit one array per layer");
        }
        this.numBlocks = numBlocks;
        this.blockSize = blockSize;
        this.width = c.kvWidth();
        this.headDim = c.headDim();
        keys = new float[c.numLayers()][];
        values = new float[c.numLayers()][];
        for (int l = 0; l < c.numLayers(); l++) {
            keys[l] = new float[(int) floats];
            values[l] = new float[(int) floats];
        }
    }

    /** Bytes one block takes for a model: keys and values of every layer, float32. */
    public static long bytesPerBlock(GptOssConfig c, int blockSize) {
        return 2L * c.numLayers() * blockSize * c.kvWidth() * Float.BYTES;
    }

    /** A pool of as many blocks as {@code budgetBytes} holds (at least one). */
    public static CpuPagedKvStore create(GptOssConfig c, long budgetBytes, int blockSize) {
        long perBlock = bytesPerBlock(c, blockSize);
        long maxBlocks = (Integer.MAX_VALUE - 8L) / ((long) blockSize * c.kvWidth());
        int blocks = (int) Math.max(1, Math.min(maxBlocks, budgetBytes / perBlock));
        return new CpuPagedKvStore(c, blocks, blockSize);
    }

    public static CpuPagedKvStore withBlocks(GptOssConfig c, int numBlocks, int blockSize) {
        return new CpuPagedKvStore(c, numBlocks, blockSize);
    }

    @Override
    public int numBlocks() {
        return numBlocks;
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public long bytesPerBlock() {
        return 2L * keys.length * blockSize * width * Float.BYTES;
    }

    @Override
    public KvCache sequence(BlockTable table, int length, int capacity) {
        return new CpuKvCache(keys, values, width, headDim, blockSize, table, length, capacity);
    }

    @Override
    public void close() {
        // heap arrays: nothing to release explicitly
    }
}
