package io.ossserve.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Dotted-path access into parsed YAML ({@code "spec.template.spec"}; a literal dot is written {@code \\.}). */
final class Y {

    private Y() {}

    static Object get(Object root, String path) {
        Object current = root;
        for (String segment : split(path)) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(segment);
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object root, String path) {
        Object value = get(root, path);
        if (!(value instanceof Map<?, ?>)) {
            throw new AssertionError("no map at " + path + " (found " + value + ")");
        }
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object root, String path) {
        Object value = get(root, path);
        if (!(value instanceof List<?>)) {
            throw new AssertionError("no list at " + path + " (found " + value + ")");
        }
        return (List<Map<String, Object>>) value;
    }

    static String str(Object root, String path) {
        Object value = get(root, path);
        return value == null ? null : String.valueOf(value);
    }

    /** Every (path, value) leaf of a YAML tree, for whole-manifest scans. */
    static List<Map.Entry<String, Object>> leaves(Object root) {
        List<Map.Entry<String, Object>> out = new ArrayList<>();
        walk("", root, out);
        return out;
    }

    private static void walk(String prefix, Object node, List<Map.Entry<String, Object>> out) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k, v, out));
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                walk(prefix + "[" + i + "]", list.get(i), out);
            }
        } else {
            out.add(Map.entry(prefix, node == null ? "null" : node));
        }
    }

    private static List<String> split(String path) {
        List<String> segments = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\' && i + 1 < path.length() && path.charAt(i + 1) == '.') {
                current.append('.');
                i++;
            } else if (c == '.') {
                segments.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        segments.add(current.toString());
        return segments;
    }
}
