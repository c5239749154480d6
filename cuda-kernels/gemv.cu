// Dense bf16-weight matrix x float32 activations (+ bias): one warp per output, ROWS activation rows
// per block sharing each 16-byte weight load. Used for QKV, attention output, and lm_head.
#include "ossserve_device.cuh"

template <int ROWS>
__device__ __forceinline__ void gemv_bias(const GemvArgs& a) {
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    int n = blockIdx.x * (blockDim.x >> 5) + warp;
    if (n >= a.n) return;
    int r0 = blockIdx.y * ROWS;
    int nr = min(ROWS, a.rows - r0);
    const uint4* w = reinterpret_cast<const uint4*>(a.w + (size_t)n * a.k);
    float acc[ROWS];
#pragma unroll
    for (int r = 0; r < ROWS; r++) acc[r] = 0.f;
    int chunks = a.k >> 3;
#pragma unroll 2
    for (int c = lane; c < chunks; c += OSS_WARP) {
        float wf[8];
        bf16x8_to_f32(__ldg(w + c), wf);
#pragma unroll
        for (int r = 0; r < ROWS; r++) {
            if (r < nr) {
                const float4* x = reinterpret_cast<const float4*>(a.x + (size_t)(r0 + r) * a.ldx) + 2 * c;
                float4 x0 = __ldg(x), x1 = __ldg(x + 1);
                float s = acc[r];
                s = fmaf(wf[0], x0.x, s); s = fmaf(wf[1], x0.y, s); s = fmaf(wf[2], x0.z, s); s = fmaf(wf[3], x0.w, s);
                s = fmaf(wf[4], x1.x, s); s = fmaf(wf[5], x1.y, s); s = fmaf(wf[6], x1.z, s); s = fmaf(wf[7], x1.w, s);
                acc[r] = s;
            }
        }
    }
    float b = a.bias ? a.bias[n] : 0.f;
#pragma unroll
    for (int r = 0; r < ROWS; r++) {
        float s = warp_sum(acc[r]);
        if (lane == 0 && r < nr) a.y[(size_t)(r0 + r) * a.ldy + n] = s + b;
    }
}

extern "C" __global__ void __launch_bounds__(256) f32_bf16w_gemv_bias_r1(GemvArgs a) { gemv_bias<1>(a); }
extern "C" __global__ void __launch_bounds__(256) f32_bf16w_gemv_bias_r2(GemvArgs a) { gemv_bias<2>(a); }
extern "C" __global__ void __launch_bounds__(256) f32_bf16w_gemv_bias_r4(GemvArgs a) { gemv_bias<4>(a); }
extern "C" __global__ void __launch_bounds__(256) f32_bf16w_gemv_bias_r8(GemvArgs a) { gemv_bias<8>(a); }
