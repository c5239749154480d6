// MXFP4 expert projections for the selected experts of each row. MXFP4: 32-element blocks along the
// input dimension, 16 bytes of E2M1 codes (element 2j low nibble, 2j+1 high nibble) + one E8M0 scale.
// One warp per output unit; each lane takes whole 32-element blocks (one 16-byte load of codes).
#include "ossserve_device.cuh"

// sum over one MXFP4 block of codes * x[0..31] (x 16-byte aligned), times the block scale
__device__ __forceinline__ float mxfp4_block_dot(uint4 codes, uint32_t scale, const float* x, const float* lut) {
    const float4* xv = reinterpret_cast<const float4*>(x);
    uint32_t w[4] = {codes.x, codes.y, codes.z, codes.w};
    float s = 0.f;
#pragma unroll
    for (int q = 0; q < 4; q++) {
        float4 x0 = __ldg(xv + 2 * q), x1 = __ldg(xv + 2 * q + 1);
        uint32_t b = w[q];
        s = fmaf(lut[b & 15u], x0.x, s);         s = fmaf(lut[(b >> 4) & 15u], x0.y, s);
        s = fmaf(lut[(b >> 8) & 15u], x0.z, s);  s = fmaf(lut[(b >> 12) & 15u], x0.w, s);
        s = fmaf(lut[(b >> 16) & 15u], x1.x, s); s = fmaf(lut[(b >> 20) & 15u], x1.y, s);
        s = fmaf(lut[(b >> 24) & 15u], x1.z, s); s = fmaf(lut[b >> 28], x1.w, s);
    }
    return s * e8m0_to_f32(scale);
}

__device__ __forceinline__ void load_lut(float* lut) {
    if (threadIdx.x < 16) lut[threadIdx.x] = e2m1_to_f32(threadIdx.x);
    __syncthreads();
}

// grid (ceil(I / warps), rows*k): gate/up rows 2j, 2j+1 of the routed expert, clamped SwiGLU fused.
extern "C" __global__ void __launch_bounds__(256) f32_mxfp4w_moe_gemv_swiglu(MoeUpArgs a) {
    __shared__ float lut[16];
    load_lut(lut);
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    int j = blockIdx.x * (blockDim.x >> 5) + warp;
    if (j >= a.inter) return;
    int rs = blockIdx.y;                       // row*k + slot
    int e = a.chosen[rs];
    int nb = a.hidden >> 5;
    size_t rowG = (size_t)e * 2 * a.inter + 2 * j;
    const uint4* bg = reinterpret_cast<const uint4*>(a.blocks) + rowG * nb;
    const uint4* bl = bg + nb;
    const uint8_t* sg = a.scales + rowG * nb;
    const uint8_t* sl = sg + nb;
    const float* u = a.u + (size_t)(rs / a.k) * a.hidden;
    float ag = 0.f, al = 0.f;
    for (int b = lane; b < nb; b += OSS_WARP) {
        uint4 cg = __ldg(bg + b), cl = __ldg(bl + b);
        uint32_t scg = __ldg(sg + b), scl = __ldg(sl + b);
        ag += mxfp4_block_dot(cg, scg, u + 32 * b, lut);
        al += mxfp4_block_dot(cl, scl, u + 32 * b, lut);
    }
    ag = warp_sum(ag);
    al = warp_sum(al);
    if (lane == 0) {
        float g = ag + a.bias[rowG];
        float lin = al + a.bias[rowG + 1];
        g = fminf(g, a.limit);
        lin = fmaxf(-a.limit, fminf(lin, a.limit));
        float sig = (float)(1.0 / (1.0 + exp(-(double)a.alpha * (double)g)));
        a.act[(size_t)rs * a.inter + j] = __fmul_rn(__fmul_rn(g, sig), lin + 1.f);
    }
}

// grid (ceil(H / warps), rows): down projection of the k routed experts, weighted sum with bias.
extern "C" __global__ void __launch_bounds__(256) f32_mxfp4w_moe_gemv_combine(MoeDownArgs a) {
    __shared__ float lut[16];
    load_lut(lut);
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    int n = blockIdx.x * (blockDim.x >> 5) + warp;
    if (n >= a.hidden) return;
    int r = blockIdx.y;
    int nb = a.inter >> 5;
    float y = 0.f;
    for (int s = 0; s < a.k; s++) {
        int rs = r * a.k + s;
        int e = a.chosen[rs];
        size_t row = (size_t)e * a.hidden + n;
        const uint4* bw = reinterpret_cast<const uint4*>(a.blocks) + row * nb;
        const uint8_t* sw = a.scales + row * nb;
        const float* act = a.act + (size_t)rs * a.inter;
        float acc = 0.f;
        for (int b = lane; b < nb; b += OSS_WARP) {
            acc += mxfp4_block_dot(__ldg(bw + b), __ldg(sw + b), act + 32 * b, lut);
        }
        acc = warp_sum(acc);
        y = fmaf(a.weights[rs], acc + a.bias[row], y);
    }
    if (lane == 0) a.y[(size_t)r * a.hidden + n] = y;
}
