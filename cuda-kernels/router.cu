// MoE router: GEMV with bias over the E experts, top-k (ties: lower index first), softmax over the k
// selected logits. One block per row; logits stay in shared memory.
#include "ossserve_device.cuh"

extern "C" __global__ void __launch_bounds__(256) f32_bf16w_router_gemv_topk_softmax(RouterArgs a) {
    extern __shared__ float logits[];               // [numExperts]
    int r = blockIdx.x, warp = threadIdx.x >> 5, lane = threadIdx.x & 31, nw = blockDim.x >> 5;
    const float* u = a.u + (size_t)r * a.hidden;
    int chunks = a.hidden >> 3;
    for (int e = warp; e < a.numExperts; e += nw) {
        const uint4* w = reinterpret_cast<const uint4*>(a.w + (size_t)e * a.hidden);
        float s = 0.f;
        for (int c = lane; c < chunks; c += OSS_WARP) {
            float wf[8];
            bf16x8_to_f32(__ldg(w + c), wf);
            const float4* x = reinterpret_cast<const float4*>(u) + 2 * c;
            float4 x0 = x[0], x1 = x[1];
            s = fmaf(wf[0], x0.x, s); s = fmaf(wf[1], x0.y, s); s = fmaf(wf[2], x0.z, s); s = fmaf(wf[3], x0.w, s);
            s = fmaf(wf[4], x1.x, s); s = fmaf(wf[5], x1.y, s); s = fmaf(wf[6], x1.z, s); s = fmaf(wf[7], x1.w, s);
        }
        s = warp_sum(s);
        if (lane == 0) logits[e] = s + a.bias[e];
    }
    __syncthreads();
    if (warp != 0) return;
    int* chosen = a.chosen + (size_t)r * a.k;
    float* weights = a.weights + (size_t)r * a.k;
    float top0 = 0.f, sum = 0.f;
    for (int j = 0; j < a.k; j++) {
        float bv = -INFINITY;
        int bi = 0x7FFFFFFF;
        for (int e = lane; e < a.numExperts; e += OSS_WARP) {
            bool taken = false;
            for (int t = 0; t < j; t++) taken |= chosen[t] == e;
            if (!taken && (bi == 0x7FFFFFFF || better(logits[e], e, bv, bi))) { bv = logits[e]; bi = e; }
        }
        warp_argmax(bv, bi);
        if (lane == 0) chosen[j] = bi;
        __syncwarp();
        if (j == 0) top0 = bv;
        float ev = expf(bv - top0);
        if (lane == 0) weights[j] = ev;
        sum += ev;
    }
    __syncwarp();
    if (lane < a.k) weights[lane] = weights[lane] / sum;
}
