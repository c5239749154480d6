package io.ossserve.engine.constraint;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * JSON schema (the structured-outputs subset) → {@link Shape} graph. Every keyword is either compiled, an annotation
 * (title, description, …) or refused with {@link UnsupportedSchemaException}; nothing is silently dropped.
 */
final class SchemaCompiler {
    static final Set<String> ANNOTATIONS = Set.of("title", "description", "$comment", "examples", "default",
            "deprecated", "readOnly", "writeOnly", "$schema", "$id", "strict", "name");
    static final Set<String> KEYWORDS = Set.of("type", "properties", "required", "additionalProperties", "items",
            "minItems", "maxItems", "enum", "const", "pattern", "format", "minLength", "maxLength", "minimum", "maximum",
            "exclusiveMinimum", "exclusiveMaximum", "anyOf", "oneOf", "$defs", "definitions", "$ref", "nullable");
    private static final Set<String> TYPES = Set.of("object", "array", "string", "number", "integer", "boolean", "null");
    private static final int MAX_NODES = 10_000;

    private final JsonNode root;
    private final Map<String, Shape> defs = new HashMap<>();
    private final List<Shape.Ref> refs = new ArrayList<>();
    final List<Shape> all = new ArrayList<>();
    private final List<List<Shape>> oneOfs = new ArrayList<>();
    private final List<String> oneOfPaths = new ArrayList<>();

    private SchemaCompiler(JsonNode root) {
        this.root = root;
    }

    static SchemaCompiler compile(JsonNode schema) {
        SchemaCompiler c = new SchemaCompiler(schema);
        c.rootShape = c.node(schema, "#");
        for (int i = 0; i < c.refs.size(); i++) {   // resolving may compile more definitions (and add refs)
            Shape.Ref r = c.refs.get(i);
            r.target = c.resolve(r.ref);
        }
        for (int i = 0; i < c.oneOfs.size(); i++) {
            Disjoint.check(c.oneOfs.get(i), c.oneOfPaths.get(i));
        }
        MinLengths.compute(c.all);
        if (c.rootShape.minLen >= Shape.INF) {
            throw new UnsupportedSchemaException("$ref", "#", "the schema has no finite value (unbounded recursion)");
        }
        return c;
    }

    Shape rootShape;

    private Shape add(Shape s) {
        if (all.size() > MAX_NODES) {
            throw new UnsupportedSchemaException("$ref", "#", "the schema has more than " + MAX_NODES + " nodes");
        }
        all.add(s);
        return s;
    }

    private Shape resolve(String ref) {
        if (ref.equals("#")) {
            return rootShape;
        }
        Shape s = defs.get(ref);
        if (s == null) {
            JsonNode target = pointer(ref);
            if (target == null) {
                throw new UnsupportedSchemaException("$ref", "#", "'" + ref + "' does not resolve to a local definition");
            }
            s = node(target, ref);
            defs.put(ref, s);
        }
        return s;
    }

    private JsonNode pointer(String ref) {
        if (!ref.startsWith("#/")) {
            return null;
        }
        JsonNode n = root;
        for (String part : ref.substring(2).split("/")) {
            String key = part.replace("~1", "/").replace("~0", "~");
            n = n == null || !n.isObject() ? null : n.get(key);
        }
        return n;
    }

