package io.ossserve.engine.cuda;

/** Launch-configuration arithmetic shared by the backend and its tests (no JCuda). */
final class LaunchShapes {
    private LaunchShapes() {}

    /** Every kernel of the fatbin (cuda-kernels/*.cu). */
    static final java.util.List<String> KERNELS = java.util.List.of("bf16_embedding_gather_f32", "f32_residual_add_rmsnorm",
            "f32_bf16w_gemv_bias_r1", "f32_bf16w_gemv_bias_r2", "f32_bf16w_gemv_bias_r4", "f32_bf16w_gemv_bias_r8",
            "f32_yarn_rope_kv_store_paged", "f32_paged_attention_sinks", "f32_bf16w_router_gemv_topk_softmax",
            "f32_mxfp4w_moe_gemv_swiglu", "f32_mxfp4w_moe_gemv_combine", "f32_logits_sample",
            "u8_fill_random", "bf16_fill_random", "f32_fill_random");

    /** Warps (outputs) per 256-thread block in the warp-per-output kernels. */
    static final int WARPS = 8;

    static int ceilDiv(long a, long b) {
        return (int) ((a + b - 1) / b);
    }

    /** Activation rows per block of f32_bf16w_gemv_bias_rN: the smallest instantiated N >= rows, at most 8. */
    static int gemvRowsPerBlock(int rows) {
        return rows <= 1 ? 1 : rows <= 2 ? 2 : rows <= 4 ? 4 : 8;
    }

    /** Graph bucket for a decode batch: the next power of two >= rows. */
    static int bucket(int rows) {
        int b = 1;
        while (b < rows) {
            b <<= 1;
        }
        return b;
    }

    /** The shapes the kernels assume, or a reason why this model cannot run on them. */
    static String unsupportedReason(int hidden, int qWidth, int kvWidth, int headDim, int intermediate) {
        if (hidden % 8 != 0 || qWidth % 8 != 0 || kvWidth % 8 != 0) {
            return "hidden/Q/KV widths must be multiples of 8 for 16-byte bf16 loads";
        }
        if (headDim > 128 || 128 % headDim != 0 || headDim % 4 != 0) {
            return "head_dim " + headDim + " must divide 128 and be a multiple of 4";
        }
        if (hidden % 32 != 0 || intermediate % 32 != 0) {
            return "hidden and intermediate sizes must be multiples of 32 (MXFP4 blocks)";
        }
        return null;
    }
}
