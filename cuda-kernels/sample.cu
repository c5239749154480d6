// On-device token choice, one block per row of logits. Greedy = argmax (ties: lowest id). Otherwise
// probabilities exp((l - max) / T); top-k and top-p keep every token whose logit is >= a threshold found
// by bisection over the order-preserving integer image of the logits (the largest threshold whose kept
// set still has >= k tokens and >= top_p of the mass); the draw is a Gumbel-max over the kept set with
// counter-based random numbers keyed by (seed, draw, token id). Log-probabilities are of the raw logits.
#include "ossserve_device.cuh"

#define SAMPLE_THREADS 1024

__device__ __forceinline__ uint32_t order_key(float f) {
    uint32_t b = __float_as_uint(f);
    return (b & 0x80000000u) ? ~b : (b | 0x80000000u);
}

__device__ __forceinline__ float gumbel(unsigned long long seed, int draw, int i) {
    unsigned long long h = mix64(seed ^ mix64(((unsigned long long)(uint32_t)draw << 32) | (uint32_t)i));
    return -logf(-logf(uniform01(h)));
}

extern "C" __global__ void __launch_bounds__(SAMPLE_THREADS) f32_logits_sample(SampleArgs a) {
    __shared__ float sv[32];
    __shared__ int si[32];
    int r = blockIdx.x, tid = threadIdx.x;
    const float* l = a.logits + (size_t)r * a.vocab;
    // raw argmax and log-partition
    float bv = -INFINITY;
    int bi = 0x7FFFFFFF;
    float lo = INFINITY;
    for (int i = tid; i < a.vocab; i += blockDim.x) {
        float v = l[i];
        if (better(v, i, bv, bi)) { bv = v; bi = i; }
        lo = fminf(lo, v);
    }
    block_argmax(bv, bi, sv, si);
    float mx = bv;
    int greedyTok = bi;
    lo = -block_max(-lo, sv);
    float se = 0.f;
    for (int i = tid; i < a.vocab; i += blockDim.x) se += expf(l[i] - mx);
    float logZ = mx + logf(block_sum(se, sv));

    float temp = a.temperature[r];
    int topK = a.topK[r];
    float topP = a.topP[r];
    int tok = greedyTok;
    if (temp > 0.f && topK != 1) {
        float invT = 1.f / temp;
        uint32_t thr = order_key(lo);
        bool limitK = topK > 0 && topK < a.vocab;
        bool limitP = topP < 1.f;
        if (limitK || limitP) {
            float total = 0.f;
            for (int i = tid; i < a.vocab; i += blockDim.x) total += expf((l[i] - mx) * invT);
            total = block_sum(total, sv);
            uint32_t loK = order_key(lo), hiK = order_key(mx);
            while (loK < hiK) {                      // largest key whose kept set satisfies both limits
                uint32_t mid = loK + (hiK - loK + 1) / 2;
                float cnt = 0.f, mass = 0.f;
                for (int i = tid; i < a.vocab; i += blockDim.x) {
                    float v = l[i];
                    if (order_key(v) >= mid) { cnt += 1.f; mass += expf((v - mx) * invT); }
                }
                cnt = block_sum(cnt, sv);
                mass = block_sum(mass, sv);
                bool ok = (!limitK || cnt >= (float)topK) && (!limitP || mass >= topP * total);
                if (ok) loK = mid; else hiK = mid - 1;
            }
            thr = loK;
        }
        unsigned long long seed = a.seeds[r];
        int draw = a.draws[r];
        float gv = -INFINITY;
        int gi = 0x7FFFFFFF;
        for (int i = tid; i < a.vocab; i += blockDim.x) {
            float v = l[i];
            if (order_key(v) >= thr) {
                float key = (v - mx) * invT + gumbel(seed, draw, i);
                if (better(key, i, gv, gi)) { gv = key; gi = i; }
            }
        }
        block_argmax(gv, gi, sv, si);
        tok = gi == 0x7FFFFFFF ? greedyTok : gi;
    }
    if (tid == 0) {
        a.tokens[r] = tok;
        a.logprobs[r] = l[tok] - logZ;
    }
    // top-N alternatives by repeated masked argmax (value desc, id asc)
    float pv = INFINITY;
    int pi = -1;
    for (int n = 0; n < a.topN; n++) {
        float cv = -INFINITY;
        int ci = 0x7FFFFFFF;
        for (int i = tid; i < a.vocab; i += blockDim.x) {
            float v = l[i];
            bool after = v < pv || (v == pv && i > pi);
            if (after && better(v, i, cv, ci)) { cv = v; ci = i; }
        }
        block_argmax(cv, ci, sv, si);
        if (tid == 0) {
            a.topIds[(size_t)r * a.topN + n] = ci;
            a.topLogprobs[(size_t)r * a.topN + n] = cv - logZ;
        }
        pv = cv;
        pi = ci;
    }
}
