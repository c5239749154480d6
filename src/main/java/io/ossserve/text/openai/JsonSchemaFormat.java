package io.ossserve.text.openai;

import tools.jackson.databind.JsonNode;

import java.util.Objects;

/** {@code response_format: {type: json_schema, json_schema: {name, description, schema}}}. */
public record JsonSchemaFormat(String name, String description, JsonNode schema) {
    public JsonSchemaFormat {
        Objects.requireNonNull(name, "response_format.json_schema.name");
        Objects.requireNonNull(schema, "response_format.json_schema.schema");
    }
}
