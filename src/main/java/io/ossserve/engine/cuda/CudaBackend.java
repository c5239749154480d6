package io.ossserve.engine.cuda;

import io.ossserve.engine.KvCache;
import io.ossserve.engine.LogitsSink;
import io.ossserve.engine.SampledToken;
import io.ossserve.engine.SamplingParams;
import io.ossserve.engine.StepBackend;
import io.ossserve.engine.StepChunk;
import io.ossserve.model.GptOssConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUgraphExec;

/**
 * The gpt-oss forward pass on a CUDA device (gpt-oss-spec.md §2), activations float32, weights bf16 and
 * MXFP4 on the device, K/V in a paged device pool. A step of single-token chunks (decode) of at most
 * {@code maxGraphBatch} sequences replays one CUDA graph per power-of-two batch bucket; other steps
 * (prefill, mixed) launch the same kernels eagerly. {@link #sampleStep} chooses tokens on the device so
 * only ids and log-probabilities cross to the host. A CUDA error marks the backend failed, frees its
 * device memory and makes every later call fail fast.
 */
public final class CudaBackend implements StepBackend {
    private final CudaDevice d;
    private final CudaOptions o;
    private final GptOssConfig c;
    private final KvPages pages;
    private final CudaForward f;
    private final CudaSampler sampler;
    private final String label;
    private final Map<Integer, CUgraphExec> graphs = new HashMap<>();
    private final float[] row;
    private volatile String failure;
    private volatile boolean closed;
    private volatile boolean eagerOnly;

    CudaBackend(CudaDevice d, DeviceWeights w, CudaOptions o, String label) {
        this.d = d;
        this.o = o;
        this.c = w.c;
        this.label = label;
        long pageBytes = KvPages.pageBytes(c.numLayers(), c.kvWidth(), o.pageSize());
        long budget = o.kvCacheBytes() > 0 ? o.kvCacheBytes() : scratchFreeHalf(d, c, o);
        int pageCount = (int) Math.min(Integer.MAX_VALUE, budget / pageBytes);
        this.pages = new KvPages(o.pageSize(), pageCount, o.maxSequences() + 1, c.maxPositionEmbeddings());
        this.f = new CudaForward(d, w, pages, pageCount * pageBytes, o.maxStepTokens(), o.maxLogitRows());
        this.sampler = new CudaSampler(d, f);
        this.row = new float[c.vocabSize()];
        d.synchronize();
    }

    /** Half of the memory left after the weights, minus the activations. */
    private static long scratchFreeHalf(CudaDevice d, GptOssConfig c, CudaOptions o) {
        long activations = 4L * o.maxStepTokens() * (6L * c.hiddenSize() + 2L * c.qWidth() + 2L * c.kvWidth()
                + (long) c.expertsPerToken() * (c.intermediateSize() + 2))
                + 4L * o.maxLogitRows() * ((long) c.vocabSize() + c.hiddenSize());
        return Math.max(0, (d.freeMemory() - activations) / 2);
    }

    @Override
    public GptOssConfig config() {
        return c;
    }

    @Override
    public String description() {
        long pageBytes = KvPages.pageBytes(c.numLayers(), c.kvWidth(), o.pageSize());
        return "cuda (" + d.describe() + ", " + label + ", KV pool " + (pages.pages - 1) + " pages x " + o.pageSize()
                + " positions = " + ((pages.pages * pageBytes) >> 20) + " MiB, graphs " + (o.graphs() ? "on" : "off")
                + (failure != null ? ", FAILED: " + failure : "") + ")";
    }

