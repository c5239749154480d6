package io.ossserve.engine.cpu;

import io.ossserve.model.Matrix;
import io.ossserve.model.Mxfp4Experts;

/**
 * The heavy operations of the CPU forward pass. Two implementations compute the same function:
 * {@link ScalarKernels} (the reference, written for clarity) and {@link VectorKernels} (Java Vector API,
 * weights decoded in registers). Activations are float32 and row-major.
 */
public interface CpuKernels {

    String name();

    /**
     * {@code out[t, r] = Σ_k w[r, k] · x[t, k]} for {@code t < tokens}.
     *
     * @param x   [tokens, w.cols]
     * @param out [tokens, w.rows]
     */
    void matmul(Matrix w, float[] x, int tokens, float[] out);

    /**
     * {@link #matmul} with each token's output in an array of its own: {@code rowsOut[t][r] = Σ_k w[r, k] · x[t, k]}
     * for {@code t < tokens} (e.g. logits rows handed on without a copy). The default runs one token at a time.
     */
    default void matmul(Matrix w, float[] x, int tokens, float[][] rowsOut) {
        int cols = w.cols();
        float[] xt = new float[cols];
        for (int t = 0; t < tokens; t++) {
            System.arraycopy(x, t * cols, xt, 0, cols);
            matmul(w, xt, 1, rowsOut[t]);
        }
    }

    /**
     * {@link #matmul} of several matrices with the same input ({@code outs[i] = ws[i] · x}), e.g. the Q, K and V
     * projections; implementations may run them as one parallel job.
     */
    default void matmul(Matrix[] ws, float[] x, int tokens, float[][] outs) {
        for (int i = 0; i < ws.length; i++) {
            matmul(ws[i], x, tokens, outs[i]);
        }
    }

    /** Same as {@link #matmul} for expert {@code expert} of MXFP4 weights ({@code [rows, cols]} per expert). */
    void matmulMxfp4(Mxfp4Experts w, int expert, float[] x, int tokens, float[] out);

    /**
     * {@link #matmulMxfp4} for several experts at once: {@code outs[i] = experts[i](xs[i])} with {@code tokens[i]}
     * rows each. Implementations may run them as one parallel job (a decode step's experts are small).
     */
    default void matmulMxfp4(Mxfp4Experts w, int[] experts, float[][] xs, int[] tokens, float[][] outs) {
        for (int i = 0; i < experts.length; i++) {
            matmulMxfp4(w, experts[i], xs[i], tokens[i], outs[i]);
        }
    }

    /**
     * Clamped SwiGLU of interleaved gate/up rows (gpt-oss-spec.md §2.5): with g = h[2j] + bias[2j] clamped above
     * at {@code limit} and l = h[2j+1] + bias[2j+1] clamped to ±limit, {@code out[j] = g·σ(alpha·g)·(l + 1)}.
     *
     * @param h    [tokens, 2·inter] gate/up projections (bias not yet added)
     * @param bias the expert's [2·inter] bias starting at {@code biasOff}
     * @param out  [tokens, inter]
     */
    void swiglu(float[] h, float[] bias, int biasOff, int tokens, int inter, float alpha, float limit, float[] out);

    /**
     * {@link #swiglu} of several experts at once ({@code out[i]} from {@code h[i]}, the bias from {@code biasOff[i]},
     * {@code tokens[i]} rows each), e.g. a decode step's experts. Implementations may run them as one parallel job;
     * the results are those of one {@link #swiglu} call per expert.
     */
    default void swiglu(float[][] h, float[] bias, int[] biasOff, int[] tokens, int inter, float alpha, float limit, float[][] out) {
        for (int i = 0; i < h.length; i++) {
            swiglu(h[i], bias, biasOff[i], tokens[i], inter, alpha, limit, out[i]);
        }
    }

    /** {@code Σ_i a[ao + i] · b[bo + i]} for {@code i < n}. */
    float dot(float[] a, int ao, float[] b, int bo, int n);

