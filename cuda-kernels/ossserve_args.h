// Argument structs of every oss-serve kernel. Each kernel takes exactly one of these by value; the Java
// side (io.ossserve.engine.cuda.KernelArgs) packs the same fields in the same order with C alignment:
// pointers 8 bytes, int/float 4 bytes, struct size rounded up to 8. Keep pointers first, scalars after.
// Activations are float32; dense weights bf16 (raw uint16 patterns); expert weights MXFP4.
#pragma once
#include <stdint.h>

typedef uint16_t bf16_t;

// x[rows, hidden] = table[tokens[r], :]
struct EmbedArgs {
    const bf16_t* table;   // [vocab, hidden]
    const int* tokens;     // [rows]
    float* x;              // [rows, hidden]
    int rows;
    int hidden;
};

// For output row i (source row s = rowIndex ? rowIndex[i] : i):
//   if delta: x[s] += delta[s];   out[i] = x[s] / sqrt(mean(x[s]^2) + eps) * scale
struct NormArgs {
    float* x;              // [*, hidden] residual stream
    const float* delta;    // [*, hidden] or null
    const float* scale;    // [hidden]
    float* out;            // [rows, hidden]
    const int* rowIndex;   // [rows] or null
    int rows;
    int hidden;
    float eps;
};

// y[r, n] = sum_k w[n, k] * x[r, k] + bias[n]   (bias may be null)
struct GemvArgs {
    const bf16_t* w;       // [n, k] row-major
    const float* bias;     // [n] or null
    const float* x;        // [rows, ldx]
    float* y;              // [rows, ldy]
    int n;
    int k;                 // multiple of 8
    int rows;
    int ldx;
    int ldy;
};

// Split-half YaRN RoPE on the Q and K parts of qkv[rows, stride] (Q | K | V), then K and V stored in
// the paged pool: pool[page][layer][2][pageSize][kvHeads*headDim], page = blockTable[slot][pos/pageSize].
struct RopeArgs {
    float* qkv;
    float* kvPool;
    const int* positions;  // [rows]
    const int* seqSlots;   // [rows]
    const int* blockTable; // [slots, maxPagesPerSeq]
    const float* invFreq;  // [headDim/2]
    int rows;
    int numHeads;
    int numKvHeads;
    int headDim;
    int layer;
    int numLayers;
    int pageSize;
    int maxPagesPerSeq;
    float concentration;
};

// out[r, h*headDim..] = softmax-with-sink attention of query head h of row r over keys
// j in [start, pos[r]], start = window > 0 ? max(0, pos - window + 1) : 0.
struct AttnArgs {
    const float* qkv;      // [rows, qkvStride], Q at column 0
    float* out;            // [rows, numHeads*headDim]
    const float* kvPool;
    const int* positions;
    const int* seqSlots;
    const int* blockTable;
    const float* sinks;    // [numHeads]
    int rows;
    int numHeads;
    int numKvHeads;
    int headDim;           // divides 128, <= 128
    int qkvStride;
    int layer;
    int numLayers;
    int pageSize;
    int maxPagesPerSeq;
    int window;            // 0 = full causal
    float scale;
};

// Router: logits = w·u + bias (E outputs), top-k (ties: lower index), softmax over the k selected.
struct RouterArgs {
    const bf16_t* w;       // [E, hidden]
    const float* bias;     // [E]
    const float* u;        // [rows, hidden]
    int* chosen;           // [rows, k]
    float* weights;        // [rows, k]
    int rows;
    int numExperts;
    int hidden;
    int k;
};

// act[r*k + s, j] = swiglu(W1[e]·u[r] + b1[e]) for e = chosen[r*k + s]; rows 2j (gate), 2j+1 (linear).
struct MoeUpArgs {
    const uint8_t* blocks; // [E, 2I, H/32, 16]
    const uint8_t* scales; // [E, 2I, H/32]
    const float* bias;     // [E, 2I]
    const float* u;        // [rows, H]
    const int* chosen;     // [rows, k]
    float* act;            // [rows*k, I]
    int rows;
    int k;
    int hidden;
    int inter;
    float limit;
    float alpha;
};

// y[r, n] = sum_s weights[r, s] * (W2[e_s][n]·act[r*k + s] + b2[e_s][n]).
struct MoeDownArgs {
    const uint8_t* blocks; // [E, H, I/32, 16]
    const uint8_t* scales; // [E, H, I/32]
    const float* bias;     // [E, H]
    const float* act;      // [rows*k, I]
    const int* chosen;
    const float* weights;
    float* y;              // [rows, H]
    int rows;
    int k;
    int hidden;
    int inter;
};

// One block per row of logits: greedy / temperature + top-k + top-p (Gumbel-max inside the kept set,
// counter-based random numbers keyed by seed and draw index), log-probability and top-N alternatives.
struct SampleArgs {
    const float* logits;       // [rows, vocab]
    const float* temperature;  // [rows] (<= 0: greedy)
    const float* topP;         // [rows]
    const int* topK;           // [rows] (0: off)
    const unsigned long long* seeds; // [rows]
    const int* draws;          // [rows] draw index (step counter of the sequence)
    int* tokens;               // [rows]
    float* logprobs;           // [rows]
    int* topIds;               // [rows, topN]
    float* topLogprobs;        // [rows, topN]
    int rows;
    int vocab;
    int topN;
};

// Synthetic weights: p[i] for i < n from a hash of (seed, i).
//   u8: lo + hash % span      bf16: uniform(-scale, scale)      f32: uniform(-scale, scale)
struct FillArgs {
    void* p;
    unsigned long long n;
    unsigned long long seed;
    float scale;
    int lo;
    int span;
};
