package io.ossserve.engine.cpu;

import io.ossserve.model.GptOssConfig;
import io.ossserve.model.LayerWeights;

/**
 * The mixture-of-experts block (gpt-oss-spec.md §2.5): router with bias → top-k (ties: lower expert
 * index first) → softmax over the k selected logits; per expert, interleaved gate/up projection, clamped
 * SwiGLU with (lin + 1), down projection; outputs (bias included) weighted and added to the residual.
 * Tokens are grouped by expert so each expert's weights are read once per step.
 */
final class CpuMoe {
    private final GptOssConfig c;
    private final CpuKernels kernels;

    CpuMoe(GptOssConfig c, CpuKernels kernels) {
        this.c = c;
        this.kernels = kernels;
    }

    /**
     * @param u [rows, H] normed input
     * @param x [rows, H] residual stream, updated in place
     */
    void forward(LayerWeights lw, float[] u, int rows, float[] x) {
        int h = c.hiddenSize(), e = c.numExperts(), k = c.expertsPerToken(), inter = c.intermediateSize();
        float[] logits = new float[rows * e];
        kernels.matmul(lw.router(), u, rows, logits);
        int[] chosen = new int[rows * k];
        float[] weight = new float[rows * k];
        int[] count = new int[e];
        for (int i = 0; i < rows; i++) {
            CpuBackend.addBias(logits, i * e, lw.routerBias());
            route(logits, i * e, e, k, chosen, weight, i * k);
            for (int j = 0; j < k; j++) {
                count[chosen[i * k + j]]++;
            }
        }
        for (int ex = 0; ex < e; ex++) {
            int n = count[ex];
            if (n == 0) {
                continue;
            }
            int[] members = new int[n];        // row index
            float[] gate = new float[n];       // routing weight
            float[] in = new float[n * h];
            int m = 0;
            for (int i = 0; i < rows * k; i++) {
                if (chosen[i] == ex) {
                    members[m] = i / k;
                    gate[m] = weight[i];
                    System.arraycopy(u, (i / k) * h, in, m * h, h);
                    m++;
                }
            }
            float[] h1 = new float[n * 2 * inter];
            kernels.matmulMxfp4(lw.mlp1(), ex, in, n, h1);
            float[] act = new float[n * inter];
            kernels.swiglu(h1, lw.mlp1Bias(), ex * 2 * inter, n, inter, (float) c.swigluAlpha(), (float) c.swigluLimit(), act);
            float[] y = new float[n * h];
            kernels.matmulMxfp4(lw.mlp2(), ex, act, n, y);
            int b2 = ex * h;
            for (int t = 0; t < n; t++) {
                for (int j = 0; j < h; j++) {
                    y[t * h + j] += lw.mlp2Bias()[b2 + j];
                }
                kernels.axpy(gate[t], y, t * h, x, members[t] * h, h);
            }
        }
    }

    /** Top-k of logits[off, off+e) (ties: lower index first) and softmax over the k values. */
    static void route(float[] logits, int off, int e, int k, int[] chosen, float[] weight, int outOff) {
        boolean[] taken = new boolean[e];
        for (int j = 0; j < k; j++) {
            int best = -1;
            for (int ex = 0; ex < e; ex++) {
                if (!taken[ex] && (best < 0 || logits[off + ex] > logits[off + best])) {
                    best = ex;
                }
            }
            taken[best] = true;
            chosen[outOff + j] = best;
        }
        float max = logits[off + chosen[outOff]];
        float sum = 0;
        for (int j = 0; j < k; j++) {
            float ev = (float) Math.exp(logits[off + chosen[outOff + j]] - max);
            weight[outOff + j] = ev;
            sum += ev;
        }
        for (int j = 0; j < k; j++) {
            weight[outOff + j] /= sum;
        }
    }
}
