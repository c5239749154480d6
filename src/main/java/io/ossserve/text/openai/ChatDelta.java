package io.ossserve.text.openai;

/** A piece of the assistant's answer in OpenAI terms, ready for one streamed chunk. */
public sealed interface ChatDelta {

    /** Chain of thought ({@code analysis} channel) → {@code reasoning_content} / {@code reasoning}. */
    record Reasoning(String text) implements ChatDelta {}

    /** User-visible text ({@code final}, or {@code commentary} without recipient) → {@code content}. */
    record Content(String text) implements ChatDelta {}

    /**
     * A tool-call fragment → {@code tool_calls[index]}. The first fragment of a call carries its {@code id} and
     * {@code name} (and empty arguments); later fragments carry argument text only (id and name null).
     */
    record ToolCallFragment(int index, String id, String name, String argumentsDelta) implements ChatDelta {}
}