    /** Why the backend refuses work (a CUDA error happened), or empty while healthy. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public synchronized KvCache newCache(int capacity) {
        usable();
        if (capacity < 1 || capacity > c.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("KV cache capacity " + capacity + " must be in [1, " + c.maxPositionEmbeddings() + "]");
        }
        return new CudaKvCache(this, pages.takeSlot(), capacity);
    }

    synchronized void release(CudaKvCache cache) {
        for (int p : cache.pages()) {
            pages.returnPage(p);
        }
        cache.setPages(new int[0]);
        pages.returnSlot(cache.slot);
    }

    @Override
    public synchronized void step(List<StepChunk> chunks, LogitsSink sink) {
        guarded("step", () -> {
            run(chunks, (rowsChunk, rowsToken, n) -> {
                for (int i = 0; i < n; i++) {
                    if (rowsToken[i] < 0) {
                        continue;
                    }
                    d.download(Pointer.to(row), f.logits, 4L * i * c.vocabSize(), 4L * c.vocabSize());
                    sink.accept(rowsChunk[i], rowsToken[i], row);
                }
            });
            return null;
        });
    }

    /**
     * One step that samples the next token of every chunk on the device from its last row's logits.
     *
     * @param params per chunk; a null seed draws a fresh one
     * @param draws  per chunk, the draw counter of the sequence (the random stream is keyed by seed and draw)
     */
    public synchronized List<SampledToken> sampleStep(List<StepChunk> chunks, List<SamplingParams> params, int[] draws) {
        if (params.size() != chunks.size() || draws.length != chunks.size()) {
            throw new IllegalArgumentException("sampleStep needs one SamplingParams and one draw index per chunk");
        }
        for (StepChunk ch : chunks) {
            if (ch.logits() == StepChunk.Logits.NONE) {
                throw new IllegalArgumentException("sampleStep samples every chunk's last token: Logits.NONE is not allowed");
            }
        }
        return guarded("sampleStep", () -> {
            SampledToken[] out = new SampledToken[chunks.size()];
            run(chunks, (rowsChunk, rowsToken, n) -> {
                int[] want = new int[n];
                int m = 0;
                for (int i = 0; i < n; i++) {
                    if (rowsToken[i] == chunks.get(rowsChunk[i]).tokens().length - 1) {
                        want[m++] = i;
                    }
                }
                SampledToken[] got = sampler.sample(Arrays.copyOf(want, m), rowsChunk, params, draws);
                for (int j = 0; j < m; j++) {
                    out[rowsChunk[want[j]]] = got[j];
                }
            });
            return List.of(out);
        });
    }

    /** Receives the rows whose logits sit in f.logits[0, n): chunk and token index of each. */
    interface LogitsRows {
        void accept(int[] chunk, int[] token, int n);
    }

    private void run(List<StepChunk> chunks, LogitsRows consumer) {
        usable();
        Map<KvCache, Boolean> seen = new IdentityHashMap<>();
        for (StepChunk ch : chunks) {
            if (!(ch.cache() instanceof CudaKvCache kc) || kc.owner != this) {
                throw new IllegalArgumentException("KV cache does not belong to this CUDA backend");
            }
            if (kc.closed()) {
                throw new IllegalStateException("KV cache is closed");
            }
            if (seen.put(kc, Boolean.TRUE) != null) {
                throw new IllegalArgumentException("a KV cache appears twice in one step");
            }
            if (kc.length() + ch.tokens().length > kc.capacity()) {
                throw new IllegalStateException("sequence of " + (kc.length() + ch.tokens().length)
                        + " positions exceeds the KV cache capacity " + kc.capacity());
            }
            for (int tok : ch.tokens()) {
                if (tok < 0 || tok >= c.vocabSize()) {
                    throw new IllegalArgumentException("token id " + tok + " is outside the vocabulary [0, " + c.vocabSize() + ")");
                }
            }
        }
        for (StepPlan.Pass pass : StepPlan.passes(chunks, o.maxStepTokens())) {
            runPass(chunks, pass, consumer);
        }
    }

    private void runPass(List<StepChunk> chunks, StepPlan.Pass pass, LogitsRows consumer) {
        int rows = pass.rows();
        int[] tok = new int[rows], pos = new int[rows], slot = new int[rows];
        List<int[]> want = new ArrayList<>();          // {row, chunk, token}
        int r = 0;
        for (StepPlan.Piece p : pass.pieces()) {
            CudaKvCache kc = (CudaKvCache) chunks.get(p.chunk()).cache();
            ensurePages(kc, kc.length() + p.length());
            for (int j = 0; j < p.length(); j++, r++) {
                tok[r] = chunks.get(p.chunk()).tokens()[p.offset() + j];
                pos[r] = kc.length() + j;
                slot[r] = kc.slot;
                if (p.wantsLogits(j)) {
                    want.add(new int[] {r, p.chunk(), p.offset() + j});
                }
            }
        }
        boolean decode = o.graphs() && !eagerOnly && LaunchShapes.bucket(rows) <= o.maxGraphBatch() && pass.pieces().stream().allMatch(p -> p.length() == 1);
        if (decode) {
            int b = LaunchShapes.bucket(rows);
            upload(f.tokens, Arrays.copyOf(tok, b));
            upload(f.positions, Arrays.copyOf(pos, b));
            upload(f.slots, Arrays.copyOf(slot, b));       // padding rows: token 0, position 0, slot 0 (scratch page 0)
            CUgraphExec g = graphs.computeIfAbsent(b, bb -> d.capture(() -> {
                f.layers(bb);
                f.finalLogits(bb, false);
            }));
            d.launchGraph(g);
            deliver(want, 0, want.size(), rows, consumer);
        } else {
            upload(f.tokens, tok);
            upload(f.positions, pos);
            upload(f.slots, slot);
            f.layers(rows);
            for (int g0 = 0; g0 < want.size(); g0 += o.maxLogitRows()) {
                int n = Math.min(o.maxLogitRows(), want.size() - g0);
                int[] idx = new int[n];
                for (int i = 0; i < n; i++) {
                    idx[i] = want.get(g0 + i)[0];
                }
                upload(f.logitRows, idx);
                f.finalLogits(n, true);
                deliver(want, g0, n, 0, consumer);
            }
        }
        d.synchronize();
        for (StepPlan.Piece p : pass.pieces()) {
            ((CudaKvCache) chunks.get(p.chunk()).cache()).advance(p.length());
        }
    }

