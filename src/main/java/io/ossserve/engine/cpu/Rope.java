package io.ossserve.engine.cpu;

import io.ossserve.model.GptOssConfig;

/**
 * Split-half RoPE with YaRN "NTK-by-parts" frequencies (gpt-oss-spec.md §2.3): unrounded ramp bounds,
 * concentration multiplied into cos and sin, applied at every position.
 */
public final class Rope {
    private final int half;
    private final float[] invFreq;   // [headDim/2]
    private final float concentration;

    public Rope(GptOssConfig c) {
        half = c.headDim() / 2;
        invFreq = inverseFrequencies(c);
        concentration = (float) c.yarnConcentration();
    }

    /** inv_i = (1/freq_i)·w_i + (1/(s·freq_i))·(1 − w_i), freq_i = θ^(2i/d), w_i = 1 − ramp_i. */
    public static float[] inverseFrequencies(GptOssConfig c) {
        int half = c.headDim() / 2;
        double s = c.ropeScalingFactor();
        double[] lh = c.yarnRange();
        float[] inv = new float[half];
        for (int i = 0; i < half; i++) {
            double freq = Math.pow(c.ropeTheta(), 2.0 * i / c.headDim());
            if (s <= 1.0) {
                inv[i] = (float) (1.0 / freq);
                continue;
            }
            double ramp = Math.min(1.0, Math.max(0.0, (i - lh[0]) / (lh[1] - lh[0])));
            double w = 1.0 - ramp;
            inv[i] = (float) (w / freq + (1.0 - w) / (s * freq));
        }
        return inv;
    }

    /** cos and sin for one position: out[0..half) = cos, out[half..2·half) = sin, both × concentration. */
    public void table(int position, float[] out, int offset) {
        for (int i = 0; i < half; i++) {
            float phase = (float) position * invFreq[i];
            out[offset + i] = (float) (concentration * Math.cos(phase));
            out[offset + half + i] = (float) (concentration * Math.sin(phase));
        }
    }

    /** Rotates {@code heads} consecutive head vectors of width 2·half starting at {@code off}. */
    public void apply(float[] v, int off, int heads, float[] table, int tableOff) {
        for (int h = 0; h < heads; h++) {
            int base = off + h * 2 * half;
            for (int i = 0; i < half; i++) {
                float c = table[tableOff + i], s = table[tableOff + half + i];
                float x1 = v[base + i], x2 = v[base + half + i];
                v[base + i] = x1 * c - x2 * s;
                v[base + half + i] = x2 * c + x1 * s;
            }
        }
    }
}
