package io.ossserve.engine.constraint;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** The independent oracle: networknt's JSON Schema validator (draft 2020-12, format assertions on). */
final class SchemaValidator {
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private SchemaValidator() {}

    /** Parses {@code json} strictly and validates it; returns the problems (empty when valid). */
    static List<String> problems(JsonNode schema, String json) {
        JsonNode value;
        try {
            value = RandomSchemas.JSON.readTree(json);
        } catch (RuntimeException e) {
            return List.of("does not parse: " + e.getMessage());
        }
        if (value == null || value.isMissingNode()) {
            return List.of("empty output");
        }
        Schema s = REGISTRY.getSchema(schema);
        List<Error> errors = s.validate(value, ctx -> ctx.executionConfig(c -> c.formatAssertionsEnabled(true)));
        return errors.stream().map(Error::toString).toList();
    }
}
