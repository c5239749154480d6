package io.ossserve.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads gpt-oss {@code config.json} files in the Hugging Face and in the OpenAI (original/) form. */
public final class ConfigFiles {
    private ConfigFiles() {}

    static final JsonMapper JSON = JsonMapper.builder().build();

    /** Parses a JSON file into a tree; errors name the file. */
    static JsonNode readJson(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot read: " + e.getMessage(), e);
        }
        try {
            JsonNode n = JSON.readTree(text);
            if (n == null || !n.isObject()) {
                throw new CheckpointException(file + ": expected a JSON object");
            }
            return n;
        } catch (JacksonException e) {
            throw new CheckpointException(file + ": malformed JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** True when the JSON looks like the OpenAI reference's config (it has {@code num_experts}). */
    static boolean isOriginal(JsonNode n) {
        return n.has("num_experts") && !n.has("num_local_experts");
    }

    /** Reads either form, deciding by its keys. */
    public static GptOssConfig read(Path file) {
        JsonNode n = readJson(file);
        try {
            return isOriginal(n) ? fromOriginal(n) : fromHf(n);
        } catch (CheckpointException e) {
            throw new CheckpointException(file + ": " + e.getMessage(), e);
        }
    }

    static GptOssConfig fromHf(JsonNode n) {
        if (n.has("model_type") && !"gpt_oss".equals(n.get("model_type").asString())) {
            throw new CheckpointException("config field model_type = " + n.get("model_type") + ": expected \"gpt_oss\"");
        }
        int layers = intField(n, "num_hidden_layers", null);
        JsonNode rope = n.has("rope_parameters") ? n.get("rope_parameters") : n.get("rope_scaling");
        if (rope != null && !rope.isObject() && !rope.isNull()) {
            throw new CheckpointException("config field rope_scaling = " + rope + ": expected an object");
        }
        double theta = n.has("rope_theta") ? doubleField(n, "rope_theta", null)
                : rope != null && rope.has("rope_theta") ? doubleField(rope, "rope_theta", null) : 150000.0;
        double factor = rope != null && rope.has("factor") ? doubleField(rope, "factor", null) : 1.0;
        double betaFast = rope != null && rope.has("beta_fast") ? doubleField(rope, "beta_fast", null) : 32.0;
        double betaSlow = rope != null && rope.has("beta_slow") ? doubleField(rope, "beta_slow", null) : 1.0;
        if (rope != null && rope.has("truncate") && rope.get("truncate").asBoolean(false)) {
            throw new CheckpointException("config field rope_scaling.truncate = true: gpt-oss uses an unrounded YaRN range");
        }
        int initialCtx = rope != null && rope.has("original_max_position_embeddings")
                ? intField(rope, "original_max_position_embeddings", null)
                : intField(n, "initial_context_length", 4096);
        boolean[] sliding = GptOssConfig.alternating(layers);
        JsonNode types = n.get("layer_types");
        if (types != null && !types.isNull()) {
            if (!types.isArray()) {
                throw new CheckpointException("config field layer_types = " + types + ": expected an array");
            }
            sliding = new boolean[types.size()];
            for (int i = 0; i < sliding.length; i++) {
                String t = types.get(i).asString("");
                switch (t) {
                    case "sliding_attention" -> sliding[i] = true;
                    case "full_attention" -> sliding[i] = false;
                    default -> throw new CheckpointException("config field layer_types[" + i + "] = \"" + t
                            + "\": expected sliding_attention or full_attention");
                }
            }
        }
        int experts = intField(n, "num_local_experts", null);
        int topK = n.has("num_experts_per_tok") ? intField(n, "num_experts_per_tok", null) : intField(n, "experts_per_token", 4);
        int maxPos = intField(n, "max_position_embeddings", (int) Math.min(Integer.MAX_VALUE, (long) (initialCtx * factor)));
        return new GptOssConfig(layers, experts, topK,
                intField(n, "vocab_size", null), intField(n, "hidden_size", null), intField(n, "intermediate_size", null),
                doubleField(n, "swiglu_limit", 7.0), doubleField(n, "swiglu_alpha", GptOssConfig.DEFAULT_SWIGLU_ALPHA),
                intField(n, "head_dim", null), intField(n, "num_attention_heads", null), intField(n, "num_key_value_heads", null),
                intField(n, "sliding_window", 128), initialCtx, theta, factor, betaSlow, betaFast,
                doubleField(n, "rms_norm_eps", GptOssConfig.DEFAULT_RMS_EPS), maxPos, sliding);
    }

    static GptOssConfig fromOriginal(JsonNode n) {
        int layers = intField(n, "num_hidden_layers", null);
        int initialCtx = intField(n, "initial_context_length", 4096);
        double factor = doubleField(n, "rope_scaling_factor", 1.0);
        return new GptOssConfig(layers, intField(n, "num_experts", null), intField(n, "experts_per_token", 4),
                intField(n, "vocab_size", null), intField(n, "hidden_size", null), intField(n, "intermediate_size", null),
                doubleField(n, "swiglu_limit", 7.0), GptOssConfig.DEFAULT_SWIGLU_ALPHA,
                intField(n, "head_dim", 64), intField(n, "num_attention_heads", null), intField(n, "num_key_value_heads", null),
                intField(n, "sliding_window", 128), initialCtx, doubleField(n, "rope_theta", 150000.0), factor,
                doubleField(n, "rope_ntk_alpha", 1.0), doubleField(n, "rope_ntk_beta", 32.0),
                GptOssConfig.DEFAULT_RMS_EPS, (int) Math.min(Integer.MAX_VALUE, (long) (initialCtx * factor)),
                GptOssConfig.alternating(layers));
    }

    private static int intField(JsonNode n, String name, Integer dflt) {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) {
            if (dflt == null) {
                throw new CheckpointException("config field " + name + " is missing");
            }
            return dflt;
        }
        if (!v.isNumber() || !v.canConvertToInt() || v.doubleValue() != Math.rint(v.doubleValue())) {
            throw new CheckpointException("config field " + name + " = " + v + ": expected an integer");
        }
        return v.asInt();
    }

    private static double doubleField(JsonNode n, String name, Double dflt) {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) {
            if (dflt == null) {
                throw new CheckpointException("config field " + name + " is missing");
            }
            return dflt;
        }
        if (!v.isNumber()) {
            throw new CheckpointException("config field " + name + " = " + v + ": expected a number");
        }
        return v.doubleValue();
    }
}