    /**
     * Softmax numerators in place: {@code s[i] = exp(s[i] - max)} for {@code i < n}; returns their sum (float32).
     * The vector kernels use the Vector API's exp (within a few ulp of {@link Math#exp}).
     */
    float expShift(float[] s, int n, float max);

    /** {@code y[yo + i] += alpha · x[xo + i]} for {@code i < n}. */
    void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n);

    /** Most query rows one {@link #attend} call takes (1 for the reference, the float lanes of a vector for the vector kernels). */
    default int attendRows() {
        return 1;
    }

    /**
     * Attention of {@code m ≤ attendRows()} query rows that read the same KV head (gpt-oss-spec.md §2.4): for row r,
     * scores {@code s_j = scale · q_r · k_j} over the key indices j in {@code [from[r], to[r]]}, softmax with the
     * learned sink {@code sinks[r]} in the denominator only, and {@code out[outOff[r] + d] = Σ_j p_j · v_j[d]}.
     * Key/value j is {@code keys[kvOff[j] + d]} / {@code values[kvOff[j] + d]} for {@code d < hd}; {@code n} is the
     * number of key indices ({@code to[r] < n}). The default runs each row alone with {@link #dot}, {@link #expShift}
     * and {@link #axpy}: the reference that blocked implementations are tested against.
     *
     * @param qOff  [m] first float of each row's query in {@code q}
     * @param kvOff [n] first float of each key (and value) in the layer's arrays
     */
    default void attend(int m, float[] q, int[] qOff, float[] sinks, int[] from, int[] to, float[] keys, float[] values,
            int[] kvOff, int n, int hd, float scale, float[] out, int[] outOff) {
        float[] scores = new float[n];
        for (int r = 0; r < m; r++) {
            int lo = from[r], len = to[r] - lo + 1;
            float max = sinks[r];
            for (int j = 0; j < len; j++) {
                float s = dot(q, qOff[r], keys, kvOff[lo + j], hd) * scale;
                scores[j] = s;
                max = Math.max(max, s);
            }
            float denom = (float) Math.exp(sinks[r] - max) + expShift(scores, len, max);
            java.util.Arrays.fill(out, outOff[r], outOff[r] + hd, 0f);
            float inv = 1f / denom;
            for (int j = 0; j < len; j++) {
                axpy(scores[j] * inv, values, kvOff[lo + j], out, outOff[r], hd);
            }
        }
    }

    /**
     * Calibration: streaming-read bandwidth of this machine in GB/s on all threads (best of {@code repeats}), over a
     * fresh buffer of about {@code bytes} filled by {@link #streamBuffer}.
     */
    default double streamReadGBs(long bytes, int repeats) {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofShared()) {
            return streamReadGBs(streamBuffer(arena, bytes, null), repeats);
        }
    }

    /** Calibration: streaming-read GB/s over {@code buffer} (from {@link #streamBuffer}), best of {@code repeats}. */
    double streamReadGBs(java.lang.foreign.MemorySegment buffer, int repeats);

    /**
     * A streaming-read buffer of whole 4 MB chunks (at least one), about {@code bytes}, holding distinct words (see
     * {@code Calibration.fillDistinct}); filled on {@code parallel}'s threads, or on this one when it is null.
     */
    static java.lang.foreign.MemorySegment streamBuffer(java.lang.foreign.Arena arena, long bytes, Parallel parallel) {
        long chunk = 4L << 20;
        java.lang.foreign.MemorySegment seg = arena.allocate(Math.max(1, bytes / chunk) * chunk, 64);
        Calibration.fillDistinct(seg, parallel);
        return seg;
    }

    /** Calibration: multiply-add throughput in GFLOP/s (2 flops per FMA lane) on all threads, in the widest vectors the kernels use. */
    double fmaGflops(long millis);
}
