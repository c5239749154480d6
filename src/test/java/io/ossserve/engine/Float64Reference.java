package io.ossserve.engine;

import io.ossserve.model.GptOssConfig;
import io.ossserve.model.LayerWeights;
import io.ossserve.model.Matrix;
import io.ossserve.model.ModelWeights;
import io.ossserve.model.Mxfp4Experts;

/**
 * An independent float64 evaluation of gpt-oss-spec.md §2, written from the spec for tests only: no KV
 * cache (full recomputation), no batching, every weight read element by element. It is the oracle for
 * the engine's logits.
 */
public final class Float64Reference {
    private final ModelWeights w;
    private final GptOssConfig c;

    public Float64Reference(ModelWeights weights) {
        this.w = weights;
        this.c = weights.config();
    }

    /** Teacher-forced logits for every position: [T][vocab]. */
    public double[][] logits(int[] tokens) {
        return logits(tokens, 0);
    }

    /** Logits for positions {@code >= fromRow} only (rows before it are null), to save time. */
    public double[][] logits(int[] tokens, int fromRow) {
        int tn = tokens.length, h = c.hiddenSize();
        double[][] x = new double[tn][];
        for (int t = 0; t < tn; t++) {
            x[t] = new double[h];
            for (int j = 0; j < h; j++) {
                x[t][j] = w.embedding().get(tokens[t], j);
            }
        }
        for (LayerWeights lw : w.layers()) {
            double[][] a = attention(lw, x);
            for (int t = 0; t < tn; t++) {
                for (int j = 0; j < h; j++) {
                    x[t][j] += a[t][j];
                }
            }
            for (int t = 0; t < tn; t++) {
                double[] m = moe(lw, norm(x[t], lw.mlpNorm()));
                for (int j = 0; j < h; j++) {
                    x[t][j] += m[j];
                }
            }
        }
        double[][] out = new double[tn][];
        for (int t = fromRow; t < tn; t++) {
            out[t] = matvec(w.unembedding(), norm(x[t], w.finalNorm()));
        }
        return out;
    }

