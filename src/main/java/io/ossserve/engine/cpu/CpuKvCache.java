package io.ossserve.engine.cpu;

import io.ossserve.engine.BlockTable;
import io.ossserve.engine.KvCache;

/**
 * Post-RoPE keys and values of one sequence, float32, per layer, each KV head's positions side by side (a head's keys
 * are read as one stream by the attention: one cache flushed, a unit of 192 keys took 41 µs with the heads interleaved
 * per position, 27 with them apart; docs/benchmarks.md, ninth session). Two layouts:
 * <ul>
 * <li>contiguous: the sequence's own arrays {@code [kvHeads, allocated positions, headDim]}, grown by doubling up to
 *     the capacity ({@link io.ossserve.engine.StepBackend#newCache});</li>
 * <li>paged: a view of a shared {@link CpuPagedKvStore} pool {@code [blocks, kvHeads, blockSize, headDim]}; position
 *     {@code p} lives at slot {@code p % blockSize} of block {@code table.get(p / blockSize)}.</li>
 * </ul>
 * {@link #offset(int, int)} maps a position and a KV head to its first float in {@code keys[layer]} /
 * {@code values[layer]}.
 */
final class CpuKvCache implements KvCache {
    private final int capacity;
    private final int width;
    private final int headDim;
    private final int heads;
    /** Contiguous layout: the positions allocated per head. */
    private int stride;
    final float[][] keys;
    final float[][] values;
    private final BlockTable table;
    private final int blockShift;
    private final int blockMask;
    private int length;
    private boolean closed;

    CpuKvCache(int layers, int width, int headDim, int capacity) {
        this.capacity = capacity;
        this.width = width;
        this.headDim = headDim;
        this.heads = width / headDim;
        this.table = null;
        this.blockShift = 0;
        this.blockMask = 0;
        keys = new float[layers][];
        values = new float[layers][];
        int initial = Math.min(capacity, 64);
        stride = initial;
        for (int l = 0; l < layers; l++) {
            keys[l] = new float[initial * width];
            values[l] = new float[initial * width];
        }
    }

    /** A paged view over shared pool arrays (not copied) whose first {@code length} positions are filled. */
    CpuKvCache(float[][] poolKeys, float[][] poolValues, int width, int headDim, int blockSize, BlockTable table, int length,
            int capacity) {
        this.capacity = capacity;
        this.width = width;
        this.headDim = headDim;
        this.heads = width / headDim;
        this.table = table;
        this.blockShift = Integer.numberOfTrailingZeros(blockSize);
        this.blockMask = blockSize - 1;
        this.keys = poolKeys;
        this.values = poolValues;
        this.length = length;
    }

    /** First float of KV head {@code head} at position {@code pos} in the per-layer arrays ({@code headDim} floats). */
    int offset(int pos, int head) {
        if (table == null) {
            return (head * stride + pos) * headDim;
        }
        return (((table.get(pos >>> blockShift) * heads + head) << blockShift) + (pos & blockMask)) * headDim;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("cannot truncate a cache of " + length + " positions to " + newLength);
        }
        length = newLength;
    }

    /** Makes room for {@code positions} positions in every layer. */
    void ensure(int positions) {
        if (closed) {
            throw new IllegalStateException("KV cache is closed");
        }
        if (positions > capacity) {
            throw new IllegalStateException("sequence of " + positions + " positions exceeds the KV cache capacity " + capacity);
        }
        if (table != null) {
            if ((long) table.size() << blockShift < positions) {
                throw new IllegalStateException("sequence of " + positions + " positions holds only " + table.size()
                        + " KV blocks of " + (blockMask + 1));
            }
            return;
        }
        if (positions <= stride) {
            return;
        }
        int grown = Math.min(capacity, Math.max(positions, stride * 2));
        for (int l = 0; l < keys.length; l++) {
            keys[l] = regrown(keys[l], grown);
            values[l] = regrown(values[l], grown);
        }
        stride = grown;
    }

    /** {@code a} with each head's positions moved to a stride of {@code grown}. */
    private float[] regrown(float[] a, int grown) {
        float[] b = new float[grown * width];
        for (int h = 0; h < heads; h++) {
            System.arraycopy(a, h * stride * headDim, b, h * grown * headDim, stride * headDim);
        }
        return b;
    }

    void advance(int n) {
        length += n;
    }

    @Override
    public void close() {
        closed = true;
        if (table == null) {
            for (int l = 0; l < keys.length; l++) {
                keys[l] = new float[0];
                values[l] = new float[0];
            }
        }
    }
}