    private Shape node(JsonNode s, String path) {
        if (s == null || !(s.isObject() || s.isBoolean())) {
            throw new UnsupportedSchemaException("type", path, "a schema must be an object");
        }
        if (s.isBoolean()) {
            if (!s.booleanValue()) {
                throw new UnsupportedSchemaException("false", path, "a false schema matches nothing");
            }
            return add(new Shape.Any());
        }
        for (String key : s.propertyNames()) {
            if (!KEYWORDS.contains(key) && !ANNOTATIONS.contains(key)) {
                throw new UnsupportedSchemaException(key, path, null);
            }
        }
        for (String defsKey : List.of("$defs", "definitions")) {
            JsonNode d = s.get(defsKey);
            if (d != null) {
                if (!d.isObject()) {
                    throw new UnsupportedSchemaException(defsKey, path, "must be an object");
                }
                for (String name : d.propertyNames()) {
                    String ref = (path.equals("#") ? "#" : path) + "/" + defsKey + "/" + name.replace("~", "~0").replace("/", "~1");
                    if (!defs.containsKey(ref)) {
                        Shape.Ref holder = new Shape.Ref(ref);
                        defs.put(ref, holder);   // placeholder against cycles while compiling the definition
                        Shape compiled = node(d.get(name), ref);
                        defs.put(ref, compiled);
                        holder.target = compiled;
                        add(holder);
                    }
                }
            }
        }
        if (s.get("$ref") != null) {
            JsonNode r = s.get("$ref");
            if (!r.isString()) {
                throw new UnsupportedSchemaException("$ref", path, "must be a string");
            }
            for (String key : s.propertyNames()) {
                if (KEYWORDS.contains(key) && !key.equals("$ref") && !key.equals("$defs") && !key.equals("definitions")) {
                    throw new UnsupportedSchemaException(key, path, "keywords beside $ref are not supported");
                }
            }
            Shape.Ref ref = new Shape.Ref(r.stringValue());
            refs.add(ref);
            return add(ref);
        }
        for (String comb : List.of("anyOf", "oneOf")) {
            JsonNode alts = s.get(comb);
            if (alts != null) {
                if (!alts.isArray() || alts.isEmpty()) {
                    throw new UnsupportedSchemaException(comb, path, "must be a non-empty array");
                }
                for (String key : s.propertyNames()) {
                    if (KEYWORDS.contains(key) && !key.equals(comb) && !key.equals("$defs") && !key.equals("definitions")
                            && !key.equals("nullable")) {
                        throw new UnsupportedSchemaException(key, path, "keywords beside " + comb + " are not supported");
                    }
                }
                List<Shape> out = new ArrayList<>();
                for (int i = 0; i < alts.size(); i++) {
                    out.add(node(alts.get(i), path + "/" + comb + "/" + i));
                }
                if (comb.equals("oneOf")) {
                    oneOfs.add(List.copyOf(out));
                    oneOfPaths.add(path);
                }
                if (bool(s, "nullable", path)) {
                    out.add(add(new Shape.Lit(new byte[][] {"null".getBytes(StandardCharsets.US_ASCII)})));
                }
                return add(out.size() == 1 ? out.getFirst() : new Shape.AnyOf(List.copyOf(out)));
            }
        }
        Set<String> types = new LinkedHashSet<>();
        JsonNode t = s.get("type");
        if (t != null) {
            if (t.isString()) {
                types.add(t.stringValue());
            } else if (t.isArray() && !t.isEmpty()) {
                for (JsonNode x : t) {
                    types.add(x.isString() ? x.stringValue() : "?");
                }
            } else {
                throw new UnsupportedSchemaException("type", path, "must be a type name or an array of them");
            }
            for (String x : types) {
                if (!TYPES.contains(x)) {
                    throw new UnsupportedSchemaException("type", path, "'" + x + "' is not a JSON schema type");
                }
            }
        }
        if (bool(s, "nullable", path)) {
            if (types.isEmpty()) {
                throw new UnsupportedSchemaException("nullable", path, "needs a 'type'");
            }
            types.add("null");
        }
        if (s.get("enum") != null || s.get("const") != null) {
            return add(literals(s, types, path));
        }
        if (types.isEmpty()) {
            types.addAll(inferTypes(s));
        }
        if (types.isEmpty()) {
            return add(new Shape.Any());
        }
        List<Shape> out = new ArrayList<>();
        for (String type : types) {
            out.add(switch (type) {
                case "object" -> object(s, path);
                case "array" -> array(s, path);
                case "string" -> add(Strings.string(s, path));
                case "number", "integer" -> number(s, type.equals("integer"), path);
                case "boolean" -> add(new Shape.Lit(new byte[][] {bytes("true"), bytes("false")}));
                default -> add(new Shape.Lit(new byte[][] {bytes("null")}));
            });
        }
        return out.size() == 1 ? out.getFirst() : add(new Shape.AnyOf(List.copyOf(out)));
    }

    /** Keywords that only make sense for one type imply it when {@code type} is absent. */
    private static Set<String> inferTypes(JsonNode s) {
        Set<String> t = new LinkedHashSet<>();
        if (s.get("properties") != null || s.get("required") != null || s.get("additionalProperties") != null) {
            t.add("object");
        }
        if (s.get("items") != null || s.get("minItems") != null || s.get("maxItems") != null) {
            t.add("array");
        }
        if (s.get("pattern") != null || s.get("format") != null || s.get("minLength") != null || s.get("maxLength") != null) {
            t.add("string");
        }
        if (s.get("minimum") != null || s.get("maximum") != null || s.get("exclusiveMinimum") != null
                || s.get("exclusiveMaximum") != null) {
            t.add("number");
        }
        return t;
    }

