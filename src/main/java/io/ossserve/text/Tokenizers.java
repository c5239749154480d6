package io.ossserve.text;

/** Factory for the tokenizers the project ships. */
public final class Tokenizers {
    private Tokenizers() {}

    /** Lazily loaded, shared instance (class-holder idiom: loaded once, thread-safe). */
    private static final class Holder {
        static final O200kHarmonyTokenizer O200K_HARMONY = new O200kHarmonyTokenizer(BpeRanks.loadBundled());
    }

    /** The o200k_harmony tokenizer (vocabulary bundled in the jar; no network). */
    public static O200kHarmonyTokenizer o200kHarmony() {
        return Holder.O200K_HARMONY;
    }
}
