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
}
