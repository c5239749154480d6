package io.ossserve.engine.cpu;

import io.ossserve.engine.BlockTable;
import io.ossserve.engine.KvCache;
import java.util.Arrays;

/**
 * Post-RoPE keys and values of one sequence, float32, per layer. Two layouts:
 * <ul>
 * <li>contiguous: the sequence's own arrays {@code [positions, kvHeads·headDim]}, grown by doubling up to the
 *     capacity ({@link io.ossserve.engine.StepBackend#newCache});</li>
 * <li>paged: a view of a shared {@link CpuPagedKvStore} pool {@code [blocks, blockSize, kvHeads·headDim]}; position
 *     {@code p} lives at slot {@code p % blockSize} of block {@code table.get(p / blockSize)}.</li>
 * </ul>
 * {@link #offset(int)} maps a position to its first float in {@code keys[layer]} / {@code values[layer]}.
 */
final class CpuKvCache implements KvCache {
    private final int capacity;
    private final int width;
    final float[][] keys;
    final float[][] values;
    private final BlockTable table;
    private final int blockShift;
    private final int blockMask;
    private int length;
    private boolean closed;

    CpuKvCache(int layers, int width, int capacity) {
        this.capacity = capacity;
        this.width = width;
        this.table = null;
        this.blockShift = 0;
        this.blockMask = 0;
        keys = new float[layers][];
        values = new float[layers][];
        int initial = Math.min(capacity, 64);
        for (int l = 0; l < layers; l++) {
            keys[l] = new float[initial * width];
            values[l] = new float[initial * width];
        }
    }

    /** A paged view over shared pool arrays (not copied) whose first {@code length} positions are filled. */
    CpuKvCache(float[][] poolKeys, float[][] poolValues, int width, int blockSize, BlockTable table, int length, int capacity) {
        this.capacity = capacity;
        this.width = width;
        this.table = table;
        this.blockShift = Integer.numberOfTrailingZeros(blockSize);
        this.blockMask = blockSize - 1;
        this.keys = poolKeys;
        this.values = poolValues;
        this.length = length;
    }

    /** First float of position {@code pos} in the per-layer arrays. */
    int offset(int pos) {
        if (table == null) {
            return pos * width;
        }
        return ((table.get(pos >>> blockShift) << blockShift) | (pos & blockMask)) * width;
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
        if (positions * width <= keys[0].length) {
            return;
        }
        int grown = Math.min(capacity, Math.max(positions, keys[0].length / width * 2));
        for (int l = 0; l < keys.length; l++) {
            keys[l] = Arrays.copyOf(keys[l], grown * width);
            values[l] = Arrays.copyOf(values[l], grown * width);
        }
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
