package io.ossserve.engine.cpu;

import io.ossserve.engine.KvCache;
import io.ossserve.engine.LogitsSink;
import io.ossserve.engine.StepBackend;
import io.ossserve.engine.StepChunk;
import io.ossserve.model.GptOssConfig;
import io.ossserve.model.LayerWeights;
import io.ossserve.model.Matrix;
import io.ossserve.model.ModelWeights;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gpt-oss forward pass on the CPU (gpt-oss-spec.md §2), activations in float32. One step runs all
 * tokens of all chunks through each layer together (batched matrix products); attention is per sequence
 * against its own cache; logits are computed only for the rows that need them.
 */
public final class CpuBackend implements StepBackend {

    private final ModelWeights w;
    private final GptOssConfig c;
    private final CpuKernels kernels;
    private final Parallel parallel;
    private final Rope rope;
    private final CpuMoe moe;
    private final boolean ownsParallel;
    private final ResidentWeights placed;       // closed with the backend when it owns it, else null

    /** Uses {@code kernels} for the heavy work and {@code parallel} for attention and experts. */
    public CpuBackend(ModelWeights weights, CpuKernels kernels, Parallel parallel, boolean ownsParallel) {
        this(weights, null, kernels, parallel, ownsParallel);
    }

    /** As above, reading the weights of {@code placed} and closing it (unmapping a copy) with the backend. */
    CpuBackend(ResidentWeights placed, CpuKernels kernels, Parallel parallel, boolean ownsParallel) {
        this(placed.weights(), placed, kernels, parallel, ownsParallel);
    }

    private CpuBackend(ModelWeights weights, ResidentWeights placed, CpuKernels kernels, Parallel parallel, boolean ownsParallel) {
        this.placed = placed;
        this.w = weights;
        this.c = weights.config();
        this.kernels = kernels;
        this.parallel = parallel;
        this.ownsParallel = ownsParallel;
        this.rope = new Rope(c);
        this.moe = new CpuMoe(c, kernels, parallel);
    }

    @Override
    public GptOssConfig config() {
        return c;
    }

    @Override
    public String description() {
        return "cpu (" + kernels.name() + " kernels, " + parallel.threads() + " threads"
                + (placed == null ? "" : ", " + placed.description()) + ")";
    }

    @Override
    public KvCache newCache(int capacity) {
        if (capacity < 1 || capacity > c.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("KV cache capacity " + capacity + " must be in [1, " + c.maxPositionEmbeddings() + "]");
        }
        return new CpuKvCache(c.numLayers(), c.kvWidth(), c.headDim(), capacity);
    }

    @Override
    public void step(List<StepChunk> chunks, LogitsSink sink) {
        stepStart = profiling ? System.nanoTime() : 0;
        int h = c.hiddenSize(), qw = c.qWidth(), kvw = c.kvWidth(), hd = c.headDim();
        // ---- row bookkeeping: row i belongs to chunk chunkOf[i] at absolute position pos[i]
        int rows = 0;
        Map<KvCache, Boolean> seen = new IdentityHashMap<>();
        for (StepChunk ch : chunks) {
            if (!(ch.cache() instanceof CpuKvCache)) {
                throw new IllegalArgumentException("KV cache does not belong to the CPU backend");
            }
            if (seen.put(ch.cache(), Boolean.TRUE) != null) {
                throw new IllegalArgumentException("a KV cache appears twice in one step");
            }
            rows += ch.tokens().length;
        }
        int[] chunkOf = new int[rows];
        int[] pos = new int[rows];
        float[] x = new float[rows * h];                         // [rows, H] residual stream
        int r = 0;
        for (int ci = 0; ci < chunks.size(); ci++) {
            StepChunk ch = chunks.get(ci);
            CpuKvCache cache = (CpuKvCache) ch.cache();
            cache.ensure(cache.length() + ch.tokens().length);
            for (int j = 0; j < ch.tokens().length; j++, r++) {
                int tok = ch.tokens()[j];
                if (tok < 0 || tok >= c.vocabSize()) {
                    throw new IllegalArgumentException("token id " + tok + " is outside the vocabulary [0, " + c.vocabSize() + ")");
                }
                chunkOf[r] = ci;
                pos[r] = cache.length() + j;
                w.embedding().copyRow(tok, x, r * h);
            }
        }
        float[] ropeTable = new float[rows * hd];                // [rows, headDim]: cos | sin
        for (int i = 0; i < rows; i++) {
            rope.table(pos[i], ropeTable, i * hd);
        }
        boolean prof = profiling;
        long lap = prof ? stepStart : 0;
        float[] t = new float[rows * h];
        float[] q = new float[rows * qw];
        float[] k = new float[rows * kvw];
        float[] v = new float[rows * kvw];
        float[] attn = new float[rows * qw];
        float[] o = new float[rows * h];
        for (LayerWeights lw : w.layers()) {
            rmsNorm(x, lw.attnNorm(), rows, t);
            kernels.matmul(new Matrix[] {lw.q(), lw.k(), lw.v()}, t, rows, new float[][] {q, k, v});
            for (int i = 0; i < rows; i++) {
                addBias(q, i * qw, lw.qBias());
                addBias(k, i * kvw, lw.kBias());
                addBias(v, i * kvw, lw.vBias());
                rope.apply(q, i * qw, c.numHeads(), ropeTable, i * hd);
                rope.apply(k, i * kvw, c.numKvHeads(), ropeTable, i * hd);
                CpuKvCache cache = (CpuKvCache) chunks.get(chunkOf[i]).cache();
                for (int g = 0; g < c.numKvHeads(); g++) {
                    int at = cache.offset(pos[i], g);
                    System.arraycopy(k, i * kvw + g * hd, cache.keys[lw.index()], at, hd);
                    System.arraycopy(v, i * kvw + g * hd, cache.values[lw.index()], at, hd);
                }
            }
            lap = lap(prof, lap, Phase.QKV);
            attention(lw, chunks, chunkOf, pos, q, rows, attn);
            lap = lap(prof, lap, Phase.ATTENTION);
            kernels.matmul(lw.o(), attn, rows, o);
            for (int i = 0; i < rows; i++) {
                addBias(o, i * h, lw.oBias());
                kernels.axpy(1f, o, i * h, x, i * h, h);
            }
            rmsNorm(x, lw.mlpNorm(), rows, t);
            lap = lap(prof, lap, Phase.OUTPUT_PROJECTION);
            moe.forward(lw, t, rows, x);
            lap = lap(prof, lap, Phase.EXPERTS);
        }
        for (StepChunk ch : chunks) {
            ((CpuKvCache) ch.cache()).advance(ch.tokens().length);
        }
        long product = emitLogits(chunks, x, sink, prof);
        lap(prof, lap + product, Phase.SAMPLING);
        if (prof) {
            phaseNanos[Phase.UNEMBEDDING.ordinal()] += product;
        }
    }

