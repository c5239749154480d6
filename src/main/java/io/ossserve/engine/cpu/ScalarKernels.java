package io.ossserve.engine.cpu;

import io.ossserve.model.Matrix;
import io.ossserve.model.Mxfp4Experts;

/** Reference kernels: one element at a time, float32 accumulation, no tricks. */
public final class ScalarKernels implements CpuKernels {

    private final Parallel parallel;

    public ScalarKernels(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void matmul(Matrix w, float[] x, int tokens, float[] out) {
        int rows = w.rows(), cols = w.cols();
        parallel.forRange(rows, 16, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                for (int t = 0; t < tokens; t++) {
                    float sum = 0;
                    for (int k = 0; k < cols; k++) {
                        sum += w.get(r, k) * x[t * cols + k];
                    }
                    out[t * rows + r] = sum;
                }
            }
        });
    }

    @Override
    public void matmulMxfp4(Mxfp4Experts w, int expert, float[] x, int tokens, float[] out) {
        int rows = w.rows(), cols = w.cols();
        parallel.forRange(rows, 16, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                for (int t = 0; t < tokens; t++) {
                    float sum = 0;
                    for (int k = 0; k < cols; k++) {
                        sum += w.get(expert, r, k) * x[t * cols + k];
                    }
                    out[t * rows + r] = sum;
                }
            }
        });
    }

    @Override
    public void swiglu(float[] h, float[] bias, int biasOff, int tokens, int inter, float alpha, float limit, float[] out) {
        for (int t = 0; t < tokens; t++) {
            for (int j = 0; j < inter; j++) {
                float g = Math.min(h[t * 2 * inter + 2 * j] + bias[biasOff + 2 * j], limit);
                float lin = Math.max(-limit, Math.min(h[t * 2 * inter + 2 * j + 1] + bias[biasOff + 2 * j + 1], limit));
                float sig = (float) (1.0 / (1.0 + Math.exp(-alpha * g)));
                out[t * inter + j] = g * sig * (lin + 1f);
            }
        }
    }

    @Override
    public float expShift(float[] s, int n, float max) {
        float sum = 0;
        for (int i = 0; i < n; i++) {
            s[i] = (float) Math.exp(s[i] - max);
            sum += s[i];
        }
        return sum;
    }

    @Override
    public float dot(float[] a, int ao, float[] b, int bo, int n) {
        float sum = 0;
        for (int i = 0; i < n; i++) {
            sum += a[ao + i] * b[bo + i];
        }
        return sum;
    }

    @Override
    public void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] += alpha * x[xo + i];
        }
    }

    @Override
    public double streamReadGBs(java.lang.foreign.MemorySegment seg, int repeats) {
        long chunk = 4L << 20;
        int n = (int) (seg.byteSize() / chunk);
        double[] sink = new double[n];
        return Calibration.bestRate(repeats, 0, n * (double) chunk, () ->
                parallel.forRange(n, 1, (from, to) -> {
                    for (int c = from; c < to; c++) {
                        float s = 0;
                        for (long off = c * chunk; off < (c + 1) * chunk; off += 4) {
                            s += seg.get(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, off);
                        }
                        sink[c] = s;
                    }
                }));
    }

    @Override
    public double fmaGflops(long millis) {
        int threads = parallel.threads();
        long iters = 1 << 16;
        double[] sink = new double[threads];
        return Calibration.bestRate(1, millis, threads * iters * 6 * 2.0, () ->
                parallel.forRange(threads, 1, (from, to) -> {
                    for (int t = from; t < to; t++) {
                        // six independent chains with distinct starts (identical chains would be merged by the JIT)
                        float b = 0.999f, c = 1e-3f;
                        float a = 1, d = 2, e = 3, f = 4, g = 5, h = 6;
                        for (long i = 0; i < iters; i++) {
                            a = Math.fma(a, b, c); d = Math.fma(d, b, c); e = Math.fma(e, b, c); f = Math.fma(f, b, c);
                            g = Math.fma(g, b, c); h = Math.fma(h, b, c);
                        }
                        sink[t] = a + d + e + f + g + h;
                    }
                }));
    }
}