    /**
     * Hands rows want[from, from+n) to the consumer. Eager mode: logits row i is want[from+i]. Graph mode
     * ({@code graphRows} > 0): logits row i is residual row i; rows without a request get token -1.
     */
    private void deliver(List<int[]> want, int from, int n, int graphRows, LogitsRows consumer) {
        if (n == 0) {
            return;
        }
        int count = graphRows > 0 ? graphRows : n;
        int[] ch = new int[count], tk = new int[count];
        Arrays.fill(tk, -1);
        for (int i = 0; i < n; i++) {
            int[] wi = want.get(from + i);
            int at = graphRows > 0 ? wi[0] : i;
            ch[at] = wi[1];
            tk[at] = wi[2];
        }
        d.synchronize();
        consumer.accept(ch, tk, count);
    }

    private void ensurePages(CudaKvCache kc, int positions) {
        int need = KvPages.pagesFor(positions, pages.pageSize);
        int[] have = kc.pages();
        if (need <= have.length) {
            return;
        }
        int[] grown = Arrays.copyOf(have, need);
        try {
            for (int i = have.length; i < need; i++) {
                grown[i] = pages.takePage();
            }
        } catch (IllegalStateException full) {
            for (int i = have.length; i < need && grown[i] != 0; i++) {
                pages.returnPage(grown[i]);
            }
            throw full;
        }
        kc.setPages(grown);
        int[] added = Arrays.copyOfRange(grown, have.length, need);
        d.upload(f.blockTable, 4L * ((long) kc.slot * pages.maxPagesPerSeq + have.length), Pointer.to(added), 4L * added.length);
    }

    private void upload(DevPtr dst, int[] v) {
        d.upload(dst, 0, Pointer.to(v), 4L * v.length);
    }

    private void usable() {
        if (failure != null) {
            throw new IllegalStateException("the CUDA backend failed earlier and refuses work: " + failure);
        }
        if (closed) {
            throw new IllegalStateException("the CUDA backend is closed");
        }
    }

    /** The device (tests). */
    CudaDevice device() {
        return d;
    }

    <T> T guarded(String what, Supplier<T> body) {
        usable();
        try {
            d.bind();
            return body.get();
        } catch (CudaException e) {
            failure = "CUDA error during " + what + " on " + d.name + ": " + e.getMessage();
            graphs.clear();
            d.close();                                  // frees every device allocation
            throw new CudaBackendException(failure + " (the backend is marked failed; device memory released)", e);
        }
    }

    /** Per-kernel device time of eager launches (bench): on/off and the table {kernel: {ms, launches}}. */
    public synchronized void profileKernels(boolean on) {
        guarded("profile", () -> {
            d.profile(on);
            return null;
        });
    }

    /** Launches kernels one by one even for decode steps (per-kernel profiling). */
    public void eagerOnly(boolean on) {
        eagerOnly = on;
    }

    public synchronized Map<String, double[]> kernelProfile() {
        return guarded("profile", d::profileTable);
    }

    /** Device name and memory held (weights, pool, activations). */
    public String deviceSummary() {
        return d.describe() + ", " + (d.allocatedBytes() >> 20) + " MiB allocated";
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        graphs.clear();
        d.close();
    }
}
