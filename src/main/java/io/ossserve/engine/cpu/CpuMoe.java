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
    private final Parallel parallel;

    CpuMoe(GptOssConfig c, CpuKernels kernels, Parallel parallel) {
        this.c = c;
        this.kernels = kernels;
        this.parallel = parallel;
    }

    /** Hidden-dimension columns per piece when the experts' outputs of a prefill chunk are added to the residual. */
    private static final int COMBINE_GRAIN = 128;

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
        int active = 0;
        for (int ex = 0; ex < e; ex++) {
            active += count[ex] > 0 ? 1 : 0;
        }
        int[] experts = new int[active], tokens = new int[active];
        int[][] members = new int[active][];      // row index of each token of the expert
        float[][] gate = new float[active][];     // its routing weight
        float[][] in = new float[active][];       // [n, H]
        float[][] h1 = new float[active][];       // [n, 2I]
        int a = 0;
        for (int ex = 0; ex < e; ex++) {
            int n = count[ex];
            if (n == 0) {
                continue;
            }
            experts[a] = ex;
            tokens[a] = n;
            members[a] = new int[n];
            gate[a] = new float[n];
            in[a] = new float[n * h];
            h1[a] = new float[n * 2 * inter];
            int m = 0;
            for (int i = 0; i < rows * k; i++) {
                if (chosen[i] == ex) {
                    members[a][m] = i / k;
                    gate[a][m] = weight[i];
                    System.arraycopy(u, (i / k) * h, in[a], m * h, h);
                    m++;
                }
            }
            a++;
        }
        kernels.matmulMxfp4(lw.mlp1(), experts, in, tokens, h1);
        float[][] act = new float[active][];     // [n, I]
        float[][] y = new float[active][];       // [n, H]
        int[] biasOff = new int[active];
        for (a = 0; a < active; a++) {
            act[a] = new float[tokens[a] * inter];
            y[a] = new float[tokens[a] * h];
            biasOff[a] = experts[a] * 2 * inter;
        }
        kernels.swiglu(h1, lw.mlp1Bias(), biasOff, tokens, inter, (float) c.swigluAlpha(), (float) c.swigluLimit(), act);
        kernels.matmulMxfp4(lw.mlp2(), experts, act, tokens, y);
        // each element of x gets its experts' outputs in expert order, whatever the split into column ranges: the sum
        // order is fixed; a prefill chunk's rows are split across threads by columns
        int nActive = active;
        float[] bias = lw.mlp2Bias();
        parallel.forRange(h, rows > 1 ? COMBINE_GRAIN : h, (j0, j1) -> {
            for (int ai = 0; ai < nActive; ai++) {
                int b2 = experts[ai] * h;
                for (int t = 0; t < tokens[ai]; t++) {
                    for (int j = j0; j < j1; j++) {
                        y[ai][t * h + j] += bias[b2 + j];
                    }
                    kernels.axpy(gate[ai][t], y[ai], t * h + j0, x, members[ai][t] * h + j0, j1 - j0);
                }
            }
        });
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
