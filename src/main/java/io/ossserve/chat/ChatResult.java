package io.ossserve.chat;

import io.ossserve.text.openai.ToolCall;
import java.util.List;

/** The assembled answer of a call: one entry per choice, plus usage. */
public record ChatResult(List<Choice> choices, ChatUsage usage) {

    /**
     * @param reasoning    chain of thought, or null
     * @param content      answer text (stop strings cut), or null
     * @param toolCalls    calls in order
     * @param finishReason {@code stop}, {@code length} or {@code tool_calls}
     * @param logprobs     per content token, or null when not asked for
     */
    public record Choice(int index, String reasoning, String content, List<ToolCall> toolCalls, String finishReason,
                         List<TokenLogprob> logprobs) {}
}
