package io.ossserve.text.harmony;

/** Why a completion ended, as seen by the parser. */
public enum StopReason {
    /** The last message ended with {@code <|return|>}: the final answer is done. */
    RETURN,
    /** The last message ended with {@code <|call|>}: the model wants a tool. */
    CALL,
    /** The input ended between messages (e.g. after {@code <|end|>}), or was empty. */
    END_OF_MESSAGE,
    /** The input ended inside a header or message (e.g. a max-token limit). */
    TRUNCATED
}
