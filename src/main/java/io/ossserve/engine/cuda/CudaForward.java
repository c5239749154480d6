package io.ossserve.engine.cuda;

import static io.ossserve.engine.cuda.LaunchShapes.WARPS;
import static io.ossserve.engine.cuda.LaunchShapes.ceilDiv;

import io.ossserve.model.GptOssConfig;

/**
 * The forward pass as a sequence of kernel launches on fixed device buffers (so the same sequence can be
 * captured into a CUDA graph). Row inputs (tokens, positions, sequence slots, logits row indices) live in
 * device arrays that the backend fills before each launch or graph replay.
 */
final class CudaForward {
    final CudaDevice d;
    final DeviceWeights w;
    final GptOssConfig c;
    final KvPages kv;
    final int maxRows, maxLogitRows;
    final DevPtr tokens, positions, slots, logitRows;                    // int[maxRows]
    final DevPtr x, t, qkv, attn, oOut, moeOut, chosen, routeWeights, act;  // activations
    final DevPtr normed, logits;                                          // [maxLogitRows, H], [maxLogitRows, V]
    final DevPtr kvPool, blockTable;
    private final int h, qw, kvw, qkvw, k, inter;

    CudaForward(CudaDevice d, DeviceWeights w, KvPages kv, long kvPoolBytes, int maxRows, int maxLogitRows) {
        this.d = d;
        this.w = w;
        this.c = w.c;
        this.kv = kv;
        this.maxRows = maxRows;
        this.maxLogitRows = maxLogitRows;
        h = c.hiddenSize();
        qw = c.qWidth();
        kvw = c.kvWidth();
        qkvw = qw + 2 * kvw;
        k = c.expertsPerToken();
        inter = c.intermediateSize();
        tokens = d.alloc(4L * maxRows);
        positions = d.alloc(4L * maxRows);
        slots = d.alloc(4L * maxRows);
        logitRows = d.alloc(4L * maxLogitRows);
        x = d.alloc(4L * maxRows * h);
        t = d.alloc(4L * maxRows * h);
        qkv = d.alloc(4L * maxRows * qkvw);
        attn = d.alloc(4L * maxRows * qw);
        oOut = d.alloc(4L * maxRows * h);
        moeOut = d.alloc(4L * maxRows * h);
        chosen = d.alloc(4L * maxRows * k);
        routeWeights = d.alloc(4L * maxRows * k);
        act = d.alloc(4L * maxRows * k * inter);
        normed = d.alloc(4L * maxLogitRows * h);
        logits = d.alloc(4L * maxLogitRows * c.vocabSize());
        kvPool = d.alloc(kvPoolBytes);
        blockTable = d.alloc(4L * kv.slots * kv.maxPagesPerSeq);
        d.zero(kvPool);
        d.zero(blockTable);
        d.zero(tokens);
        d.zero(positions);
        d.zero(slots);
    }

