package io.ossserve.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shape and hyper-parameters of a gpt-oss model (gpt-oss-spec.md §1). Immutable and validated:
 * a nonsensical value is a {@link CheckpointException} naming the field.
 *
 * @param slidingLayers per layer, true when the layer uses banded (sliding-window) attention
 */
public record GptOssConfig(
        int numLayers,
        int numExperts,
        int expertsPerToken,
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        double swigluLimit,
        double swigluAlpha,
        int headDim,
        int numHeads,
        int numKvHeads,
        int slidingWindow,
        int initialContextLength,
        double ropeTheta,
        double ropeScalingFactor,
        double ropeBetaSlow,
        double ropeBetaFast,
        double rmsNormEps,
        int maxPositionEmbeddings,
        boolean[] slidingLayers) {

    public static final double DEFAULT_SWIGLU_ALPHA = 1.702;
    public static final double DEFAULT_RMS_EPS = 1e-5;

    public GptOssConfig {
        slidingLayers = slidingLayers == null ? alternating(numLayers) : slidingLayers.clone();
        validate(numLayers, numExperts, expertsPerToken, vocabSize, hiddenSize, intermediateSize, swigluLimit,
                swigluAlpha, headDim, numHeads, numKvHeads, slidingWindow, initialContextLength, ropeTheta,
                ropeScalingFactor, ropeBetaSlow, ropeBetaFast, rmsNormEps, maxPositionEmbeddings, slidingLayers);
    }

    /** Even layers banded, odd layers full (the gpt-oss pattern). */
    public static boolean[] alternating(int layers) {
        boolean[] s = new boolean[Math.max(0, layers)];
        for (int i = 0; i < s.length; i++) {
            s[i] = i % 2 == 0;
        }
        return s;
    }

    public int qWidth() {
        return numHeads * headDim;
    }

    public int kvWidth() {
        return numKvHeads * headDim;
    }

    public int headsPerKvHead() {
        return numHeads / numKvHeads;
    }

    public boolean isSliding(int layer) {
        return slidingLayers[layer];
    }

    /** YaRN correction range, unrounded (§2.3): {low, high}. */
    public double[] yarnRange() {
        return yarnRange(headDim, initialContextLength, ropeTheta, ropeBetaFast, ropeBetaSlow);
    }

    private static double[] yarnRange(int headDim, int initialContextLength, double ropeTheta, double betaFast, double betaSlow) {
        double dHalf = headDim / 2.0;
        double low = dHalf * Math.log(initialContextLength / (betaFast * 2 * Math.PI)) / Math.log(ropeTheta);
        double high = dHalf * Math.log(initialContextLength / (betaSlow * 2 * Math.PI)) / Math.log(ropeTheta);
        return new double[] {low, high};
    }

    /** YaRN concentration (mscale) applied to cos and sin. */
    public double yarnConcentration() {
        return ropeScalingFactor > 1.0 ? 0.1 * Math.log(ropeScalingFactor) + 1.0 : 1.0;
    }

    private static void validate(int numLayers, int numExperts, int expertsPerToken, int vocabSize, int hiddenSize,
            int intermediateSize, double swigluLimit, double swigluAlpha, int headDim, int numHeads, int numKvHeads,
            int slidingWindow, int initialContextLength, double ropeTheta, double ropeScalingFactor,
            double ropeBetaSlow, double ropeBetaFast, double rmsNormEps, int maxPositionEmbeddings,
            boolean[] slidingLayers) {
        range("num_hidden_layers", numLayers, 1, 1024);
        range("num_experts", numExperts, 1, 4096);
        range("experts_per_token", expertsPerToken, 1, numExperts);
        range("vocab_size", vocabSize, 1, 10_000_000);
        range("hidden_size", hiddenSize, 32, 65536);
        range("intermediate_size", intermediateSize, 32, 262144);
        range("head_dim", headDim, 2, 1024);
        range("num_attention_heads", numHeads, 1, 1024);
        range("num_key_value_heads", numKvHeads, 1, numHeads);
        range("sliding_window", slidingWindow, 1, Integer.MAX_VALUE);
        range("initial_context_length", initialContextLength, 1, Integer.MAX_VALUE);
        range("max_position_embeddings", maxPositionEmbeddings, 1, Integer.MAX_VALUE);
        if (hiddenSize % Mxfp4.BLOCK != 0) {
            throw bad("hidden_size", hiddenSize, "must be a multiple of 32 (MXFP4 blocks)");
        }
        if (intermediateSize % Mxfp4.BLOCK != 0) {
            throw bad("intermediate_size", intermediateSize, "must be a multiple of 32 (MXFP4 blocks)");
        }
        if (headDim % 2 != 0) {
            throw bad("head_dim", headDim, "must be even (split-half RoPE)");
        }
        if (numHeads % numKvHeads != 0) {
            throw bad("num_key_value_heads", numKvHeads, "must divide num_attention_heads " + numHeads);
        }
        positive("swiglu_limit", swigluLimit);
        positive("swiglu_alpha", swigluAlpha);
        positive("rope_theta", ropeTheta);
        positive("rms_norm_eps", rmsNormEps);
        positive("rope_ntk_alpha (beta_slow)", ropeBetaSlow);
        positive("rope_ntk_beta (beta_fast)", ropeBetaFast);
        if (!(ropeScalingFactor >= 1.0) || Double.isInfinite(ropeScalingFactor)) {
            throw bad("rope_scaling_factor", ropeScalingFactor, "must be a finite number >= 1");
        }
        if (ropeTheta <= 1.0) {
            throw bad("rope_theta", ropeTheta, "must be > 1");
        }
        if (ropeBetaFast <= ropeBetaSlow) {
            throw bad("rope_ntk_beta (beta_fast)", ropeBetaFast, "must exceed beta_slow " + ropeBetaSlow);
        }
        if (ropeScalingFactor > 1.0) {
            double[] lh = yarnRange(headDim, initialContextLength, ropeTheta, ropeBetaFast, ropeBetaSlow);
            double low = lh[0], high = lh[1];
            if (!(0 < low && low < high && high < headDim / 2.0 - 1)) {
                throw bad("head_dim", headDim, "gives a YaRN correction range [" + low + ", " + high
                        + "] outside (0, head_dim/2 - 1); check initial_context_length, rope_theta and the betas");
            }
        }
        if (slidingLayers.length != numLayers) {
            throw bad("layer_types", slidingLayers.length + " entries", "must have num_hidden_layers = " + numLayers + " entries");
        }
    }

    private static void range(String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw bad(field, value, "must be in [" + min + ", " + max + "]");
        }
    }

    private static void positive(String field, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw bad(field, value, "must be a finite positive number");
        }
    }

    private static CheckpointException bad(String field, Object value, String why) {
        return new CheckpointException("config field " + field + " = " + value + ": " + why);
    }

    /** HF {@code config.json} content for this model (MXFP4 experts). */
    public Map<String, Object> toHfJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architectures", List.of("GptOssForCausalLM"));
        m.put("model_type", "gpt_oss");
        m.put("attention_bias", true);
        m.put("attention_dropout", 0.0);
        m.put("eos_token_id", 200002);
        m.put("pad_token_id", 199999);
        m.put("experts_per_token", expertsPerToken);
        m.put("num_experts_per_tok", expertsPerToken);
        m.put("head_dim", headDim);
        m.put("hidden_act", "silu");
        m.put("hidden_size", hiddenSize);
        m.put("initial_context_length", initialContextLength);
        m.put("initializer_range", 0.02);
        m.put("intermediate_size", intermediateSize);
        List<String> types = new ArrayList<>();
        for (boolean s : slidingLayers) {
            types.add(s ? "sliding_attention" : "full_attention");
        }
        m.put("layer_types", types);
        m.put("max_position_embeddings", maxPositionEmbeddings);
        m.put("num_attention_heads", numHeads);
        m.put("num_hidden_layers", numLayers);
        m.put("num_key_value_heads", numKvHeads);
        m.put("num_local_experts", numExperts);
        m.put("output_router_logits", false);
        m.put("rms_norm_eps", rmsNormEps);
        m.put("rope_theta", ropeTheta);
        Map<String, Object> rope = new LinkedHashMap<>();
        rope.put("beta_fast", ropeBetaFast);
        rope.put("beta_slow", ropeBetaSlow);
        rope.put("factor", ropeScalingFactor);
        rope.put("original_max_position_embeddings", initialContextLength);
        rope.put("rope_type", "yarn");
        rope.put("truncate", false);
        m.put("rope_scaling", rope);
        m.put("router_aux_loss_coef", 0.9);
        m.put("sliding_window", slidingWindow);
        m.put("swiglu_limit", swigluLimit);
        m.put("tie_word_embeddings", false);
        m.put("use_cache", true);
        m.put("vocab_size", vocabSize);
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("modules_to_not_convert", List.of("model.layers.*.self_attn", "model.layers.*.mlp.router",
                "model.embed_tokens", "lm_head"));
        q.put("quant_method", "mxfp4");
        m.put("quantization_config", q);
        return m;
    }

    /** OpenAI reference {@code original/config.json}: exactly the 16 keys its dataclass accepts. */
    public Map<String, Object> toOriginalJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("num_hidden_layers", numLayers);
        m.put("num_experts", numExperts);
        m.put("experts_per_token", expertsPerToken);
        m.put("vocab_size", vocabSize);
        m.put("hidden_size", hiddenSize);
        m.put("intermediate_size", intermediateSize);
        m.put("swiglu_limit", swigluLimit);
        m.put("head_dim", headDim);
        m.put("num_attention_heads", numHeads);
        m.put("num_key_value_heads", numKvHeads);
        m.put("sliding_window", slidingWindow);
        m.put("initial_context_length", initialContextLength);
        m.put("rope_theta", ropeTheta);
        m.put("rope_scaling_factor", ropeScalingFactor);
        m.put("rope_ntk_alpha", ropeBetaSlow);
        m.put("rope_ntk_beta", ropeBetaFast);
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GptOssConfig c && toHfJson().equals(c.toHfJson()) && swigluAlpha == c.swigluAlpha;
    }

    @Override
    public int hashCode() {
        return toHfJson().hashCode();
    }

    @Override
    public String toString() {
        return "GptOssConfig" + toHfJson();
    }
}
