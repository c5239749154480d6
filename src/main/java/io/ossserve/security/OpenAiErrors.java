package io.ossserve.security;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes OpenAI-shaped error bodies {@code {"error":{"message","type","param","code"}}} from filters, where
 * no controller advice runs. Hand-built JSON: it is on the hot path of every rejected request and must
 * never fail.
 */
public final class OpenAiErrors {
    private OpenAiErrors() {}

    /** Writes the body unless the response is already committed. */
    public static void write(HttpServletResponse response, int status, String type, String code, String message)
            throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        byte[] body = body(type, code, message, null).getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
    }

    /** The JSON body; {@code code} and {@code param} may be null. */
    public static String body(String type, String code, String message, String param) {
        return "{\"error\":{\"message\":" + quote(message) + ",\"type\":" + quote(type) + ",\"param\":"
                + quote(param) + ",\"code\":" + quote(code) + "}}";
    }

    static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
