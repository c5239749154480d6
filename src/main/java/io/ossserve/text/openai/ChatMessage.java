package io.ossserve.text.openai;

import java.util.List;
import java.util.Objects;

/**
 * An OpenAI chat message as the text layer needs it (the HTTP DTOs adapt to this).
 *
 * @param role       {@code system}, {@code developer}, {@code user}, {@code assistant} or {@code tool}
 * @param content    text or text parts; may be null (e.g. an assistant message with only tool calls)
 * @param name       optional participant name (not rendered: gpt-oss was not trained with it)
 * @param toolCalls  assistant tool calls; empty when none
 * @param toolCallId for {@code tool} messages: the id of the call being answered
 * @param reasoning  assistant chain of thought sent back by the client ({@code reasoning_content} / {@code reasoning})
 */
public record ChatMessage(String role, MessageContent content, String name, List<ToolCall> toolCalls,
                          String toolCallId, String reasoning) {
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public static ChatMessage system(String text) {
        return new ChatMessage("system", new MessageContent.Text(text), null, List.of(), null, null);
    }

    public static ChatMessage developer(String text) {
        return new ChatMessage("developer", new MessageContent.Text(text), null, List.of(), null, null);
    }

    public static ChatMessage user(String text) {
        return new ChatMessage("user", new MessageContent.Text(text), null, List.of(), null, null);
    }

    public static ChatMessage assistant(String text) {
        return new ChatMessage("assistant", text == null ? null : new MessageContent.Text(text), null, List.of(), null, null);
    }

    public static ChatMessage assistantToolCalls(String reasoning, List<ToolCall> calls) {
        return new ChatMessage("assistant", null, null, calls, null, reasoning);
    }

    public static ChatMessage tool(String toolCallId, String text) {
        return new ChatMessage("tool", new MessageContent.Text(text), null, List.of(), toolCallId, null);
    }

    public ChatMessage withReasoning(String text) {
        return new ChatMessage(role, content, name, toolCalls, toolCallId, text);
    }
}
