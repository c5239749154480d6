package io.ossserve.model;

import java.util.List;
import java.util.Locale;

/**
 * Model shapes by name. {@code tiny} is for tests (real vocabulary, a few narrow layers); {@code small}
 * is the CPU benchmark model of performance.md (≈1.2 GB); {@code 20b} and {@code 120b} are the real shapes.
 */
public final class Presets {
    private Presets() {}

    public static final List<String> NAMES = List.of("tiny", "small", "20b", "120b");
    public static final int VOCAB = 201088;

    public static GptOssConfig get(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "tiny" -> shape(4, 8, 4, 64, 64, 16, 4, 2, 16);
            case "small" -> shape(12, 16, 4, 1024, 1024, 64, 16, 4, 128);
            case "20b", "gpt-oss-20b" -> shape(24, 32, 4, 2880, 2880, 64, 64, 8, 128);
            case "120b", "gpt-oss-120b" -> shape(36, 128, 4, 2880, 2880, 64, 64, 8, 128);
            default -> throw new IllegalArgumentException("unknown preset '" + name + "' (known: " + String.join(", ", NAMES) + ")");
        };
    }

    /** A gpt-oss config with the real vocabulary, RoPE and YaRN settings and the given widths. */
    public static GptOssConfig shape(int layers, int experts, int topK, int hidden, int intermediate, int headDim,
            int heads, int kvHeads, int slidingWindow) {
        return new GptOssConfig(layers, experts, topK, VOCAB, hidden, intermediate, 7.0,
                GptOssConfig.DEFAULT_SWIGLU_ALPHA, headDim, heads, kvHeads, slidingWindow, 4096, 150000.0, 32.0,
                1.0, 32.0, GptOssConfig.DEFAULT_RMS_EPS, 131072, GptOssConfig.alternating(layers));
    }
}
