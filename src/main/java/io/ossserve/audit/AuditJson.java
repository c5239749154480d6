package io.ossserve.audit;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/** JSON for the spool file and the JSON-lines export (snake_case field names). */
final class AuditJson {
    static final JsonMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .build();

    private AuditJson() {}

    static String line(Object value) {
        return MAPPER.writeValueAsString(value);
    }

    static AuditEvent event(String line) {
        return MAPPER.readValue(line, AuditEvent.class);
    }
}