    /**
     * The parts of a step that {@link #profile} times. QKV includes the step's setup (embedding rows, RoPE tables);
     * UNEMBEDDING is the logits product alone, SAMPLING the rest of the step's end (final norm, handing each logits
     * row to the sink, which samples).
     */
    public enum Phase { QKV, ATTENTION, OUTPUT_PROJECTION, EXPERTS, UNEMBEDDING, SAMPLING }

    private volatile boolean profiling;
    private long stepStart;
    private final long[] phaseNanos = new long[Phase.values().length];

    /** Starts (clearing the totals) or stops timing the phases of each step (a few clock reads per layer). */
    public void profile(boolean on) {
        java.util.Arrays.fill(phaseNanos, 0);
        profiling = on;
    }

    /** Nanoseconds spent in each {@link Phase} since {@link #profile}(true), indexed by ordinal. */
    public long[] phaseNanos() {
        return phaseNanos.clone();
    }

    private long lap(boolean prof, long since, Phase phase) {
        if (!prof) {
            return 0;
        }
        long now = System.nanoTime();
        phaseNanos[phase.ordinal()] += now - since;
        return now;
    }

    /** Most logits rows computed by one product (32 rows of the real vocabulary: 26 MB). */
    private static final int LOGIT_ROWS = 32;
    /** One logits row per product row, reused by every step (steps run one at a time); grown on demand. */
    private float[][] logitRows = new float[0][];

    /** @return nanoseconds spent in the logits products when {@code prof}, else 0 */
    private long emitLogits(List<StepChunk> chunks, float[] x, LogitsSink sink, boolean prof) {
        long product = 0;
        int h = c.hiddenSize(), vocab = c.vocabSize();
        List<int[]> want = new ArrayList<>();                       // {row, chunk, tokenIdx}
        int base = 0;
        for (int ci = 0; ci < chunks.size(); ci++) {
            StepChunk ch = chunks.get(ci);
            int n = ch.tokens().length;
            switch (ch.logits()) {
                case ALL -> {
                    for (int j = 0; j < n; j++) {
                        want.add(new int[] {base + j, ci, j});
                    }
                }
                case LAST -> want.add(new int[] {base + n - 1, ci, n - 1});
                case NONE -> { }
            }
            base += n;
        }
        // all rows of a step in one product (the unembedding is read once), in buffers kept across steps:
        // a decode step's logits are tens of MB, and fresh arrays of that size are "humongous" for G1
        int group = Math.max(1, Math.min(want.size(), LOGIT_ROWS));
        if (logitRows.length < group) {
            float[][] grown = java.util.Arrays.copyOf(logitRows, group);
            for (int j = logitRows.length; j < group; j++) {
                grown[j] = new float[vocab];
            }
            logitRows = grown;
        }
        float[] normed = new float[group * h];
        float[][] logits = logitRows;
        for (int g = 0; g < want.size(); g += group) {
            int n = Math.min(group, want.size() - g);
            for (int j = 0; j < n; j++) {
                rmsNormRow(x, want.get(g + j)[0] * h, w.finalNorm(), normed, j * h);
            }
            long t0 = prof ? System.nanoTime() : 0;
            kernels.matmul(w.unembedding(), normed, n, logits);     // row j into logits[j]
            product += prof ? System.nanoTime() - t0 : 0;
            int from = g;
            if (n > 1 && sink.concurrentAcrossChunks() && distinctChunks(want, g, n)) {
                // sampling costs up to a pass of exp over the vocabulary per row: rows of different sequences
                // are sampled on all threads, each row in its own array
                parallel.forRange(n, 1, (a, b) -> {
                    for (int j = a; j < b; j++) {
                        int[] wi = want.get(from + j);
                        sink.accept(wi[1], wi[2], logits[j]);
                    }
                });
                continue;
            }
            for (int j = 0; j < n; j++) {
                int[] wi = want.get(g + j);
                sink.accept(wi[1], wi[2], logits[j]);
            }
        }
        return product;
    }

