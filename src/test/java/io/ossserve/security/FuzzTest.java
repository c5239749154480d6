package io.ossserve.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.ossserve.security.testapp.GovernanceContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Malformed Authorization headers and bodies over a raw socket (bypassing client-side validation): never a 500,
 * never a stack trace.
 */
class FuzzTest extends GovernanceContext {

    @Test
    void malformedHeadersAndBodiesNeverYield500() throws IOException {
        String key = tenantWithKey("fuzz", null);
        String admin = adminKey();
        Random random = new Random(42);
        List<String> auth = new ArrayList<>(List.of("", "Bearer", "Bearer ", "Bearer  ", "bearer " + key,
                "Basic dXNlcjpwYXNz", "Bearer \t" + key, "Bearer " + key + " extra", "Bearer oss_", "Bearer oss_abc",
                "Bearer a.b.c", "Bearer eyJhbGciOiJub25lIn0.e30.", "Bearer ..", "Bearer " + "A".repeat(7000),
                "Bearer oss_" + "z".repeat(12) + "_", "Bearer " + key.substring(0, key.length() - 1),
                "Bearer \u00e9\u00e8", "Bearer %00%0a", "Bearer eyJ.eyJ.sig", "Bearer oss_ABCDEFGHIJKL_xxx"));
        for (int i = 0; i < 30; i++) {
            byte[] b = new byte[1 + random.nextInt(80)];
            for (int j = 0; j < b.length; j++) {
                b[j] = (byte) (0x21 + random.nextInt(0x5e));
            }
            auth.add("Bearer " + new String(b, StandardCharsets.US_ASCII));
        }
        List<String> bodies = List.of("", "{", "null", "[]", "{\"model\":1}", "{\"messages\":\"x\"}",
                "{\"messages\":[{\"role\":\"user\",\"content\":{}}]}", "{\"max_tokens\":\"many\"}",
                "{\"max_tokens\":-5,\"messages\":[]}", "{\"max_tokens\":99999999999999}", "\u0000\u0001",
                "{\"id\":\"" + "x".repeat(5000) + "\"}", "{\"limits\":{\"max_concurrent\":\"a\"}}");
        for (String a : auth) {
            int status = raw("GET", "/v1/models", a, null);
            assertThat(status).as(a).isBetween(200, 499);
        }
        for (String body : bodies) {
            assertThat(raw("POST", "/v1/chat/completions", "Bearer " + key, body)).as(body).isBetween(200, 499);
            assertThat(raw("POST", "/admin/tenants", "Bearer " + admin, body)).as(body).isBetween(200, 499);
            assertThat(raw("PATCH", "/admin/tenants/fuzz", "Bearer " + admin, body)).as(body).isBetween(200, 499);
            assertThat(raw("POST", "/admin/tenants/fuzz/keys", "Bearer " + admin, body)).as(body).isBetween(200, 499);
        }
        for (String q : List.of("?from=yesterday", "?limit=-1", "?limit=abc", "?to=2026-13-99T00:00:00Z",
                "?tenant=%00")) {
            assertThat(raw("GET", "/admin/audit/events" + q, "Bearer " + admin, null)).as(q).isBetween(200, 499);
            assertThat(raw("GET", "/tenant/audit/events" + q, "Bearer " + key, null)).as(q).isBetween(200, 499);
        }
    }

    /** Sends one HTTP/1.1 request byte for byte and returns the status code. */
    int raw(String method, String path, String authorization, String body) throws IOException {
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        if (!authorization.isEmpty()) {
            req.append("Authorization: ").append(authorization).append("\r\n");
        }
        if (body != null) {
            req.append("Content-Type: application/json\r\nContent-Length: ").append(payload.length).append("\r\n");
        }
        req.append("\r\n");
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(payload);
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream resp = new ByteArrayOutputStream();
            in.transferTo(resp);
            String text = resp.toString(StandardCharsets.ISO_8859_1);
            assertThat(text).doesNotContain("Exception", "\tat ");
            return Integer.parseInt(text.substring(9, 12));
        }
    }
}
