package io.ossserve.text;

import java.util.Arrays;

/**
 * Byte-pair merging of one pre-token piece: start from single bytes and repeatedly merge the adjacent pair
 * whose concatenation has the lowest rank (leftmost on equal rank) until no adjacent pair is a vocabulary
 * entry. Short pieces use a quadratic scan (fastest for typical words); long pieces (whitespace runs, long
 * digit-free symbol runs) use a heap so that the cost stays O(n log n). Not thread-safe: one per encoder call.
 */
final class BytePairMerger {
    private static final int NO_RANK = Integer.MAX_VALUE;
    private static final int HEAP_THRESHOLD_BYTES = 96;

    private final BpeRanks ranks;
    // Scratch for the quadratic path: [pieceLength + 1] part starts and [pieceLength + 1] pair ranks.
    private int[] partStarts = new int[64];
    private int[] pairRanks = new int[64];
    // Scratch for the heap path.
    private int[] nextStart = new int[0];
    private int[] prevStart = new int[0];
    private int[] heapPairRank = new int[0];
    private long[] heap = new long[0];

    BytePairMerger(BpeRanks ranks) {
        this.ranks = ranks;
    }

    /** Appends the ranks of {@code bytes[0, length)} (a piece not itself in the vocabulary) to {@code out}. */
    void merge(byte[] bytes, int length, IntArrayBuilder out) {
        if (length == 1) {
            out.add(rankOrFail(bytes, 0, 1));
        } else if (length <= HEAP_THRESHOLD_BYTES) {
            mergeQuadratic(bytes, length, out);
        } else {
            mergeWithHeap(bytes, length, out);
        }
    }

    private void mergeQuadratic(byte[] bytes, int length, IntArrayBuilder out) {
        if (partStarts.length < length + 1) {
            partStarts = new int[Math.max(length + 1, partStarts.length * 2)];
            pairRanks = new int[partStarts.length];
        }
        int[] starts = partStarts;
        int[] pairs = pairRanks;
        int parts = length; // number of parts; starts[parts] == length
        for (int i = 0; i <= length; i++) {
            starts[i] = i;
        }
        for (int i = 0; i < parts - 1; i++) {
            pairs[i] = rankOrNone(bytes, i, i + 2);
        }
        pairs[parts - 1] = NO_RANK;
        while (parts > 1) {
            int best = NO_RANK;
            int bestIndex = -1;
            for (int i = 0; i < parts - 1; i++) {
                if (pairs[i] < best) {
                    best = pairs[i];
                    bestIndex = i;
                }
            }
            if (bestIndex < 0) {
                break;
            }
            // merge part bestIndex with part bestIndex+1: drop start bestIndex+1
            System.arraycopy(starts, bestIndex + 2, starts, bestIndex + 1, parts - bestIndex - 1);
            System.arraycopy(pairs, bestIndex + 2, pairs, bestIndex + 1, parts - bestIndex - 2);
            parts--;
            pairs[parts - 1] = NO_RANK;
            if (bestIndex + 1 < parts) {
                pairs[bestIndex] = rankOrNone(bytes, starts[bestIndex], starts[bestIndex + 2]);
            } else {
                pairs[bestIndex] = NO_RANK;
            }
            if (bestIndex > 0) {
                pairs[bestIndex - 1] = rankOrNone(bytes, starts[bestIndex - 1], starts[bestIndex + 1]);
            }
        }
        for (int i = 0; i < parts; i++) {
            out.add(rankOrFail(bytes, starts[i], starts[i + 1]));
        }
    }

    private void mergeWithHeap(byte[] bytes, int length, IntArrayBuilder out) {
        // Parts are identified by their start byte; next/prev link live parts; heapPairRank[s] is the rank of
        // the pair (part s, its successor) or NO_RANK. Heap entries (rank << 32 | start) are lazily invalidated.
        if (nextStart.length < length + 1) {
            nextStart = new int[length + 1];
            prevStart = new int[length + 1];
            heapPairRank = new int[length + 1];
            heap = new long[length + 1];
        }
        int heapSize = 0;
        for (int s = 0; s < length; s++) {
            nextStart[s] = s + 1;
            prevStart[s] = s - 1;
        }
        nextStart[length] = length;
        for (int s = 0; s < length - 1; s++) {
            int rank = rankOrNone(bytes, s, s + 2);
            heapPairRank[s] = rank;
            if (rank != NO_RANK) {
                heapSize = heapPush(heapSize, ((long) rank << 32) | s);
            }
        }
        heapPairRank[length - 1] = NO_RANK;
        while (heapSize > 0) {
            long top = heap[0];
            heapSize = heapPop(heapSize);
            int rank = (int) (top >>> 32);
            int s = (int) top;
            if (heapPairRank[s] != rank) {
                continue; // stale: the part was merged away or its pair changed
            }
            int removed = nextStart[s];
            int after = nextStart[removed];
            nextStart[s] = after;
            if (after < length) {
                prevStart[after] = s;
            }
            heapPairRank[removed] = NO_RANK - 1; // never equals a live rank again
            int newRank = after < length ? rankOrNone(bytes, s, nextStart[after]) : NO_RANK;
            heapPairRank[s] = newRank;
            if (newRank != NO_RANK) {
                heapSize = heapPush(heapSize, ((long) newRank << 32) | s);
            }
            int p = prevStart[s];
            if (p >= 0) {
                int prevRank = rankOrNone(bytes, p, after);
                heapPairRank[p] = prevRank;
                if (prevRank != NO_RANK) {
                    heapSize = heapPush(heapSize, ((long) prevRank << 32) | p);
                }
            }
        }
        for (int s = 0; s < length; s = nextStart[s]) {
            out.add(rankOrFail(bytes, s, nextStart[s]));
        }
    }

    private int heapPush(int size, long value) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2 + 1);
        }
        int i = size;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= value) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = value;
        return size + 1;
    }

    private int heapPop(int size) {
        int last = size - 1;
        long value = heap[last];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= last) {
                break;
            }
            if (child + 1 < last && heap[child + 1] < heap[child]) {
                child++;
            }
            if (heap[child] >= value) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = value;
        return last;
    }

    private int rankOrNone(byte[] bytes, int from, int to) {
        int rank = ranks.rankOf(bytes, from, to);
        return rank < 0 ? NO_RANK : rank;
    }

    private int rankOrFail(byte[] bytes, int from, int to) {
        int rank = ranks.rankOf(bytes, from, to);
        if (rank < 0) {
            throw new IllegalStateException("BPE produced a part outside the vocabulary (bytes " + from + ".." + to + ")");
        }
        return rank;
    }
}
