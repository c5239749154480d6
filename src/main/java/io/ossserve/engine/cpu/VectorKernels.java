package io.ossserve.engine.cpu;

import io.ossserve.model.DType;
import io.ossserve.model.Matrix;
import io.ossserve.model.Mxfp4;
import io.ossserve.model.Mxfp4Experts;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.IdentityHashMap;
import java.util.Map;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels. Weights are decoded in registers, never expanded in memory:
 * <ul>
 * <li>BF16: one int load holds two bf16 values per lane; {@code lane << 16} is the even element and
 *     {@code lane & 0xFFFF0000} the odd one, so the input vector is split once per call into its even and
 *     odd elements ({@code xe}, {@code xo}) and no shuffle is needed in the inner loop.</li>
 * <li>MXFP4: codes are decoded in int lanes (8 codes per int) by a lane permute against a table of the
 *     16 values (AVX-512: one two-vector permute) or of 8 magnitudes plus a sign fix-up (AVX2); two
 *     blocks per 256-bit load, each block's scale applied once. Batch-1 products on 256-bit vectors can instead
 *     decode by two shifts and a mask ({@link VectorMxfp4Shift}, the same results, 1.3 times faster on AMD Zen 3);
 *     {@link Mxfp4DecodeChoice} times both on the first calls and keeps the faster.</li>
 * </ul>
 * Decode (one token) streams each thread's rows as four contiguous streams side by side; a step's experts run as
 * one parallel job. Prefill (32 or more tokens for bf16, 8 for MXFP4) decodes a tile of weight rows (16 with AVX2, 64 with
 * AVX-512) into floats stored by column, kept in cache while all tokens pass through {@link ColumnTiles}; a few tokens
 * (batched decode) use 2×4 dot-product tiles. The bf16 kernels themselves are in {@link VectorBf16}, the MXFP4 ones in
 * {@link VectorMxfp4}.
 */
public final class VectorKernels implements CpuKernels {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    private static final int L = F.length();            // 8 float lanes
    /**
     * The widest species of this machine (512 bits with AVX-512), for the compute-bound prefill tiles: the
     * same FMA throughput in half the instructions, and twice the registers' reach.
     */
    private static final VectorSpecies<Float> FW = FloatVector.SPECIES_PREFERRED;
    private static final int WIDE_BF16_STEP = VectorBf16.WIDE_BF16_STEP;
    private static final int BF16_STEP = VectorBf16.BF16_STEP;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;


    private final Parallel parallel;
    /** Table or shift decode for batch-1 MXFP4 products (256-bit or, with AVX-512, 512-bit vectors). */
    private final Mxfp4DecodeChoice mxfp4Decode;
    /** Per experts tensor: whether {@link VectorMxfp4Shift} applies (its scale bytes, read once). */
    private final Map<Mxfp4Experts, Boolean> shiftFits = new IdentityHashMap<>();
    /** Calls that used {@link VectorMxfp4Shift} (the backend's calls are serial). */
    private long shiftCalls;

    public VectorKernels(Parallel parallel) {
        this(parallel, Mxfp4DecodeChoice.Mode.AUTO);
    }

    VectorKernels(Parallel parallel, Mxfp4DecodeChoice.Mode mxfp4Decode) {
        this.parallel = parallel;
        this.mxfp4Decode = new Mxfp4DecodeChoice(mxfp4Decode);
    }

    /** The batch-1 MXFP4 decode in use (AUTO while the first calls are still being timed). */
    Mxfp4DecodeChoice.Mode mxfp4Decode() {
        return mxfp4Decode.current();
    }

    /** How many batch-1 MXFP4 products used the shift decode. */
    long mxfp4ShiftCalls() {
        return shiftCalls;
    }

    @Override
    public String name() {
        return "vector-" + FW.vectorBitSize();        // the widest vectors in use: 512 with AVX-512
    }

    /** Rows per parallel piece so that each piece streams at least 64 KB of weights. */
    static int grain(long rowBytes) {
        return (int) Math.max(4, (64 << 10) / Math.max(1, rowBytes));
    }

    // ---- input preparation ------------------------------------------------------------------------

    /** Splits x [tokens, cols] into its even and odd elements: xe/xo [tokens, cols/2]. */
    private static void split(float[] x, int tokens, int cols, float[] xe, float[] xo) {
        int half = cols / 2;
        for (int t = 0; t < tokens; t++) {
            int src = t * cols, dst = t * half;
            for (int j = 0; j < half; j++) {
                xe[dst + j] = x[src + 2 * j];
                xo[dst + j] = x[src + 2 * j + 1];
            }
        }
    }

