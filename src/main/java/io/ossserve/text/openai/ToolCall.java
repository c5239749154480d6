package io.ossserve.text.openai;

/**
 * An assistant tool call ({@code type} is {@code function}).
 *
 * @param id        e.g. {@code call_8fK2…}
 * @param name      function name without the {@code functions.} namespace
 * @param arguments the JSON argument object as text
 */
public record ToolCall(String id, String name, String arguments) {}