    private static boolean distinctChunks(List<int[]> want, int from, int n) {
        for (int j = 1; j < n; j++) {
            if (want.get(from + j)[1] == want.get(from + j - 1)[1]) {      // rows of a chunk are adjacent
                return false;
            }
        }
        return true;
    }

    /**
     * Attention with GQA, learned sinks (denominator only) and the banded window on sliding layers:
     * key j is visible from position p iff j ≤ p and (full layer or j > p − window).
     */
    private void attention(LayerWeights lw, List<StepChunk> chunks, int[] chunkOf, int[] pos, float[] q, int rows, float[] out) {
        int hd = c.headDim(), qw = c.qWidth(), group = c.headsPerKvHead(), kvHeads = c.numKvHeads();
        int layer = lw.index();
        float scale = (float) (1.0 / Math.sqrt(hd));
        boolean sliding = lw.sliding();
        int window = c.slidingWindow();
        // Work units of at most kernels.attendRows() query rows reading one KV head: the group's heads (in blocks when
        // the group is wider) times up to `span` adjacent tokens of one chunk, which share most of their keys.
        int width = Math.max(1, kernels.attendRows());
        int headsPerUnit = Math.min(group, width), headBlocks = (group + headsPerUnit - 1) / headsPerUnit;
        int span = Math.max(1, width / headsPerUnit);
        int[] unitRow = new int[rows];                 // first row of each token span
        int[] unitLen = new int[rows];
        int spans = 0;
        for (int i = 0; i < rows; ) {
            int e = i + 1;
            while (e < rows && e - i < span && chunkOf[e] == chunkOf[i]) {
                e++;
            }
            unitRow[spans] = i;
            unitLen[spans++] = e - i;
            i = e;
        }
        int perSpan = kvHeads * headBlocks;
        float[] sinks = lw.sinks();
        parallel.forRange(spans * perSpan, 1, (fromUnit, toUnit) -> {
            int[] qOff = new int[width], from = new int[width], to = new int[width];
            float[] unitSinks = new float[width];
            int[] kvOff = new int[64];
            for (int u = fromUnit; u < toUnit; u++) {
                int sp = u / perSpan, g = u % perSpan / headBlocks, hb = u % headBlocks;
                int i0 = unitRow[sp], nTok = unitLen[sp];
                CpuKvCache cache = (CpuKvCache) chunks.get(chunkOf[i0]).cache();
                int first = sliding ? Math.max(0, pos[i0] - window + 1) : 0;      // the span's first visible key
                int last = pos[i0 + nTok - 1];
                int n = last - first + 1;
                if (kvOff.length < n) {
                    kvOff = new int[Math.max(n, kvOff.length * 2)];
                }
                for (int j = 0; j < n; j++) {
                    kvOff[j] = cache.offset(first + j, g);
                }
                int h0 = g * group + hb * headsPerUnit, h1 = Math.min(h0 + headsPerUnit, (g + 1) * group);
                int m = 0;
                for (int t = 0; t < nTok; t++) {
                    int i = i0 + t, p = pos[i];
                    int start = sliding ? Math.max(0, p - window + 1) : 0;
                    for (int head = h0; head < h1; head++, m++) {
                        qOff[m] = i * qw + head * hd;
                        unitSinks[m] = sinks[head];
                        from[m] = start - first;
                        to[m] = p - first;
                    }
                }
                kernels.attend(m, q, qOff, unitSinks, from, to, cache.keys[layer], cache.values[layer], kvOff, n, hd, scale, out, qOff);
            }
        });
    }

    private void rmsNorm(float[] x, float[] scale, int rows, float[] out) {
        int h = c.hiddenSize();
        for (int i = 0; i < rows; i++) {
            rmsNormRow(x, i * h, scale, out, i * h);
        }
    }

    private void rmsNormRow(float[] x, int xOff, float[] scale, float[] out, int outOff) {
        int h = c.hiddenSize();
        float ss = kernels.dot(x, xOff, x, xOff, h);
        float inv = (float) (1.0 / Math.sqrt(ss / h + c.rmsNormEps()));
        for (int j = 0; j < h; j++) {
            out[outOff + j] = x[xOff + j] * inv * scale[j];
        }
    }

    static void addBias(float[] a, int off, float[] bias) {
        for (int j = 0; j < bias.length; j++) {
            a[off + j] += bias[j];
        }
    }

    @Override
    public void close() {
        if (ownsParallel) {
            parallel.close();
        }
        if (placed != null) {
            placed.close();
        }
    }
}
