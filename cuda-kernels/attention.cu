// Attention over the paged KV cache with GQA, learned sinks (denominator only) and the banded window.
// One block per (query head, row): decode rows and prefill rows alike (each row carries its position;
// the chunk's own keys are already in the pool). Keys in tiles of blockDim, online softmax that starts
// at running max = sink, running sum = 1 (the sink's own term).
#include "ossserve_device.cuh"

#define ATTN_THREADS 128

extern "C" __global__ void __launch_bounds__(ATTN_THREADS) f32_paged_attention_sinks(AttnArgs a) {
    __shared__ float q[128];
    __shared__ float p[ATTN_THREADS];
    __shared__ float scratch[32];
    __shared__ float part[ATTN_THREADS];
    int head = blockIdx.x, r = blockIdx.y, tid = threadIdx.x;
    int hd = a.headDim;
    int g = head / (a.numHeads / a.numKvHeads);
    int kvw = a.numKvHeads * hd;
    int pos = a.positions[r];
    int start = a.window > 0 ? max(0, pos - a.window + 1) : 0;
    const int* table = a.blockTable + (size_t)a.seqSlots[r] * a.maxPagesPerSeq;
    size_t layerStride = (size_t)2 * a.pageSize * kvw;          // K then V of one layer in one page
    size_t pageStride = layerStride * a.numLayers;
    const float* qrow = a.qkv + (size_t)r * a.qkvStride + head * hd;
    if (tid < hd) q[tid] = qrow[tid];
    __syncthreads();

    int d = tid % hd, sub = tid / hd, nsub = ATTN_THREADS / hd;
    float m = a.sinks[head];
    float z = 1.f;
    float acc = 0.f;
    for (int t0 = start; t0 <= pos; t0 += ATTN_THREADS) {
        int j = t0 + tid;
        float s = -INFINITY;
        if (j <= pos) {
            const float* k = a.kvPool + table[j / a.pageSize] * pageStride + a.layer * layerStride
                    + (size_t)(j % a.pageSize) * kvw + g * hd;
            float dot = 0.f;
            for (int e = 0; e < hd; e += 4) {
                float4 kv = *reinterpret_cast<const float4*>(k + e);
                dot = fmaf(q[e], kv.x, dot); dot = fmaf(q[e + 1], kv.y, dot);
                dot = fmaf(q[e + 2], kv.z, dot); dot = fmaf(q[e + 3], kv.w, dot);
            }
            s = dot * a.scale;
        }
        float mNew = fmaxf(m, block_max(s, scratch));
        float e = j <= pos ? expf(s - mNew) : 0.f;
        float alpha = expf(m - mNew);
        float tileSum = block_sum(e, scratch);
        p[tid] = e;
        __syncthreads();
        z = z * alpha + tileSum;
        acc *= alpha;
        int n = min(ATTN_THREADS, pos - t0 + 1);
        for (int jj = sub; jj < n; jj += nsub) {
            int jk = t0 + jj;
            const float* v = a.kvPool + table[jk / a.pageSize] * pageStride + a.layer * layerStride
                    + (size_t)a.pageSize * kvw + (size_t)(jk % a.pageSize) * kvw + g * hd;
            acc = fmaf(p[jj], v[d], acc);
        }
        m = mNew;
        __syncthreads();
    }
    part[tid] = acc;
    __syncthreads();
    if (tid < hd) {
        float o = 0.f;
        for (int s2 = 0; s2 < nsub; s2++) o += part[s2 * hd + tid];
        a.out[(size_t)r * a.numHeads * hd + head * hd + tid] = o / z;
    }
}
