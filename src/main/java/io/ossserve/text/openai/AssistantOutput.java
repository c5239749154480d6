package io.ossserve.text.openai;

import io.ossserve.text.harmony.StopReason;

import java.util.List;

/**
 * The assembled assistant message.
 *
 * @param reasoning    analysis text, or null when there was none
 * @param content      user-visible text, or null when there was none
 * @param toolCalls    in call order; empty when none
 * @param stopReason   as seen by the parser (null until the parser reported {@code Done})
 */
public record AssistantOutput(String reasoning, String content, List<ToolCall> toolCalls, StopReason stopReason) {
    public AssistantOutput {
        toolCalls = List.copyOf(toolCalls);
    }

    /**
     * OpenAI {@code finish_reason}: {@code tool_calls} when the model called tools, {@code length} when the engine
     * hit its token limit mid-output, otherwise {@code stop}.
     *
     * @param tokenLimitReached true when generation ended because of max_tokens / the context limit
     */
    public String finishReason(boolean tokenLimitReached) {
        if (tokenLimitReached && stopReason != StopReason.RETURN && stopReason != StopReason.CALL) {
            return "length";
        }
        if (!toolCalls.isEmpty() && stopReason != StopReason.RETURN) {
            return "tool_calls";
        }
        return "stop";
    }
}
