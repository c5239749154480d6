package io.ossserve.engine.cuda;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Host-side bookkeeping of the paged KV pool (no JCuda): pages of {@code pageSize} positions holding K and
 * V of every layer, and sequence slots, each a row of the device block table. Page 0 and slot 0 are
 * reserved as the scratch target of padded rows in graph-captured batches.
 * Pool layout: {@code [page][layer][2 (K, V)][pageSize][kvHeads·headDim]} float32.
 */
final class KvPages {
    final int pageSize;
    final int pages;
    final int slots;
    final int maxPagesPerSeq;
    private final Deque<Integer> freePages = new ArrayDeque<>();
    private final Deque<Integer> freeSlots = new ArrayDeque<>();

    KvPages(int pageSize, int pages, int slots, int maxPositions) {
        if (pages < 2) {
            throw new IllegalArgumentException("the KV cache budget holds " + pages + " pages; at least 2 are needed");
        }
        this.pageSize = pageSize;
        this.pages = pages;
        this.slots = slots;
        this.maxPagesPerSeq = pagesFor(maxPositions, pageSize);
        for (int p = 1; p < pages; p++) {
            freePages.add(p);
        }
        for (int s = 1; s < slots; s++) {
            freeSlots.add(s);
        }
    }

    static int pagesFor(int positions, int pageSize) {
        return (positions + pageSize - 1) / pageSize;
    }

    static long pageBytes(int layers, int kvWidth, int pageSize) {
        return 4L * layers * 2 * pageSize * kvWidth;
    }

    int takeSlot() {
        Integer s = freeSlots.poll();
        if (s == null) {
            throw new IllegalStateException("all " + (slots - 1) + " CUDA KV cache slots are in use");
        }
        return s;
    }

    void returnSlot(int s) {
        freeSlots.add(s);
    }

    int takePage() {
        Integer p = freePages.poll();
        if (p == null) {
            throw new IllegalStateException("the CUDA KV cache is full (" + (pages - 1) + " pages of " + pageSize
                    + " positions); raise the KV cache budget or close sequences");
        }
        return p;
    }

    void returnPage(int p) {
        freePages.add(p);
    }

    int freePageCount() {
        return freePages.size();
    }
}
