package io.ossserve.engine.cpu;

import io.ossserve.engine.KvCache;
import java.util.Arrays;

/**
 * Post-RoPE keys and values of one sequence, float32, per layer {@code [positions, kvHeads·headDim]}.
 * Storage grows by doubling up to the capacity.
 */
final class CpuKvCache implements KvCache {
    private final int capacity;
    private final int width;
    final float[][] keys;
    final float[][] values;
    private int length;
    private boolean closed;

    CpuKvCache(int layers, int width, int capacity) {
        this.capacity = capacity;
        this.width = width;
        keys = new float[layers][];
        values = new float[layers][];
        int initial = Math.min(capacity, 64);
        for (int l = 0; l < layers; l++) {
            keys[l] = new float[initial * width];
            values[l] = new float[initial * width];
        }
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
        for (int l = 0; l < keys.length; l++) {
            keys[l] = new float[0];
            values[l] = new float[0];
        }
    }
}
