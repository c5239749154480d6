package io.ossserve.engine.constraint;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Seeded random JSON schemas within the supported subset (objects, arrays, strings, numbers, anyOf, $ref, …). */
final class RandomSchemas {
    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String[] NAMES = {"name", "id", "city", "tags", "score", "when", "kind", "items", "ok", "note",
            "a", "ab", "x_y", "größe", "quote\"d"};
    private static final String[] FORMATS = {"date", "time", "date-time", "uuid", "email", "ipv4", "hostname"};
    private static final String[] PATTERNS = {"^[A-Z]{2}-[0-9]{3}$", "^(yes|no|maybe)$", "^[a-z]+(_[a-z]+)*$", "ab+c",
            "^\\d{1,4}(\\.\\d\\d)?$"};

    private final SplittableRandom r;
    private ObjectNode defs;

    RandomSchemas(long seed) {
        r = new SplittableRandom(seed);
    }

    ObjectNode next() {
        defs = JSON.createObjectNode();
        ObjectNode root = object(0);
        if (!defs.isEmpty()) {
            root.set("$defs", defs);
        }
        return root;
    }

    private JsonNode any(int depth) {
        int k = r.nextInt(depth >= 3 ? 7 : 11);
        return switch (k) {
            case 0, 1 -> string();
            case 2 -> integer();
            case 3 -> number();
            case 4 -> JSON.createObjectNode().put("type", "boolean");
            case 5 -> nullable();
            case 6 -> JSON.createObjectNode().set("enum", JSON.valueToTree(List.of("red", "green", 3, true)));
            case 7, 8 -> object(depth + 1);
            case 9 -> array(depth + 1);
            default -> r.nextBoolean() ? anyOf(depth + 1) : ref(depth + 1);
        };
    }

    private ObjectNode string() {
        ObjectNode s = JSON.createObjectNode().put("type", "string");
        switch (r.nextInt(6)) {
            case 0 -> s.put("maxLength", r.nextInt(0, 12));
            case 1 -> s.put("format", FORMATS[r.nextInt(FORMATS.length)]);
            case 2 -> s.put("pattern", PATTERNS[r.nextInt(PATTERNS.length)]);
            case 3 -> s.set("enum", JSON.valueToTree(List.of("alpha", "al", "b\"q", "ünï")));
            case 4 -> s.put("minLength", 2).put("maxLength", 5);
            default -> { }
        }
        return s;
    }

    private ObjectNode integer() {
        ObjectNode s = JSON.createObjectNode().put("type", "integer");
        if (r.nextBoolean()) {
            int lo = r.nextInt(-50, 50);
            s.put("minimum", lo).put("maximum", lo + r.nextInt(0, 200));
        }
        if (r.nextInt(4) == 0) {
            s.put("exclusiveMinimum", 7);
        }
        return s;
    }

    private ObjectNode number() {
        ObjectNode s = JSON.createObjectNode().put("type", "number");
        if (r.nextBoolean()) {
            s.put("minimum", -1.5).put("exclusiveMaximum", 2.25);
        }
        return s;
    }

    private ObjectNode nullable() {
        ObjectNode s = JSON.createObjectNode();
        ArrayNode t = s.putArray("type");
        t.add(r.nextBoolean() ? "string" : "integer").add("null");
        return s;
    }

    ObjectNode object(int depth) {
        ObjectNode o = JSON.createObjectNode().put("type", "object");
        ObjectNode props = o.putObject("properties");
        ArrayNode req = o.putArray("required");
        int n = r.nextInt(1, 5);
        List<String> used = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = NAMES[r.nextInt(NAMES.length)];
            if (used.contains(name)) {
                continue;
            }
            used.add(name);
            props.set(name, any(depth));
            if (r.nextInt(3) > 0) {
                req.add(name);
            }
        }
        if (r.nextBoolean()) {
            o.put("additionalProperties", false);
        }
        return o;
    }

    private ObjectNode array(int depth) {
        ObjectNode a = JSON.createObjectNode().put("type", "array");
        a.set("items", any(depth));
        int min = r.nextInt(0, 3);
        a.put("minItems", min);
        if (r.nextBoolean()) {
            a.put("maxItems", min + r.nextInt(0, 4));
        }
        return a;
    }

    private ObjectNode anyOf(int depth) {
        ObjectNode s = JSON.createObjectNode();
        ArrayNode alts = s.putArray(r.nextBoolean() ? "anyOf" : "oneOf");
        alts.add(object(depth));
        alts.add(string());
        alts.add(JSON.createObjectNode().put("type", "null"));
        return s;
    }

    private ObjectNode ref(int depth) {
        String name = "d" + defs.size();
        defs.set(name, JSON.createObjectNode());   // reserve the name: definitions made inside get other names
        defs.set(name, r.nextBoolean() ? object(depth) : string());
        return JSON.createObjectNode().put("$ref", "#/$defs/" + name);
    }
}
