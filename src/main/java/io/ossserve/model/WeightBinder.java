package io.ossserve.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Maps checkpoint tensor names onto {@link ModelWeights}, checking every shape and dtype (the one name table). */
final class WeightBinder {
    private final Path dir;
    private final Map<String, Tensor> tensors;
    private final GptOssConfig c;
    private final Set<String> used = new HashSet<>();

    WeightBinder(Path dir, Map<String, Tensor> tensors, GptOssConfig config) {
        this.dir = dir;
        this.tensors = tensors;
        this.c = config;
    }

    ModelWeights bindHf() {
        int h = c.hiddenSize(), q = c.qWidth(), kv = c.kvWidth(), e = c.numExperts(), i2 = 2 * c.intermediateSize();
        List<LayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            if (tensors.containsKey(p + "mlp.experts.gate_up_proj")) {
                throw new CheckpointException(dir + ": tensor " + p + "mlp.experts.gate_up_proj holds dequantised (dense) experts;"
                        + " only MXFP4 experts (gate_up_proj_blocks/_scales) are supported");
            }
            layers.add(new LayerWeights(l, c.isSliding(l),
                    vector(p + "input_layernorm.weight", h),
                    matrix(p + "self_attn.q_proj.weight", q, h), vector(p + "self_attn.q_proj.bias", q),
                    matrix(p + "self_attn.k_proj.weight", kv, h), vector(p + "self_attn.k_proj.bias", kv),
                    matrix(p + "self_attn.v_proj.weight", kv, h), vector(p + "self_attn.v_proj.bias", kv),
                    vector(p + "self_attn.sinks", c.numHeads()),
                    matrix(p + "self_attn.o_proj.weight", h, q), vector(p + "self_attn.o_proj.bias", h),
                    vector(p + "post_attention_layernorm.weight", h),
                    matrix(p + "mlp.router.weight", e, h), vector(p + "mlp.router.bias", e),
                    experts(p + "mlp.experts.gate_up_proj_blocks", p + "mlp.experts.gate_up_proj_scales", i2, h),
                    vector(p + "mlp.experts.gate_up_proj_bias", e, i2),
                    experts(p + "mlp.experts.down_proj_blocks", p + "mlp.experts.down_proj_scales", h, c.intermediateSize()),
                    vector(p + "mlp.experts.down_proj_bias", e, h)));
        }
        return new ModelWeights(c, matrix("model.embed_tokens.weight", c.vocabSize(), h), List.copyOf(layers),
                vector("model.norm.weight", h), matrix("lm_head.weight", c.vocabSize(), h));
    }

    ModelWeights bindOriginal() {
        int h = c.hiddenSize(), q = c.qWidth(), kv = c.kvWidth(), e = c.numExperts(), i2 = 2 * c.intermediateSize();
        List<LayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "block." + l + ".";
            Matrix qkv = matrix(p + "attn.qkv.weight", q + 2 * kv, h);
            float[] qkvBias = vector(p + "attn.qkv.bias", q + 2 * kv);
            layers.add(new LayerWeights(l, c.isSliding(l),
                    vector(p + "attn.norm.scale", h),
                    qkv.rows(qkv.name() + "[q]", 0, q), Arrays.copyOfRange(qkvBias, 0, q),
                    qkv.rows(qkv.name() + "[k]", q, kv), Arrays.copyOfRange(qkvBias, q, q + kv),
                    qkv.rows(qkv.name() + "[v]", q + kv, kv), Arrays.copyOfRange(qkvBias, q + kv, q + 2 * kv),
                    vector(p + "attn.sinks", c.numHeads()),
                    matrix(p + "attn.out.weight", h, q), vector(p + "attn.out.bias", h),
                    vector(p + "mlp.norm.scale", h),
                    matrix(p + "mlp.gate.weight", e, h), vector(p + "mlp.gate.bias", e),
                    experts(p + "mlp.mlp1_weight.blocks", p + "mlp.mlp1_weight.scales", i2, h),
                    vector(p + "mlp.mlp1_bias", e, i2),
                    experts(p + "mlp.mlp2_weight.blocks", p + "mlp.mlp2_weight.scales", h, c.intermediateSize()),
                    vector(p + "mlp.mlp2_bias", e, h)));
        }
        return new ModelWeights(c, matrix("embedding.weight", c.vocabSize(), h), List.copyOf(layers),
                vector("norm.scale", h), matrix("unembedding.weight", c.vocabSize(), h));
    }

    void checkAllUsed() {
        Set<String> extra = new TreeSet<>(tensors.keySet());
        extra.removeAll(used);
        if (!extra.isEmpty()) {
            String first = extra.iterator().next();
            throw new CheckpointException("unexpected tensor " + first + " in " + tensors.get(first).file()
                    + (extra.size() > 1 ? " (and " + (extra.size() - 1) + " more)" : "")
                    + ": not part of a gpt-oss model with " + c.numLayers() + " layers");
        }
    }

    private Tensor take(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new CheckpointException(dir + ": missing tensor " + name);
        }
        used.add(name);
        return t;
    }

    private void expectShape(Tensor t, long... shape) {
        if (!Arrays.equals(t.shape(), shape)) {
            throw new CheckpointException("tensor " + t.name() + " in " + t.file() + " has shape " + t.shapeString()
                    + ", expected " + Arrays.toString(shape));
        }
    }

    private void expectFloat(Tensor t) {
        if (t.dtype() != DType.BF16 && t.dtype() != DType.F32 && t.dtype() != DType.F16) {
            throw new CheckpointException("tensor " + t.name() + " in " + t.file() + " has dtype " + t.dtype()
                    + ", expected BF16, F16 or F32");
        }
    }

    private float[] vector(String name, long... shape) {
        Tensor t = take(name);
        expectShape(t, shape);
        expectFloat(t);
        return t.toFloatArray();
    }

    private Matrix matrix(String name, int rows, int cols) {
        Tensor t = take(name);
        expectShape(t, rows, cols);
        if (t.dtype() != DType.BF16 && t.dtype() != DType.F32) {
            throw new CheckpointException("tensor " + t.name() + " in " + t.file() + " has dtype " + t.dtype()
                    + ", expected BF16 or F32");
        }
        return new Matrix(name, t.dtype(), rows, cols, t.data());
    }

    private Mxfp4Experts experts(String blocksName, String scalesName, int rows, int cols) {
        Tensor b = take(blocksName);
        Tensor s = take(scalesName);
        int e = c.numExperts();
        int nb = cols / Mxfp4.BLOCK;
        expectShape(b, e, rows, nb, Mxfp4.BYTES_PER_BLOCK);
        expectShape(s, e, rows, nb);
        for (Tensor t : List.of(b, s)) {
            if (t.dtype() != DType.U8) {
                throw new CheckpointException("tensor " + t.name() + " in " + t.file() + " has dtype " + t.dtype() + ", expected U8 (MXFP4)");
            }
        }
        return new Mxfp4Experts(blocksName.replace("_blocks", "").replace(".blocks", ""), e, rows, cols, b.data(), s.data());
    }
}
