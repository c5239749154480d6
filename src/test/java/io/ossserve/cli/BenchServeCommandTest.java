package io.ossserve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code oss-serve bench serve} through the real command line against a small loopback stand-in of an
 * OpenAI-compatible server that wants a bearer key (no Spring context; the full server run is BenchServeIT).
 */
class BenchServeCommandTest {
    @TempDir
    Path tmp;

    static void answer(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    static HttpServer server() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            if (!"Bearer k-test".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                answer(ex, 401, "application/json", "{\"error\":{\"message\":\"bad key\",\"type\":\"invalid_request_error\"}}");
            } else if (ex.getRequestURI().getPath().equals("/v1/models")) {
                answer(ex, 200, "application/json", "{\"object\":\"list\",\"data\":[{\"id\":\"stand-in\"}]}");
            } else {
                String chunk = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\n";
                answer(ex, 200, "text/event-stream", chunk + chunk
                        + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":2}}\n\ndata: [DONE]\n\n");
            }
        });
        server.start();
        return server;
    }

    static int run(ByteArrayOutputStream err, String... args) {
        var cl = Main.commandLine();
        cl.setErr(new java.io.PrintWriter(new PrintStream(err, true, StandardCharsets.UTF_8), true));
        cl.setOut(new java.io.PrintWriter(new ByteArrayOutputStream(), true));
        return cl.execute(args);
    }

    @Test
    void benchServeIsRegisteredAndSendsTheKey() throws Exception {
        HttpServer server = server();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort();
            Path result = tmp.resolve("result.json");
            PrintStream oldOut = System.out;
            int code;
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            try {
                System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
                code = run(err, "bench", "serve", "--url", url, "--api-key", "k-test", "--num-prompts", "3",
                        "--concurrency", "1", "--input-len", "4", "--output-len", "2", "--no-progress",
                        "--result-file", result.toString());
            } finally {
                System.setOut(oldOut);
            }
            assertThat(code).as(err.toString()).isZero();
            assertThat(Files.readString(result)).contains("\"completed\"").contains("\"total_output_tokens\"");

            ByteArrayOutputStream denied = new ByteArrayOutputStream();
            int noKey = run(denied, "bench", "serve", "--url", url, "--num-prompts", "1", "--no-progress",
                    "--result-file", tmp.resolve("none.json").toString());
            assertThat(noKey).isNotZero();
            assertThat(denied.toString(StandardCharsets.UTF_8)).contains("401").doesNotContain("\tat ");
        } finally {
            server.stop(0);
        }
    }
}
