package io.ossserve.text.harmony;

import tools.jackson.databind.JsonNode;

import java.util.Objects;

/**
 * One tool of a namespace.
 *
 * @param name        the tool name (rendered {@code type NAME = …})
 * @param description rendered as {@code //} comment lines above the type; may be empty
 * @param parameters  JSON schema of the argument object, or null for a tool without parameters ({@code () => any})
 */
public record ToolDescription(String name, String description, JsonNode parameters) {
    public ToolDescription {
        Objects.requireNonNull(name, "tool name");
        description = description == null ? "" : description;
    }
}
