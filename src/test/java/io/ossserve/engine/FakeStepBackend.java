package io.ossserve.engine;

import io.ossserve.model.GptOssConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A deterministic backend for scheduler tests: its "KV cache" stores token ids (paged through the block table, or
 * contiguous), and the next token is a hash of every token the cache holds, so a wrong block, a lost token or a
 * mixed-up sequence changes the output. Records each step's shape.
 */
final class FakeStepBackend implements StepBackend, KvBlockStore {
    static final int VOCAB = 512;
    static final GptOssConfig CONFIG = new GptOssConfig(1, 1, 1, VOCAB, 32, 32, 7.0, 1.702, 8, 1, 1, 4, 4096,
            150000.0, 32.0, 1.0, 32.0, 1e-5, 4096, null);

    private final int numBlocks;
    private final int blockSize;
    private final int[] pool;
    final List<int[]> stepShapes = Collections.synchronizedList(new ArrayList<>());   // {chunks, tokens}
    volatile long stepDelayMillis;
    volatile CountDownLatch gate;

    FakeStepBackend(int numBlocks, int blockSize) {
        this.numBlocks = numBlocks;
        this.blockSize = blockSize;
        this.pool = new int[numBlocks * blockSize];
    }

    /** The reference: next token after {@code tokens[0, n)}. */
    static int next(int[] tokens, int n) {
        long h = 17;
        for (int i = 0; i < n; i++) {
            h = h * 31 + tokens[i] * (i + 7L);
        }
        return (int) Math.floorMod(h ^ (h >>> 17), (long) VOCAB - 2) + 2;
    }

    /** The reference greedy output. */
    static int[] expected(int[] prompt, int maxTokens) {
        int[] all = java.util.Arrays.copyOf(prompt, prompt.length + maxTokens);
        for (int i = 0; i < maxTokens; i++) {
            all[prompt.length + i] = next(all, prompt.length + i);
        }
        return java.util.Arrays.copyOfRange(all, prompt.length, all.length);
    }

    final class Cache implements KvCache {
        final BlockTable table;
        final int[] own;
        final int capacity;
        int length;

        Cache(BlockTable table, int length, int capacity) {
            this.table = table;
            this.own = table == null ? new int[capacity] : null;
            this.length = length;
            this.capacity = capacity;
        }

        int get(int pos) {
            return table == null ? own[pos] : pool[table.get(pos / blockSize) * blockSize + pos % blockSize];
        }

        void set(int pos, int tok) {
            if (table == null) {
                own[pos] = tok;
            } else {
                pool[table.get(pos / blockSize) * blockSize + pos % blockSize] = tok;
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
        public void truncate(int l) {
            length = l;
        }

        @Override
        public void close() {
        }
    }

    @Override
    public GptOssConfig config() {
        return CONFIG;
    }

    @Override
    public String description() {
        return "fake";
    }

    @Override
    public KvCache newCache(int capacity) {
        return new Cache(null, 0, capacity);
    }

    @Override
    public void step(List<StepChunk> chunks, LogitsSink sink) {
        CountDownLatch g = gate;
        if (g != null) {
            try {
                g.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (stepDelayMillis > 0) {
            try {
                Thread.sleep(stepDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int tokens = 0;
        float[] logits = new float[VOCAB];
        for (int ci = 0; ci < chunks.size(); ci++) {
            StepChunk ch = chunks.get(ci);
            Cache c = (Cache) ch.cache();
            for (int t : ch.tokens()) {
                c.set(c.length++, t);
            }
            tokens += ch.tokens().length;
            if (ch.logits() != StepChunk.Logits.NONE) {
                int[] seq = new int[c.length];
                for (int p = 0; p < c.length; p++) {
                    seq[p] = c.get(p);
                }
                java.util.Arrays.fill(logits, 0f);
                logits[next(seq, seq.length)] = 10f;
                sink.accept(ci, ch.tokens().length - 1, logits);
            }
        }
        stepShapes.add(new int[] {chunks.size(), tokens});
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
        return blockSize * 4L;
    }

    @Override
    public KvCache sequence(BlockTable table, int length, int capacity) {
        return new Cache(table, length, capacity);
    }

    @Override
    public void close() {
    }
}