    // ---- dense matrices ---------------------------------------------------------------------------

    /** Decode (one token, bf16, same width): all matrices' rows in one parallel job; otherwise one at a time. */
    @Override
    public void matmul(Matrix[] ws, float[] x, int tokens, float[][] outs) {
        int cols = ws[0].cols();
        boolean fused = tokens == 1 && cols % 2 == 0;
        int total = 0;
        for (Matrix w : ws) {
            fused &= w.dtype() == DType.BF16 && w.cols() == cols;
            total += w.rows();
        }
        if (!fused) {
            CpuKernels.super.matmul(ws, x, tokens, outs);
            return;
        }
        int half = cols / 2;
        float[] xe = new float[half], xo = new float[half];
        split(x, 1, cols, xe, xo);
        int vecEnd = cols / BF16_STEP * BF16_STEP;
        int[] start = new int[ws.length + 1];
        for (int i = 0; i < ws.length; i++) {
            start[i + 1] = start[i] + ws[i].rows();
        }
        parallel.forRange(total, grain(ws[0].rowBytes()), (a, b) -> {
            for (int i = 0; i < ws.length; i++) {
                int r0 = Math.max(a, start[i]) - start[i], r1 = Math.min(b, start[i + 1]) - start[i];
                if (r0 < r1) {
                    VectorBf16.decodeRows(ws[i].data(), ws[i].rowBytes(), xe, xo, vecEnd, cols, outs[i], r0, r1);
                }
            }
        });
    }

    /**
     * Row panels (narrow bf16 matrices) write into each token's own array; the other kernels multiply all tokens
     * at once (the weights are read once) into a per-thread scratch array, then copy.
     */
    @Override
    public void matmul(Matrix w, float[] x, int tokens, float[][] rowsOut) {
        if (!Bf16Panels.suits(w)) {
            int rows = w.rows();
            float[] flat = scratch.get();
            if (flat.length < tokens * rows) {
                flat = new float[tokens * rows];
                scratch.set(flat);
            }
            matmul(w, x, tokens, flat);
            for (int t = 0; t < tokens; t++) {
                System.arraycopy(flat, t * rows, rowsOut[t], 0, rows);
            }
            return;
        }
        Bf16Panels pw = panels.computeIfAbsent(w, Bf16Panels::new);
        parallel.forRange(pw.panels, panelGrain(w), (p0, p1) -> pw.multiply(x, tokens, null, rowsOut, p0, p1));
    }

    /** Kept across calls: a batch's logits are tens of MB, and fresh arrays of that size are G1 "humongous" objects. */
    private final ThreadLocal<float[]> scratch = ThreadLocal.withInitial(() -> new float[0]);

    private static int panelGrain(Matrix w) {
        return Math.max(2, grain(2L * Bf16Panels.P * w.cols()));
    }

