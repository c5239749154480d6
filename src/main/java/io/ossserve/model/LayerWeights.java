package io.ossserve.model;

/**
 * One transformer block. Small vectors are copied to the heap as floats; matrices stay mapped.
 * Shapes with Q = heads·headDim, KV = kvHeads·headDim, H = hidden, I = intermediate, E = experts:
 *
 * @param attnNorm    [H]
 * @param q           [Q, H]     with qBias [Q]
 * @param k           [KV, H]    with kBias [KV]
 * @param v           [KV, H]    with vBias [KV]
 * @param sinks       [heads]
 * @param o           [H, Q]     with oBias [H]
 * @param mlpNorm     [H]
 * @param router      [E, H]     with routerBias [E]
 * @param mlp1        gate/up, interleaved rows: [E, 2I, H] MXFP4; mlp1Bias [E·2I]
 * @param mlp2        down: [E, H, I] MXFP4; mlp2Bias [E·H]
 */
public record LayerWeights(
        int index,
        boolean sliding,
        float[] attnNorm,
        Matrix q, float[] qBias,
        Matrix k, float[] kBias,
        Matrix v, float[] vBias,
        float[] sinks,
        Matrix o, float[] oBias,
        float[] mlpNorm,
        Matrix router, float[] routerBias,
        Mxfp4Experts mlp1, float[] mlp1Bias,
        Mxfp4Experts mlp2, float[] mlp2Bias) {
}
