package io.ossserve.engine.constraint;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Compact and canonical JSON text of Jackson trees (literal values to generate, cache keys). */
final class JsonText {
    private JsonText() {}

    static String quote(String s) {
        return io.ossserve.model.JsonText.quote(s);
    }

    /** Compact JSON; with {@code sortKeys} object members are ordered by name (a canonical form). */
    static String write(JsonNode n, boolean sortKeys) {
        StringBuilder sb = new StringBuilder();
        write(n, sortKeys, sb);
        return sb.toString();
    }

    static String compact(JsonNode n) {
        return write(n, false);
    }

    private static void write(JsonNode n, boolean sortKeys, StringBuilder sb) {
        if (n.isObject()) {
            List<String> names = new ArrayList<>(n.propertyNames());
            if (sortKeys) {
                Collections.sort(names);
            }
            sb.append('{');
            for (int i = 0; i < names.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(quote(names.get(i))).append(':');
                write(n.get(names.get(i)), sortKeys, sb);
            }
            sb.append('}');
        } else if (n.isArray()) {
            sb.append('[');
            for (int i = 0; i < n.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                write(n.get(i), sortKeys, sb);
            }
            sb.append(']');
        } else if (n.isString()) {
            sb.append(quote(n.stringValue()));
        } else if (n.isNumber()) {
            sb.append(n.isIntegralNumber() ? n.bigIntegerValue().toString() : n.decimalValue().toString());
        } else if (n.isBoolean()) {
            sb.append(n.booleanValue());
        } else {
            sb.append("null");
        }
    }

    static String typeOf(JsonNode v) {
        if (v.isObject()) {
            return "object";
        }
        if (v.isArray()) {
            return "array";
        }
        if (v.isString()) {
            return "string";
        }
        if (v.isIntegralNumber()) {
            return "integer";
        }
        if (v.isNumber()) {
            return "number";
        }
        return v.isBoolean() ? "boolean" : "null";
    }
}
