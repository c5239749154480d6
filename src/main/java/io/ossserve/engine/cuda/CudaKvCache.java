package io.ossserve.engine.cuda;

import io.ossserve.engine.KvCache;
import java.util.Arrays;

/** One sequence's pages in the device KV pool; its slot's row of the block table lists them. */
final class CudaKvCache implements KvCache {
    final CudaBackend owner;
    final int slot;
    private final int capacity;
    private int[] pages = new int[0];
    private int length;
    private boolean closed;

    CudaKvCache(CudaBackend owner, int slot, int capacity) {
        this.owner = owner;
        this.slot = slot;
        this.capacity = capacity;
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

    boolean closed() {
        return closed;
    }

    int[] pages() {
        return pages;
    }

    void setPages(int[] p) {
        pages = p;
    }

    void advance(int n) {
        length += n;
    }

    int[] pagesView() {
        return Arrays.copyOf(pages, pages.length);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            owner.release(this);
        }
    }
}