    /** Embedding and every layer for {@code rows} rows; leaves the last MoE output in moeOut (not yet added). */
    void layers(int rows) {
        d.launch("bf16_embedding_gather_f32", rows, 1, 256, 0,
                new KernelArgs().ptr(w.embedding.address()).ptr(tokens.address()).ptr(x.address()).i32(rows).i32(h));
        for (int l = 0; l < c.numLayers(); l++) {
            DeviceWeights.Layer lw = w.layers.get(l);
            norm(rows, l == 0 ? 0 : moeOut.address(), lw.attnNorm(), 0);
            gemv(lw.qkv().address(), lw.qkvBias().address(), t.address(), h, qkv.address(), qkvw, qkvw, h, rows);
            d.launch("f32_yarn_rope_kv_store_paged", rows, 1, 128, 0, new KernelArgs()
                    .ptr(qkv.address()).ptr(kvPool.address()).ptr(positions.address()).ptr(slots.address())
                    .ptr(blockTable.address()).ptr(w.invFreq.address())
                    .i32(rows).i32(c.numHeads()).i32(c.numKvHeads()).i32(c.headDim()).i32(l).i32(c.numLayers())
                    .i32(kv.pageSize).i32(kv.maxPagesPerSeq).f32((float) c.yarnConcentration()));
            d.launch("f32_paged_attention_sinks", c.numHeads(), rows, 128, 0, new KernelArgs()
                    .ptr(qkv.address()).ptr(attn.address()).ptr(kvPool.address()).ptr(positions.address())
                    .ptr(slots.address()).ptr(blockTable.address()).ptr(lw.sinks().address())
                    .i32(rows).i32(c.numHeads()).i32(c.numKvHeads()).i32(c.headDim()).i32(qkvw).i32(l)
                    .i32(c.numLayers()).i32(kv.pageSize).i32(kv.maxPagesPerSeq)
                    .i32(c.isSliding(l) ? c.slidingWindow() : 0).f32((float) (1.0 / Math.sqrt(c.headDim()))));
            gemv(lw.o().address(), lw.oBias().address(), attn.address(), qw, oOut.address(), h, h, qw, rows);
            norm(rows, oOut.address(), lw.mlpNorm(), 0);
            d.launch("f32_bf16w_router_gemv_topk_softmax", rows, 1, 256, 4 * c.numExperts(), new KernelArgs()
                    .ptr(lw.router().address()).ptr(lw.routerBias().address()).ptr(t.address())
                    .ptr(chosen.address()).ptr(routeWeights.address())
                    .i32(rows).i32(c.numExperts()).i32(h).i32(k));
            d.launch("f32_mxfp4w_moe_gemv_swiglu", ceilDiv(inter, WARPS), rows * k, 256, 0, new KernelArgs()
                    .ptr(lw.mlp1Blocks().address()).ptr(lw.mlp1Scales().address()).ptr(lw.mlp1Bias().address())
                    .ptr(t.address()).ptr(chosen.address()).ptr(act.address())
                    .i32(rows).i32(k).i32(h).i32(inter).f32((float) c.swigluLimit()).f32((float) c.swigluAlpha()));
            d.launch("f32_mxfp4w_moe_gemv_combine", ceilDiv(h, WARPS), rows, 256, 0, new KernelArgs()
                    .ptr(lw.mlp2Blocks().address()).ptr(lw.mlp2Scales().address()).ptr(lw.mlp2Bias().address())
                    .ptr(act.address()).ptr(chosen.address()).ptr(routeWeights.address()).ptr(moeOut.address())
                    .i32(rows).i32(k).i32(h).i32(inter));
        }
    }

    /**
     * Adds the last MoE output to {@code n} residual rows, final norm, lm_head into logits[0, n). With
     * {@code gather}, output row i comes from residual row logitRows[i]; otherwise from row i.
     */
    void finalLogits(int n, boolean gather) {
        d.launch("f32_residual_add_rmsnorm", n, 1, 256, 0, new KernelArgs()
                .ptr(x.address()).ptr(moeOut.address()).ptr(w.finalNorm.address()).ptr(normed.address())
                .ptr(gather ? logitRows.address() : 0).i32(n).i32(h).f32((float) c.rmsNormEps()));
        gemv(w.unembedding.address(), 0, normed.address(), h, logits.address(), c.vocabSize(), c.vocabSize(), h, n);
    }

    private void norm(int rows, long delta, DevPtr scale, long rowIndex) {
        d.launch("f32_residual_add_rmsnorm", rows, 1, 256, 0, new KernelArgs()
                .ptr(x.address()).ptr(delta).ptr(scale.address()).ptr(t.address()).ptr(rowIndex)
                .i32(rows).i32(h).f32((float) c.rmsNormEps()));
    }

    void gemv(long wAddr, long bias, long xAddr, int ldx, long yAddr, int ldy, int n, int kk, int rows) {
        int r = LaunchShapes.gemvRowsPerBlock(rows);
        d.launch("f32_bf16w_gemv_bias_r" + r, ceilDiv(n, WARPS), ceilDiv(rows, r), 256, 0, new KernelArgs()
                .ptr(wAddr).ptr(bias).ptr(xAddr).ptr(yAddr).i32(n).i32(kk).i32(rows).i32(ldx).i32(ldy));
    }
}
