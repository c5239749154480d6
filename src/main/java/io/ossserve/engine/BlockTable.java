package io.ossserve.engine;

import java.util.Arrays;

/**
 * The KV blocks of one sequence, in position order: position {@code p} lives in block {@code get(p / blockSize)} at
 * slot {@code p % blockSize}. Mutated only by the scheduler between steps; read by the backend during a step.
 */
public final class BlockTable {
    private int[] blocks = new int[8];
    private int size;

    public int size() {
        return size;
    }

    public int get(int index) {
        if (index >= size) {
            throw new IndexOutOfBoundsException("block " + index + " of a table of " + size);
        }
        return blocks[index];
    }

    void add(int block) {
        if (size == blocks.length) {
            blocks = Arrays.copyOf(blocks, size * 2);
        }
        blocks[size++] = block;
    }

    int[] toArray() {
        return Arrays.copyOf(blocks, size);
    }

    void clear() {
        size = 0;
    }
}