    /** Narrow bf16 matrices repacked into row panels on first use ({@link Bf16Panels}); kept for the backend's life. */
    private final java.util.concurrent.ConcurrentHashMap<Matrix, Bf16Panels> panels = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public void matmul(Matrix w, float[] x, int tokens, float[] out) {
        if (Bf16Panels.suits(w)) {
            Bf16Panels pw = panels.computeIfAbsent(w, Bf16Panels::new);
            parallel.forRange(pw.panels, panelGrain(w), (p0, p1) -> pw.multiply(x, tokens, out, null, p0, p1));
            return;
        }
        if (w.dtype() != DType.BF16 || w.cols() % 2 != 0) {
            matmulF32(w, x, tokens, out);
            return;
        }
        int rows = w.rows(), cols = w.cols(), half = cols / 2;
        if (tokens >= COLUMN_MIN_TOKENS) {
            int tile = ColumnTiles.ROWS;                                    // pieces of whole tiles
            parallel.forRange((rows + tile - 1) / tile, 1,
                    (t0, t1) -> VectorBf16.columns(w, x, tokens, out, t0 * tile, Math.min(rows, t1 * tile)));
            return;
        }
        float[] xe = new float[tokens * half];
        float[] xo = new float[tokens * half];
        split(x, tokens, cols, xe, xo);
        MemorySegment seg = w.data();
        long rowBytes = w.rowBytes();
        int vecEnd = cols / BF16_STEP * BF16_STEP;
        int wideEnd = cols / WIDE_BF16_STEP * WIDE_BF16_STEP;
        // prefill: a block of rows (≈ 48 KB of weights, cache-resident) meets every group of 4 tokens before
        // the next block, so weights are read from memory once and the inputs stream from the caches
        int rowBlock = tokens < 4 ? rows : Math.max(2, (int) ((48 << 10) / rowBytes) & ~1);
        // batch-1 decode (the lm_head: ~10 ms of streaming) in 16 pieces per thread, so that the job's end waits for a
        // sixteenth of a thread's share, not a quarter (Zen 5, copied weights, one-JVM A/B, 10 rounds of 64 steps:
        // median 17.47 → 17.09 and 16.32 → 15.89 ms per step)
        parallel.forRange(rows, grain(rowBytes), tokens == 1 ? 16 : 4, (r0, r1) -> {
            if (tokens == 1) {
                VectorBf16.decodeRows(seg, rowBytes, xe, xo, vecEnd, cols, out, r0, r1);
                return;
            }
            for (int rb = r0; rb < r1; rb += rowBlock) {
                int re = Math.min(r1, rb + rowBlock);
                int t = 0;
                for (; t + 4 <= tokens; t += 4) {
                    int r = rb;
                    for (; r + 2 <= re; r += 2) {
                        VectorBf16.tile2x4(seg, r, rowBytes, xe, xo, t, half, wideEnd, cols, rows, out);
                    }
                    for (; r < re; r++) {
                        for (int u = t; u < t + 4; u++) {
                            out[u * rows + r] = VectorBf16.dot(seg, r * rowBytes, xe, xo, u * half, vecEnd, cols);
                        }
                    }
                }
                for (; t < tokens; t++) {
                    for (int r = rb; r < re; r++) {
                        out[t * rows + r] = VectorBf16.dot(seg, r * rowBytes, xe, xo, t * half, vecEnd, cols);
                    }
                }
            }
        });
    }

    /**
     * Products of this many tokens or more (a prefill chunk) use {@link ColumnTiles}. Batched decode of fewer sequences
     * keeps the 2×4 tiles (not measured against the column tiles: a tile's fill costs the same whatever the token
     * count, so it weighs more with fewer tokens).
     */
    static final int COLUMN_MIN_TOKENS = 32;

