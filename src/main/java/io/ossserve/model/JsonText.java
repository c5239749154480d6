package io.ossserve.model;

import java.util.List;
import java.util.Map;

/**
 * A small JSON writer for the files this project writes (configs, safetensors headers, indexes): maps,
 * lists, long arrays, strings, numbers, booleans. Avoids a JSON library's start-up cost where a
 * checkpoint is written in a fraction of a second.
 */
public final class JsonText {
    private JsonText() {}

    /** {@code s} as a JSON string literal (quotes, escapes of quote, backslash and control characters). */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2);
        string(sb, s);
        return sb.toString();
    }

    /** Writes maps, lists, long arrays, strings, numbers and booleans as JSON (pretty: two-space indents). */
    public static String write(Object value, boolean pretty) {
        StringBuilder sb = new StringBuilder();
        append(sb, value, pretty ? 0 : -1);
        return sb.toString();
    }

    private static void newline(StringBuilder sb, int indent) {
        if (indent >= 0) {
            sb.append('\n').append("  ".repeat(indent));
        }
    }

    private static void append(StringBuilder sb, Object v, int indent) {
        int inner = indent < 0 ? -1 : indent + 1;
        switch (v) {
            case null -> sb.append("null");
            case String s -> string(sb, s);
            case Boolean b -> sb.append(b);
            case Double d -> sb.append(d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15 ? String.format("%.1f", d) : Double.toString(d));
            case Float f -> append(sb, (double) f, indent);
            case Number n -> sb.append(n.longValue());
            case long[] a -> {
                sb.append('[');
                for (int i = 0; i < a.length; i++) {
                    sb.append(i > 0 ? "," : "").append(a[i]);
                }
                sb.append(']');
            }
            case List<?> list -> {
                sb.append('[');
                for (int i = 0; i < list.size(); i++) {
                    sb.append(i > 0 ? "," : "");
                    newline(sb, inner);
                    append(sb, list.get(i), inner);
                }
                if (!list.isEmpty()) {
                    newline(sb, indent);
                }
                sb.append(']');
            }
            case Map<?, ?> map -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    sb.append(first ? "" : ",");
                    first = false;
                    newline(sb, inner);
                    string(sb, String.valueOf(e.getKey()));
                    sb.append(indent >= 0 ? ": " : ":");
                    append(sb, e.getValue(), inner);
                }
                if (!map.isEmpty()) {
                    newline(sb, indent);
                }
                sb.append('}');
            }
            default -> throw new IllegalArgumentException("cannot write " + v.getClass() + " as JSON");
        }
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
