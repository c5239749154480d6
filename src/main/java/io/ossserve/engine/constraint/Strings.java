package io.ossserve.engine.constraint;

import java.util.Map;
import tools.jackson.databind.JsonNode;

/** String schemas: length bounds, {@code pattern}, and the common {@code format}s as patterns. */
final class Strings {
    private static final String DATE = "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])";
    private static final String TIME = "([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,3})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])";
    private static final String LABEL = "[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?";
    private static final String TLD = "(com|org|net|io|dev|app)";
    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    /** format → a pattern whose every match is valid for the format (a subset of it: e.g. days 01..28). */
    static final Map<String, String> FORMATS = Map.of(
            "date", "^" + DATE + "$",
            "time", "^" + TIME + "$",
            "date-time", "^" + DATE + "T" + TIME + "$",
            "uuid", "^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
            "email", "^[a-z0-9]{1,16}(\\.[a-z0-9]{1,16}){0,2}@[a-z0-9]{1,16}(\\.[a-z0-9]{1,16}){0,2}\\." + TLD + "$",
            "hostname", "^" + LABEL + "(\\." + LABEL + "){0,2}\\." + TLD + "$",
            "ipv4", "^" + OCTET + "(\\." + OCTET + "){3}$");

    private Strings() {}

    static Shape string(JsonNode s, String path) {
        int min = SchemaCompiler.nonNegative(s, "minLength", path, 0);
        int max = SchemaCompiler.nonNegative(s, "maxLength", path, Integer.MAX_VALUE);
        if (min > max) {
            throw new UnsupportedSchemaException("minLength", path, "minLength > maxLength");
        }
        JsonNode pattern = s.get("pattern");
        JsonNode format = s.get("format");
        if (pattern != null && format != null) {
            throw new UnsupportedSchemaException("format", path, "'pattern' and 'format' together are not supported");
        }
        Regex regex = null;
        if (format != null) {
            String f = format.isString() ? format.stringValue() : "";
            String p = FORMATS.get(f);
            if (p == null) {
                throw new UnsupportedSchemaException("format", path, "'" + f + "' is not one of " + FORMATS.keySet());
            }
            regex = Regex.compile(p);
        } else if (pattern != null) {
            if (!pattern.isString()) {
                throw new UnsupportedSchemaException("pattern", path, "must be a string");
            }
            try {
                regex = Regex.compile(pattern.stringValue());
            } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                throw new UnsupportedSchemaException("pattern", path, e.getMessage());
            }
        }
        if (regex != null && regex.minLength() >= Shape.INF) {
            throw new UnsupportedSchemaException(format != null ? "format" : "pattern", path, "matches no string");
        }
        return new Shape.Str(min, max, regex);
    }
}