    /** F32 matrices (rare: some converted checkpoints): one row, one token at a time. */
    private void matmulF32(Matrix w, float[] x, int tokens, float[] out) {
        int rows = w.rows(), cols = w.cols();
        MemorySegment seg = w.data();
        int vecEnd = cols / L * L;
        parallel.forRange(rows, grain(w.rowBytes()), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                long rowOff = r * w.rowBytes();
                for (int t = 0; t < tokens; t++) {
                    FloatVector acc = FloatVector.zero(F);
                    int xOff = t * cols;
                    for (int k = 0; k < vecEnd; k += L) {
                        acc = FloatVector.fromMemorySegment(F, seg, rowOff + 4L * k, LE).fma(FloatVector.fromArray(F, x, xOff + k), acc);
                    }
                    float s = acc.reduceLanes(VectorOperators.ADD);
                    for (int k = vecEnd; k < cols; k++) {
                        s += w.get(r, k) * x[xOff + k];
                    }
                    out[t * rows + r] = s;
                }
            }
        });
    }

    // ---- MXFP4 experts ----------------------------------------------------------------------------

    @Override
    public void matmulMxfp4(Mxfp4Experts w, int expert, float[] x, int tokens, float[] out) {
        matmulMxfp4(w, new int[] {expert}, new float[][] {x}, new int[] {tokens}, new float[][] {out});
    }

    /**
     * Experts with few tokens (decode) run as one parallel job over all their rows, so a step's experts
     * cost one dispatch and balance across threads; experts with many tokens (prefill) use the tiled path.
     */
    @Override
    public void matmulMxfp4(Mxfp4Experts w, int[] experts, float[][] xs, int[] tokens, float[][] outs) {
        int rows = w.rows(), cols = w.cols(), nb = w.blocksPerRow();
        int[] few = new int[experts.length];
        float[][] x8s = new float[experts.length][];
        int m = 0, maxTokens = 1;
        long start = System.nanoTime();
        int tile = ColumnTiles.ROWS, tilesPerExpert = (rows + tile - 1) / tile;
        int[] tiledAt = new int[experts.length];
        int nTiled = 0;
        for (int i = 0; i < experts.length; i++) {
            if (VectorMxfp4.tiledPath(tokens[i], nb)) {
                tiledAt[nTiled++] = i;
            } else {
                few[m++] = i;
                maxTokens = Math.max(maxTokens, tokens[i]);
            }
        }
        if (nTiled > 0) {
            // prefill: all experts' row tiles in one job (the column tiles read the input as it is); the experts' token
            // counts differ, so the job is cut into many pieces, claimed as threads come free
            int units = nTiled * tilesPerExpert;
            parallel.forRange(units, 1, 32, (u0, u1) -> {
                for (int u = u0; u < u1; ) {
                    int i = tiledAt[u / tilesPerExpert], t0 = u % tilesPerExpert;
                    int t1 = Math.min(tilesPerExpert, t0 + (u1 - u));      // this expert's tiles in the piece
                    VectorMxfp4.tiled(w, experts[i], xs[i], tokens[i], outs[i], t0 * tile, Math.min(rows, t1 * tile));
                    u += t1 - t0;
                }
            });
        }
        if (m == 0) {
            return;
        }
        int count = m;
        // batch-1 decode: the shift decode where the choice, the tensor and the inputs allow it
        boolean timed = maxTokens == 1 && nTiled == 0;
        boolean shift = timed && mxfp4Decode.shiftNext() && shiftFits(w) && shiftLayout(xs, few, count, cols, x8s);
        if (!shift) {
            for (int j = 0; j < count; j++) {
                x8s[few[j]] = laidOut(xs[few[j]], tokens[few[j]], cols);
            }
        }
        int grain = grain(Mxfp4.rowBytes(cols) * Math.max(1, maxTokens / 4));
        // one lambda per decode: a body holding both kernels grew too big for the JIT to inline them (vectors boxed)
        if (shift) {
            shiftCalls++;
            if (VectorMxfp4.WIDE_DECODE) {
                parallel.forRange(count * rows, grain, (a, b) -> {
                    for (int j = a / rows; j < count && j * rows < b; j++) {
                        int i = few[j];
                        VectorMxfp4Shift.wideRows(w, experts[i], x8s[i], outs[i], Math.max(a - j * rows, 0), Math.min(b - j * rows, rows));
                    }
                });
            } else {
                parallel.forRange(count * rows, grain, (a, b) -> {
                    for (int j = a / rows; j < count && j * rows < b; j++) {
                        int i = few[j];
                        VectorMxfp4Shift.rows(w, experts[i], x8s[i], outs[i], Math.max(a - j * rows, 0), Math.min(b - j * rows, rows));
                    }
                });
            }
        } else {
            parallel.forRange(count * rows, grain, (a, b) -> {
                for (int j = a / rows; j < count && j * rows < b; j++) {
                    int i = few[j];
                    VectorMxfp4.rows(w, experts[i], x8s[i], tokens[i], outs[i], Math.max(a - j * rows, 0), Math.min(b - j * rows, rows));
                }
            });
        }
        if (timed) {
            mxfp4Decode.record(shift, System.nanoTime() - start, (long) count * rows * cols);
        }
    }

    private boolean shiftFits(Mxfp4Experts w) {
        synchronized (shiftFits) {
            return shiftFits.computeIfAbsent(w, VectorMxfp4Shift::scalesFit);
        }
    }

    /** The experts' inputs laid out for {@link VectorMxfp4Shift} into x8s; false (x8s as it was) if one is out of its range. */
    private static boolean shiftLayout(float[][] xs, int[] few, int count, int cols, float[][] x8s) {
        float[][] laid = new float[count][cols];
        for (int j = 0; j < count; j++) {
            boolean fits = VectorMxfp4.WIDE_DECODE ? VectorMxfp4Shift.wideLayout(xs[few[j]], 0, cols, laid[j], 0)
                    : VectorMxfp4Shift.layout(xs[few[j]], 0, cols, laid[j], 0);
            if (!fits) {
                return false;
            }
        }
        for (int j = 0; j < count; j++) {
            x8s[few[j]] = laid[j];
        }
        return true;
    }

    /** The tokens' inputs re-laid out for {@link VectorMxfp4} ({@link VectorMxfp4#layout}). */
    private static float[] laidOut(float[] x, int tokens, int cols) {
        float[] out = new float[tokens * cols];
        for (int t = 0; t < tokens; t++) {
            VectorMxfp4.layout(x, t * cols, cols, out, t * cols, tokens);
        }
        return out;
    }

    // ---- small vector ops ---------------------------------------------------------------------------

    @Override
    public void swiglu(float[] h, float[] bias, int biasOff, int tokens, int inter, float alpha, float limit, float[] out) {
        swiglu(new float[][] {h}, bias, new int[] {biasOff}, new int[] {tokens}, inter, alpha, limit, new float[][] {out});
    }

    /**
     * All experts' tokens in one parallel job of (expert, token, {@link #SWIGLU_COLUMNS} columns) units: a decode
     * step's four experts ran one after another on one thread, about 4 µs each (`small`, 1024 columns). The column
     * ranges start at multiples of the vector width, so every element takes the same path (vector or scalar tail) as
     * in one pass over the row: the same bits however the work is split.
     */
    @Override
    public void swiglu(float[][] h, float[] bias, int[] biasOff, int[] tokens, int inter, float alpha, float limit, float[][] out) {
        int chunks = (inter + SWIGLU_COLUMNS - 1) / SWIGLU_COLUMNS;
        int[] first = new int[h.length + 1];                 // first unit of each expert
        for (int i = 0; i < h.length; i++) {
            first[i + 1] = first[i] + tokens[i] * chunks;
        }
        parallel.forRange(first[h.length], 1, (u0, u1) -> {
            float[] gate = new float[SWIGLU_COLUMNS], lin = new float[SWIGLU_COLUMNS];
            for (int u = u0, i = 0; u < u1; u++) {
                while (u >= first[i + 1]) {
                    i++;
                }
                int t = (u - first[i]) / chunks, c0 = (u - first[i]) % chunks * SWIGLU_COLUMNS;
                swiglu(h[i], bias, biasOff[i], t, c0, Math.min(inter, c0 + SWIGLU_COLUMNS), inter, alpha, limit, out[i], gate, lin);
            }
        });
    }

    /** Columns per unit of the parallel SwiGLU (a multiple of the vector width). */
    private static final int SWIGLU_COLUMNS = 256;

    /** Token t's columns [c0, c1) ({@code gate} and {@code lin}: scratch of at least c1 - c0 floats). */
    private static void swiglu(float[] h, float[] bias, int biasOff, int t, int c0, int c1, int inter, float alpha, float limit,
            float[] out, float[] gate, float[] lin) {
        int hOff = t * 2 * inter, n = c1 - c0;
        for (int j = 0; j < n; j++) {                          // de-interleave and add the bias
            int k = 2 * (c0 + j);
            gate[j] = h[hOff + k] + bias[biasOff + k];
            lin[j] = h[hOff + k + 1] + bias[biasOff + k + 1];
        }
        int j = 0, o = t * inter + c0;
        for (; j + L <= n; j += L) {
            FloatVector g = FloatVector.fromArray(F, gate, j).min(limit);
            FloatVector l = FloatVector.fromArray(F, lin, j).max(-limit).min(limit);
            FloatVector sig = FloatVector.broadcast(F, 1f).div(g.mul(-alpha).lanewise(VectorOperators.EXP).add(1f));
            g.mul(sig).mul(l.add(1f)).intoArray(out, o + j);
        }
        for (; j < n; j++) {
            float g = Math.min(gate[j], limit);
            float l = Math.max(-limit, Math.min(lin[j], limit));
            out[o + j] = g * (float) (1.0 / (1.0 + Math.exp(-alpha * g))) * (l + 1f);
        }
    }

    @Override
    public float expShift(float[] s, int n, float max) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector e = FloatVector.fromArray(F, s, i).sub(max).lanewise(VectorOperators.EXP);
            e.intoArray(s, i);
            acc = acc.add(e);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s[i] = (float) Math.exp(s[i] - max);
            sum += s[i];
        }
        return sum;
    }

    @Override
    public float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector acc = FloatVector.zero(F), acc2 = FloatVector.zero(F);   // two chains: head_dim 64 is 8 steps
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            acc = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc);
            acc2 = FloatVector.fromArray(F, a, ao + i + L).fma(FloatVector.fromArray(F, b, bo + i + L), acc2);
        }
        for (; i + L <= n; i += L) {
            acc = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc);
        }
        float s = acc.add(acc2).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }

    @Override
    public void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        FloatVector va = FloatVector.broadcast(F, alpha);
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector.fromArray(F, x, xo + i).fma(va, FloatVector.fromArray(F, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] += alpha * x[xo + i];
        }
    }

    // ---- attention ------------------------------------------------------------------------------------

    @Override
    public int attendRows() {
        return FW.length();
    }

    /** {@link VectorAttention#attend}: the rows of a block side by side in vector lanes. */
    @Override
    public void attend(int m, float[] q, int[] qOff, float[] sinks, int[] from, int[] to, float[] keys, float[] values,
            int[] kvOff, int n, int hd, float scale, float[] out, int[] outOff) {
        VectorAttention.attend(m, q, qOff, sinks, from, to, keys, values, kvOff, n, hd, scale, out, outOff);
    }

    // ---- calibration ------------------------------------------------------------------------------

    @Override
    public double streamReadGBs(MemorySegment seg, int repeats) {
        long chunk = 4L << 20;
        long n = seg.byteSize() / chunk;
        float[] sink = new float[(int) n];
        return Calibration.bestRate(repeats, 0, (double) n * chunk, () -> parallel.forRange((int) n, 1, (from, to) -> {
            for (int c = from; c < to; c++) {
                long base = c * chunk;
                FloatVector a0 = FloatVector.zero(FW), a1 = FloatVector.zero(FW), a2 = FloatVector.zero(FW), a3 = FloatVector.zero(FW);
                for (long off = 0; off < chunk; off += 4L * 4 * FW.length()) {
                    a0 = a0.add(FloatVector.fromMemorySegment(FW, seg, base + off, LE));
                    a1 = a1.add(FloatVector.fromMemorySegment(FW, seg, base + off + 4L * FW.length(), LE));
                    a2 = a2.add(FloatVector.fromMemorySegment(FW, seg, base + off + 8L * FW.length(), LE));
                    a3 = a3.add(FloatVector.fromMemorySegment(FW, seg, base + off + 12L * FW.length(), LE));
                }
                sink[c] = a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
            }
        }));
    }

    @Override
    public double streamReadGBs(long bytes, int repeats) {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofShared()) {
            return streamReadGBs(CpuKernels.streamBuffer(arena, bytes, parallel), repeats);
        }
    }

    @Override
    public double fmaGflops(long millis) {
        // warm-up in short runs (once per instance), so that the JIT compiles the loop: a first run of the full size in
        // the interpreter took longer than the whole measuring window, and the calibration read 0.0 GFLOP/s (Zen 5)
        if (!fmaWarm) {
            // compiled, 4096 steps take microseconds; in the interpreter, tens of milliseconds
            long give = System.nanoTime() + 5_000_000_000L, t;
            do {
                t = System.nanoTime();
                fmaRun(1 << 12);
            } while (System.nanoTime() - t > 1_000_000L && System.nanoTime() < give);
            fmaWarm = true;
        }
        long iters = 1 << 16;
        return Calibration.bestRate(1, millis, parallel.threads() * iters * 10.0 * FW.length() * 2, () -> fmaRun(iters));
    }

    private volatile boolean fmaWarm;

    /** Ten independent FMA chains of {@code iters} steps on every thread. */
    private void fmaRun(long iters) {
        int threads = parallel.threads();
        float[] sink = new float[threads];
        parallel.forRange(threads, 1, (from, to) -> {
            for (int t = from; t < to; t++) {
                FloatVector b = FloatVector.broadcast(FW, 0.999f), c = FloatVector.broadcast(FW, 1e-3f);
                FloatVector a0 = b, a1 = c, a2 = b, a3 = c, a4 = b, a5 = c, a6 = b, a7 = c, a8 = b, a9 = c;
                for (long i = 0; i < iters; i++) {
                    a0 = a0.fma(b, c); a1 = a1.fma(b, c); a2 = a2.fma(b, c); a3 = a3.fma(b, c); a4 = a4.fma(b, c);
                    a5 = a5.fma(b, c); a6 = a6.fma(b, c); a7 = a7.fma(b, c); a8 = a8.fma(b, c); a9 = a9.fma(b, c);
                }
                sink[t] = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9)
                        .reduceLanes(VectorOperators.ADD);
            }
        });
    }
}
