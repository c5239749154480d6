package io.ossserve.text.harmony;

/** Strict-mode parse failure, naming the 0-based token position and id at fault. */
public final class HarmonyParseException extends RuntimeException {
    private final int tokenIndex;
    private final int tokenId;

    public HarmonyParseException(int tokenIndex, int tokenId, String message) {
        super("harmony parse error at token " + tokenIndex + (tokenId >= 0 ? " (id " + tokenId + ")" : "") + ": " + message);
        this.tokenIndex = tokenIndex;
        this.tokenId = tokenId;
    }

    public int tokenIndex() {
        return tokenIndex;
    }

    /** The offending id, or -1 when the error is at the end of input. */
    public int tokenId() {
        return tokenId;
    }
}
