// Embedding gather: bf16 table rows -> float32 residual stream.
#include "ossserve_device.cuh"

extern "C" __global__ void __launch_bounds__(256) bf16_embedding_gather_f32(EmbedArgs a) {
    int r = blockIdx.x;
    const bf16_t* src = a.table + (size_t)a.tokens[r] * a.hidden;
    float* dst = a.x + (size_t)r * a.hidden;
    for (int i = threadIdx.x; i < a.hidden; i += blockDim.x) {
        dst[i] = bf16_to_f32(src[i]);
    }
}
