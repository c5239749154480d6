package io.ossserve.text.openai;

import java.util.List;
import java.util.Objects;

/**
 * The parts of an OpenAI chat request that shape the prompt.
 *
 * @param messages        the conversation
 * @param tools           function tools; empty when none
 * @param toolChoice      {@code auto}, {@code required}, {@code none} or a function name; null means auto.
 *                        {@code none} leaves the tools out of the prompt; the others render them (forcing a call is
 *                        the engine's constrained decoding, not the prompt's)
 * @param reasoningEffort {@code low}, {@code medium}, {@code high} ({@code minimal} reads as low); null for the default
 * @param jsonSchema      structured output format, or null
 * @param jsonObject      {@code response_format: {type: json_object}} (the answer is any JSON object)
 */
public record ChatPromptRequest(List<ChatMessage> messages, List<FunctionTool> tools, String toolChoice,
                                String reasoningEffort, JsonSchemaFormat jsonSchema, boolean jsonObject) {
    public ChatPromptRequest {
        Objects.requireNonNull(messages, "messages");
        messages = List.copyOf(messages);
        tools = tools == null ? List.of() : List.copyOf(tools);
    }

    public ChatPromptRequest(List<ChatMessage> messages, List<FunctionTool> tools, String toolChoice,
                             String reasoningEffort, JsonSchemaFormat jsonSchema) {
        this(messages, tools, toolChoice, reasoningEffort, jsonSchema, false);
    }

    public static ChatPromptRequest of(List<ChatMessage> messages) {
        return new ChatPromptRequest(messages, List.of(), null, null, null);
    }
}
