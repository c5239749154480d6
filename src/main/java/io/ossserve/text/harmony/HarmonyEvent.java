package io.ossserve.text.harmony;

/**
 * What the {@link HarmonyStreamParser} reports while token ids stream in. Messages are numbered from 0 in the
 * order they start. Content of a message addressed to a recipient (a tool call) arrives as
 * {@link ToolCallArgumentsDelta}; all other content as {@link ContentDelta}.
 */
public sealed interface HarmonyEvent {

    /** A header was parsed. {@code recipient} and {@code contentType} may be null (e.g. content type {@code <|constrain|>json}). */
    record MessageStart(int messageIndex, Author author, String channel, String recipient, String contentType)
            implements HarmonyEvent {}

    /** Text of a message that is not a tool call, on its channel (null when the message has none). */
    record ContentDelta(int messageIndex, String channel, String text) implements HarmonyEvent {}

    /** An assistant message addressed to {@code recipient} (e.g. {@code functions.get_weather}): a tool call begins. */
    record ToolCallStart(int messageIndex, String recipient, String channel, String contentType) implements HarmonyEvent {}

    /** Argument text of the tool call of message {@code messageIndex}. */
    record ToolCallArgumentsDelta(int messageIndex, String recipient, String text) implements HarmonyEvent {}

    /**
     * A message is complete.
     *
     * @param terminatorTokenId {@code <|end|>} 200007, {@code <|return|>} 200002, {@code <|call|>} 200012, or -1 when
     *                          it was closed by the end of input or by recovery from malformed output
     */
    record MessageEnd(int messageIndex, Message message, int terminatorTokenId) implements HarmonyEvent {}

    /** Non-strict mode only: malformed output was recovered from (nothing was thrown, no text was dropped). */
    record Anomaly(int tokenIndex, int tokenId, String description) implements HarmonyEvent {}

    /** Emitted once by {@link HarmonyStreamParser#finish()}. */
    record Done(StopReason stopReason) implements HarmonyEvent {}
}