    double[] norm(double[] v, float[] scale) {
        double ss = 0;
        for (double d : v) {
            ss += d * d;
        }
        double inv = 1.0 / Math.sqrt(ss / v.length + c.rmsNormEps());
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * inv * scale[i];
        }
        return out;
    }

    static double[] matvec(Matrix m, double[] v) {
        double[] out = new double[m.rows()];
        for (int r = 0; r < m.rows(); r++) {
            double s = 0;
            for (int k = 0; k < m.cols(); k++) {
                s += m.get(r, k) * v[k];
            }
            out[r] = s;
        }
        return out;
    }

    static double[] expertMatvec(Mxfp4Experts m, int e, double[] v) {
        double[] out = new double[m.rows()];
        for (int r = 0; r < m.rows(); r++) {
            double s = 0;
            for (int k = 0; k < m.cols(); k++) {
                s += m.get(e, r, k) * v[k];
            }
            out[r] = s;
        }
        return out;
    }

    static double[] plus(double[] a, float[] bias, int off) {
        double[] out = a.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += bias[off + i];
        }
        return out;
    }

    /** Split-half rotation of each head vector by YaRN frequencies, concentration on cos and sin. */
    double[] rope(double[] v, int heads, int p) {
        int d = c.headDim(), half = d / 2;
        double s = c.ropeScalingFactor();
        double dHalf = half;
        double low = dHalf * Math.log(c.initialContextLength() / (c.ropeBetaFast() * 2 * Math.PI)) / Math.log(c.ropeTheta());
        double high = dHalf * Math.log(c.initialContextLength() / (c.ropeBetaSlow() * 2 * Math.PI)) / Math.log(c.ropeTheta());
        double conc = 0.1 * Math.log(s) + 1.0;
        double[] out = v.clone();
        for (int i = 0; i < half; i++) {
            double freq = Math.pow(c.ropeTheta(), (double) (2 * i) / d);
            double ramp = Math.min(1, Math.max(0, (i - low) / (high - low)));
            double extrap = 1 - ramp;
            double inv = extrap / freq + (1 - extrap) / (s * freq);
            double cs = conc * Math.cos(p * inv), sn = conc * Math.sin(p * inv);
            for (int hh = 0; hh < heads; hh++) {
                int b = hh * d;
                double x1 = v[b + i], x2 = v[b + i + half];
                out[b + i] = x1 * cs - x2 * sn;
                out[b + i + half] = x2 * cs + x1 * sn;
            }
        }
        return out;
    }

    double[][] attention(LayerWeights lw, double[][] x) {
        int tn = x.length, d = c.headDim(), heads = c.numHeads(), per = c.headsPerKvHead();
        double[][] q = new double[tn][], k = new double[tn][], v = new double[tn][];
        for (int t = 0; t < tn; t++) {
            double[] u = norm(x[t], lw.attnNorm());
            q[t] = rope(plus(matvec(lw.q(), u), lw.qBias(), 0), heads, t);
            k[t] = rope(plus(matvec(lw.k(), u), lw.kBias(), 0), c.numKvHeads(), t);
            v[t] = plus(matvec(lw.v(), u), lw.vBias(), 0);
        }
        double[][] out = new double[tn][];
        for (int t = 0; t < tn; t++) {
            double[] cat = new double[heads * d];
            for (int hh = 0; hh < heads; hh++) {
                int g = hh / per;
                double sink = lw.sinks()[hh];
                double[] logit = new double[t + 1];
                double max = sink;
                for (int j = 0; j <= t; j++) {
                    boolean visible = !lw.sliding() || t - j < c.slidingWindow();
                    if (!visible) {
                        logit[j] = Double.NEGATIVE_INFINITY;
                        continue;
                    }
                    double dot = 0;
                    for (int i = 0; i < d; i++) {
                        dot += q[t][hh * d + i] * k[j][g * d + i];
                    }
                    logit[j] = dot / Math.sqrt(d);
                    max = Math.max(max, logit[j]);
                }
                double z = Math.exp(sink - max);
                for (int j = 0; j <= t; j++) {
                    z += Math.exp(logit[j] - max);
                }
                for (int j = 0; j <= t; j++) {
                    double p = Math.exp(logit[j] - max) / z;
                    for (int i = 0; i < d; i++) {
                        cat[hh * d + i] += p * v[j][g * d + i];
                    }
                }
            }
            out[t] = plus(matvec(lw.o(), cat), lw.oBias(), 0);
        }
        return out;
    }

    double[] moe(LayerWeights lw, double[] u) {
        int e = c.numExperts(), topk = c.expertsPerToken(), inter = c.intermediateSize(), h = c.hiddenSize();
        double[] r = plus(matvec(lw.router(), u), lw.routerBias(), 0);
        int[] idx = new int[topk];
        boolean[] used = new boolean[e];
        for (int j = 0; j < topk; j++) {
            int best = -1;
            for (int ex = 0; ex < e; ex++) {
                if (!used[ex] && (best < 0 || r[ex] > r[best])) {
                    best = ex;
                }
            }
            used[best] = true;
            idx[j] = best;
        }
        double max = r[idx[0]], sum = 0;
        double[] wts = new double[topk];
        for (int j = 0; j < topk; j++) {
            wts[j] = Math.exp(r[idx[j]] - max);
            sum += wts[j];
        }
        double[] out = new double[h];
        double limit = c.swigluLimit();
        for (int j = 0; j < topk; j++) {
            int ex = idx[j];
            double[] hh = plus(expertMatvec(lw.mlp1(), ex, u), lw.mlp1Bias(), ex * 2 * inter);
            double[] act = new double[inter];
            for (int n = 0; n < inter; n++) {
                double g = Math.min(hh[2 * n], limit);
                double lin = Math.max(-limit, Math.min(hh[2 * n + 1], limit));
                act[n] = g / (1 + Math.exp(-c.swigluAlpha() * g)) * (lin + 1);
            }
            double[] y = plus(expertMatvec(lw.mlp2(), ex, act), lw.mlp2Bias(), ex * h);
            for (int i = 0; i < h; i++) {
                out[i] += wts[j] / sum * y[i];
            }
        }
        return out;
    }

    /** ‖a − b‖ / ‖b‖ over the rows from {@code fromRow}. */
    public static double relativeL2(float[][] a, double[][] b, int fromRow) {
        double num = 0, den = 0;
        for (int t = fromRow; t < b.length; t++) {
            for (int i = 0; i < b[t].length; i++) {
                double d = a[t][i] - b[t][i];
                num += d * d;
                den += b[t][i] * b[t][i];
            }
        }
        return Math.sqrt(num / den);
    }
}
