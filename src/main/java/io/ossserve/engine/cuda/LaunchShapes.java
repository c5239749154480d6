package io.ossserve.engine.cuda;

/** Launch-configuration arithmetic shared by the backend and its tests (no JCuda). */
final class LaunchShapes {
    private LaunchShapes() {}

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
