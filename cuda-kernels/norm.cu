// RMSNorm (learned scale, fp32) fused with the residual add; optional row gather for the final norm.
#include "ossserve_device.cuh"

extern "C" __global__ void __launch_bounds__(256) f32_residual_add_rmsnorm(NormArgs a) {
    __shared__ float scratch[32];
    int i = blockIdx.x;
    int s = a.rowIndex ? a.rowIndex[i] : i;
    float* x = a.x + (size_t)s * a.hidden;
    float ss = 0.f;
    for (int j = threadIdx.x; j < a.hidden; j += blockDim.x) {
        float v = x[j];
        if (a.delta) {
            v = v + a.delta[(size_t)s * a.hidden + j];
            x[j] = v;
        }
        ss = fmaf(v, v, ss);
    }
    ss = block_sum(ss, scratch);
    // as the CPU reference: 1 / sqrt(ss / h + eps) in double, then (x * inv) * scale in float
    float inv = (float)(1.0 / sqrt((double)(ss / (float)a.hidden) + (double)a.eps));
    float* out = a.out + (size_t)i * a.hidden;
    for (int j = threadIdx.x; j < a.hidden; j += blockDim.x) {
        out[j] = __fmul_rn(__fmul_rn(x[j], inv), a.scale[j]);
    }
}
