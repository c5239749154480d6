package io.ossserve.text.harmony;

import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * JSON Schema → the TypeScript-like type text of harmony tool definitions (spec §5.6), including its quirks:
 * property descriptions are not split per line, a top-level object description follows {@code (_: } directly,
 * nested objects indent by 4 spaces and union variants by 3, string defaults are quoted without escaping unless
 * the owner has an enum, and {@code anyOf}/{@code allOf}/{@code $ref} become {@code any}.
 */
final class TypeScriptSchemaRenderer {
    private TypeScriptSchemaRenderer() {}

    static String render(JsonNode schema) {
        return toTs(schema, "");
    }

    static String toTs(JsonNode schema, String indent) {
        JsonNode oneOf = schema.get("oneOf");
        if (oneOf != null && oneOf.isArray()) {
            StringBuilder out = new StringBuilder();
            for (JsonNode variant : oneOf) {
                out.append('\n').append(indent).append(" | ").append(withNullable(variant, toTs(variant, indent + "   ")));
                List<String> notes = new ArrayList<>();
                JsonNode description = variant.get("description");
                if (description != null && description.isString()) {
                    notes.add(description.stringValue());
                }
                if (variant.has("default")) {
                    notes.add("default: " + renderDefault(variant.get("default"), variant));
                }
                if (!notes.isEmpty()) {
                    out.append(" // ").append(String.join(" ", notes));
                }
            }
            return out.toString();
        }
        JsonNode type = schema.get("type");
        if (type != null && type.isArray()) {
            List<String> names = new ArrayList<>();
            for (JsonNode name : type) {
                String n = name.isString() ? name.stringValue() : name.toString();
                names.add("integer".equals(n) ? "number" : n);
            }
            return String.join(" | ", names);
        }
        if (type == null || !type.isString()) {
            return "any";
        }
        return switch (type.stringValue()) {
            case "object" -> renderObject(schema, indent);
            case "string" -> renderString(schema);
            case "number", "integer" -> "number";
            case "boolean" -> "boolean";
            case "array" -> schema.has("items") ? toTs(schema.get("items"), indent) + "[]" : "Array<any>";
            default -> "any";
        };
    }

    private static String renderString(JsonNode schema) {
        JsonNode enumValues = schema.get("enum");
        if (hasNonEmptyEnum(schema)) {
            List<String> members = new ArrayList<>();
            for (JsonNode member : enumValues) {
                if (member.isString()) {
                    members.add('"' + member.stringValue() + '"');
                }
            }
            return String.join(" | ", members);
        }
        return "string";
    }

    private static String renderObject(JsonNode schema, String indent) {
        StringBuilder out = new StringBuilder();
        JsonNode description = schema.get("description");
        if (description != null && description.isString()) {
            out.append(indent).append("// ").append(description.stringValue()).append('\n');
        }
        out.append("{\n");
        JsonNode properties = schema.get("properties");
        if (properties != null && properties.isObject()) {
            List<String> required = new ArrayList<>();
            JsonNode requiredNode = schema.get("required");
            if (requiredNode != null && requiredNode.isArray()) {
                for (JsonNode r : requiredNode) {
                    if (r.isString()) {
                        required.add(r.stringValue());
                    }
                }
            }
            for (Map.Entry<String, JsonNode> entry : properties.properties()) {
                renderProperty(out, entry.getKey(), entry.getValue(), required.contains(entry.getKey()) ? "" : "?", indent);
            }
        }
        return out.append(indent).append('}').toString();
    }

    private static void renderProperty(StringBuilder out, String key, JsonNode property, String optional, String indent) {
        JsonNode oneOf = property.get("oneOf");
        boolean isUnion = oneOf != null && oneOf.isArray();
        String title = stringField(property, "title");
        if (title != null) {
            out.append(indent).append("// ").append(title).append('\n').append(indent).append("//\n");
        }
        String description = stringField(property, "description");
        if (!isUnion && description != null) {
            out.append(indent).append("// ").append(description).append('\n');
        }
        JsonNode examples = property.get("examples");
        if (examples != null && examples.isArray() && !examples.isEmpty()) {
            out.append(indent).append("// Examples:\n");
            for (JsonNode example : examples) {
                if (example.isString()) {
                    out.append(indent).append("// - \"").append(example.stringValue()).append("\"\n");
                }
            }
        }
        if (isUnion) {
            renderUnionProperty(out, key, property, oneOf, optional, description, indent);
            return;
        }
        out.append(indent).append(key).append(optional).append(": ")
                .append(withNullable(property, toTs(property, indent + "    "))).append(',');
        if (property.has("default")) {
            out.append(" // default: ").append(renderDefault(property.get("default"), property));
        }
        out.append('\n');
    }

    private static void renderUnionProperty(StringBuilder out, String key, JsonNode property, JsonNode oneOf,
                                            String optional, String description, String indent) {
        boolean commentAbove = false;
        if (description != null) {
            String firstVariantDescription = oneOf.isEmpty() ? null : stringField(oneOf.get(0), "description");
            if (!description.equals(firstVariantDescription)) {
                out.append(indent).append("// ").append(description).append('\n');
                commentAbove = true;
            }
        }
        if (property.has("default")) {
            out.append(indent).append("// default: ").append(renderDefault(property.get("default"), property)).append('\n');
        }
        out.append(indent).append(key).append(optional).append(":\n");
        for (int i = 0; i < oneOf.size(); i++) {
            JsonNode variant = oneOf.get(i);
            String piece = withNullable(variant, toTs(variant, indent + "   "));
            List<String> notes = new ArrayList<>();
            String variantDescription = stringField(variant, "description");
            if (!(i == 0 && commentAbove) && variantDescription != null && !variantDescription.equals(description)) {
                notes.add(variantDescription);
            }
            if (variant.has("default")) {
                notes.add("default: " + renderDefault(variant.get("default"), variant));
            }
            out.append(indent).append(" | ").append(piece);
            if (!notes.isEmpty()) {
                out.append(" // ").append(String.join(" ", notes));
            }
            out.append('\n');
        }
        out.append(indent).append(",\n");
    }

    /** {@code nullable: true} adds {@code | null} unless the type text already mentions null. */
    private static String withNullable(JsonNode schema, String typeText) {
        JsonNode nullable = schema.get("nullable");
        if (nullable != null && nullable.isBoolean() && nullable.booleanValue() && !typeText.contains("null")) {
            return typeText + " | null";
        }
        return typeText;
    }

    /** DEF(d, owner) of §5.6: quoted string (no escaping), bare string when the owner has an enum, else compact JSON. */
    static String renderDefault(JsonNode value, JsonNode owner) {
        if (value.isString()) {
            return hasNonEmptyEnum(owner) ? value.stringValue() : '"' + value.stringValue() + '"';
        }
        return value.toString();
    }

    private static boolean hasNonEmptyEnum(JsonNode schema) {
        JsonNode enumValues = schema.get("enum");
        return enumValues != null && enumValues.isArray() && !enumValues.isEmpty();
    }

    private static String stringField(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isString() ? value.stringValue() : null;
    }
}
