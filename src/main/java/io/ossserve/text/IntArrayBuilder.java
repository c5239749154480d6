package io.ossserve.text;

import java.util.Arrays;

/** A growable int array (token ids) without boxing. */
public final class IntArrayBuilder {
    private int[] values;
    private int size;

    public IntArrayBuilder() {
        this(16);
    }

    public IntArrayBuilder(int initialCapacity) {
        values = new int[Math.max(4, initialCapacity)];
    }

    public void add(int value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = value;
    }

    public void addAll(int[] more) {
        if (size + more.length > values.length) {
            values = Arrays.copyOf(values, Math.max(size + more.length, size * 2));
        }
        System.arraycopy(more, 0, values, size, more.length);
        size += more.length;
    }

    public void clear() {
        size = 0;
    }

    public int size() {
        return size;
    }

    public int get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " outside [0, " + size + ")");
        }
        return values[index];
    }

    public int[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
