package io.ossserve.text.openai;

import tools.jackson.databind.JsonNode;

import java.util.Objects;

/**
 * A function tool of the request ({@code tools[i].function}).
 *
 * @param parameters JSON schema of the arguments; null for a function without parameters
 */
public record FunctionTool(String name, String description, JsonNode parameters) {
    public FunctionTool {
        Objects.requireNonNull(name, "tools[].function.name");
    }
}
