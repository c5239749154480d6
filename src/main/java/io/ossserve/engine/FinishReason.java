package io.ossserve.engine;

/** Why a generation ended. */
public enum FinishReason {
    /** a stop token was produced (it is the last token of the output) */
    STOP,
    /** the token budget or the context length was reached */
    LENGTH,
    /** the caller cancelled */
    CANCELLED
}
