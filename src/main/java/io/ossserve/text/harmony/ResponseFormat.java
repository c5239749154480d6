package io.ossserve.text.harmony;

import tools.jackson.databind.JsonNode;

import java.util.Objects;

/**
 * A structured-output format, rendered at the end of the developer message as
 * {@code # Response Formats\n\n## NAME\n\n// DESCRIPTION\nSCHEMA} (spec §5.13; the comment line only when a description is given).
 */
public record ResponseFormat(String name, String description, JsonNode schema) {
    public ResponseFormat {
        Objects.requireNonNull(name, "response format name");
        Objects.requireNonNull(schema, "response format schema");
    }
}
