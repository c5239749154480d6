package io.ossserve.text.openai;

import tools.jackson.databind.JsonNode;

import java.util.Objects;

/**
 * A function tool of the request ({@code tools[i].function}).
 *
 * @param parameters JSON schema of the arguments; null for a function without parameters
 * @param strict     {@code strict: true}: calls must match the schema (constrained decoding)
 */
public record FunctionTool(String name, String description, JsonNode parameters, boolean strict) {
    public FunctionTool {
        Objects.requireNonNull(name, "tools[].function.name");
    }

    public FunctionTool(String name, String description, JsonNode parameters) {
        this(name, description, parameters, false);
    }
}
