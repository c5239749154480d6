package io.ossserve.api;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.json.JsonMapper;

/** Server-sent events on a servlet response: {@code data: JSON\n\n}, flushed per event; {@code data: [DONE]} last. */
final class SseWriter {
    private static final byte[] PREFIX = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private final JsonMapper json;
    private final ServletOutputStream out;

    SseWriter(JsonMapper json, HttpServletResponse response) throws IOException {
        this.json = json;
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        this.out = response.getOutputStream();
    }

    void send(Object event) throws IOException {
        byte[] body = json.writeValueAsBytes(event);
        out.write(PREFIX);
        out.write(body);
        out.write(END);
        out.flush();
    }

    /** Ends a started stream with one {@code data: {"error": …}} event and {@code [DONE]}; a gone client is ignored. */
    static void endWithError(SseWriter sse, ErrorBody error) {
        try {
            sse.send(error);
            sse.done();
        } catch (IOException ignored) {
            // the client is gone as well
        }
    }

    void done() throws IOException {
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }
}
