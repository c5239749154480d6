package io.ossserve.text;

/**
 * Token ids → text as they are generated: incomplete UTF-8 is held back until the character is complete,
 * invalid bytes become U+FFFD, special ids decode to their names. Not thread-safe: one per stream.
 */
public final class TokenStreamDecoder {
    private final O200kHarmonyTokenizer tokenizer;
    private final Utf8StreamDecoder utf8 = new Utf8StreamDecoder();

    TokenStreamDecoder(O200kHarmonyTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Text completed by this token (possibly empty). Throws naming the id when it is outside the vocabulary. */
    public String push(int tokenId) {
        return utf8.push(tokenizer.tokenBytesShared(tokenId));
    }

    /** True when bytes of an incomplete character are held back. */
    public boolean hasPending() {
        return utf8.hasPending();
    }

    /** Ends the stream: held-back bytes become U+FFFD. */
    public String finish() {
        return utf8.finish();
    }
}
