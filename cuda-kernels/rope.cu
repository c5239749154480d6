// Split-half YaRN RoPE on Q and K (concentration folded into cos/sin, computed as the CPU reference
// does: float phase, double cos/sin), then K and V written into the paged KV pool.
#include "ossserve_device.cuh"

__device__ __forceinline__ size_t kv_offset(int page, int layer, int numLayers, int kv, int pageSize, int slot, int width) {
    return ((((size_t)page * numLayers + layer) * 2 + kv) * pageSize + slot) * width;
}

extern "C" __global__ void __launch_bounds__(128) f32_yarn_rope_kv_store_paged(RopeArgs a) {
    int r = blockIdx.x;
    int half = a.headDim >> 1;
    int qw = a.numHeads * a.headDim, kvw = a.numKvHeads * a.headDim;
    int stride = qw + 2 * kvw;
    int pos = a.positions[r];
    float* row = a.qkv + (size_t)r * stride;
    int pairs = (a.numHeads + a.numKvHeads) * half;
    for (int p = threadIdx.x; p < pairs; p += blockDim.x) {
        int head = p / half, i = p - head * half;
        float phase = __fmul_rn((float)pos, a.invFreq[i]);
        double sd, cd;
        sincos((double)phase, &sd, &cd);
        float c = (float)((double)a.concentration * cd);
        float s = (float)((double)a.concentration * sd);
        float* v = row + head * a.headDim;           // K heads follow Q heads contiguously
        float x1 = v[i], x2 = v[i + half];
        v[i] = __fsub_rn(__fmul_rn(x1, c), __fmul_rn(x2, s));
        v[i + half] = __fadd_rn(__fmul_rn(x2, c), __fmul_rn(x1, s));
    }
    __syncthreads();
    int seq = a.seqSlots[r];
    int page = a.blockTable[(size_t)seq * a.maxPagesPerSeq + pos / a.pageSize];
    int slot = pos % a.pageSize;
    float* kdst = a.kvPool + kv_offset(page, a.layer, a.numLayers, 0, a.pageSize, slot, kvw);
    float* vdst = a.kvPool + kv_offset(page, a.layer, a.numLayers, 1, a.pageSize, slot, kvw);
    for (int j = threadIdx.x; j < kvw; j += blockDim.x) {
        kdst[j] = row[qw + j];
        vdst[j] = row[qw + kvw + j];
    }
}
