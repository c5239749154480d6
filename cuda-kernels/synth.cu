// Synthetic weights generated on the device (benchmarks with the exact shapes, no checkpoint).
#include "ossserve_device.cuh"

__device__ __forceinline__ unsigned long long fill_index() {
    return (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x;
}

extern "C" __global__ void __launch_bounds__(256) u8_fill_random(FillArgs a) {
    uint8_t* p = static_cast<uint8_t*>(a.p);
    unsigned long long stride = (unsigned long long)gridDim.x * blockDim.x;
    for (unsigned long long i = fill_index(); i < a.n; i += stride) {
        p[i] = (uint8_t)(a.lo + (int)(mix64(a.seed ^ mix64(i)) % (unsigned long long)a.span));
    }
}

extern "C" __global__ void __launch_bounds__(256) bf16_fill_random(FillArgs a) {
    bf16_t* p = static_cast<bf16_t*>(a.p);
    unsigned long long stride = (unsigned long long)gridDim.x * blockDim.x;
    for (unsigned long long i = fill_index(); i < a.n; i += stride) {
        float v = (2.f * uniform01(mix64(a.seed ^ mix64(i))) - 1.f) * a.scale;
        p[i] = (bf16_t)(__float_as_uint(v) >> 16);
    }
}

extern "C" __global__ void __launch_bounds__(256) f32_fill_random(FillArgs a) {
    float* p = static_cast<float*>(a.p);
    unsigned long long stride = (unsigned long long)gridDim.x * blockDim.x;
    for (unsigned long long i = fill_index(); i < a.n; i += stride) {
        p[i] = a.lo + (2.f * uniform01(mix64(a.seed ^ mix64(i))) - 1.f) * a.scale;
    }
}