    private Shape object(JsonNode s, String path) {
        JsonNode props = s.get("properties");
        JsonNode ap = s.get("additionalProperties");
        if (ap != null && !ap.isBoolean()) {
            throw new UnsupportedSchemaException("additionalProperties", path, "only true or false is supported");
        }
        Set<String> req = new HashSet<>();
        JsonNode r = s.get("required");
        if (r != null) {
            if (!r.isArray()) {
                throw new UnsupportedSchemaException("required", path, "must be an array of names");
            }
            for (JsonNode x : r) {
                req.add(x.stringValue());
            }
        }
        if (props == null || props.isEmpty()) {
            if (!req.isEmpty()) {
                throw new UnsupportedSchemaException("required", path, "names properties that are not declared");
            }
            return add(ap != null && !ap.booleanValue() ? new Shape.Obj(new String[0], new byte[0][], new Shape[0], new boolean[0])
                    : new Shape.AnyObj());
        }
        if (!props.isObject()) {
            throw new UnsupportedSchemaException("properties", path, "must be an object");
        }
        List<String> names = new ArrayList<>(props.propertyNames());
        for (String q : req) {
            if (!names.contains(q)) {
                throw new UnsupportedSchemaException("required", path, "'" + q + "' is not in properties");
            }
        }
        int n = names.size();
        byte[][] keys = new byte[n][];
        Shape[] values = new Shape[n];
        boolean[] required = new boolean[n];
        for (int i = 0; i < n; i++) {
            String name = names.get(i);
            String enc = JsonText.quote(name);
            keys[i] = (enc.substring(1) + ":").getBytes(StandardCharsets.UTF_8);
            values[i] = node(props.get(name), path + "/properties/" + name);
            required[i] = req.contains(name);
        }
        return add(new Shape.Obj(names.toArray(String[]::new), keys, values, required));
    }

    private Shape array(JsonNode s, String path) {
        JsonNode items = s.get("items");
        if (items != null && !items.isObject() && !items.isBoolean()) {
            throw new UnsupportedSchemaException("items", path, "tuple form (an array of schemas) is not supported");
        }
        int min = nonNegative(s, "minItems", path, 0);
        int max = nonNegative(s, "maxItems", path, Integer.MAX_VALUE);
        if (min > max) {
            throw new UnsupportedSchemaException("minItems", path, "minItems > maxItems");
        }
        Shape item = items == null ? add(new Shape.Any()) : node(items, path + "/items");
        return add(new Shape.Arr(item, min, max));
    }

    private Shape number(JsonNode s, boolean integer, String path) {
        BigDecimal min = decimal(s, "minimum", path);
        BigDecimal max = decimal(s, "maximum", path);
        BigDecimal xmin = decimal(s, "exclusiveMinimum", path);
        BigDecimal xmax = decimal(s, "exclusiveMaximum", path);
        boolean minEx = false;
        boolean maxEx = false;
        if (xmin != null && (min == null || xmin.compareTo(min) >= 0)) {
            min = xmin;
            minEx = true;
        }
        if (xmax != null && (max == null || xmax.compareTo(max) <= 0)) {
            max = xmax;
            maxEx = true;
        }
        Shape.Num num = new Shape.Num(integer, min, minEx, max, maxEx);
        if (Numbers.minExtra(num, "") < 0) {
            throw new UnsupportedSchemaException(min != null ? "minimum" : "maximum", path,
                    "no " + (integer ? "integer" : "number") + " with at most 15 digits (and 6 decimals) fits the bounds");
        }
        return add(num);
    }

    private static BigDecimal decimal(JsonNode s, String key, String path) {
        JsonNode v = s.get(key);
        if (v == null) {
            return null;
        }
        if (!v.isNumber()) {
            throw new UnsupportedSchemaException(key, path, "must be a number");
        }
        return v.decimalValue();
    }

    static int nonNegative(JsonNode s, String key, String path, int otherwise) {
        JsonNode v = s.get(key);
        if (v == null) {
            return otherwise;
        }
        if (!v.isIntegralNumber() || v.asLong() < 0) {
            throw new UnsupportedSchemaException(key, path, "must be a non-negative integer");
        }
        return (int) Math.min(Integer.MAX_VALUE, v.asLong());
    }

    private static boolean bool(JsonNode s, String key, String path) {
        JsonNode v = s.get(key);
        if (v == null) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new UnsupportedSchemaException(key, path, "must be true or false");
        }
        return v.booleanValue();
    }

    private Shape literals(JsonNode s, Set<String> types, String path) {
        List<JsonNode> values = new ArrayList<>();
        String key = s.get("const") != null ? "const" : "enum";
        if (key.equals("const")) {
            values.add(s.get("const"));
        } else if (!s.get("enum").isArray() || s.get("enum").isEmpty()) {
            throw new UnsupportedSchemaException("enum", path, "must be a non-empty array");
        } else {
            s.get("enum").forEach(values::add);
        }
        Set<String> seen = new LinkedHashSet<>();
        for (JsonNode v : values) {
            if (types.isEmpty() || types.contains(JsonText.typeOf(v))
                    || (types.contains("number") && JsonText.typeOf(v).equals("integer"))) {
                seen.add(JsonText.compact(v));
            }
        }
        if (seen.isEmpty()) {
            throw new UnsupportedSchemaException(key, path, "no value has the declared type");
        }
        return new Shape.Lit(seen.stream().map(SchemaCompiler::bytes).toArray(byte[][]::new));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
