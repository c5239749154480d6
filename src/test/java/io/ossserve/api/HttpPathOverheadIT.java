package io.ossserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The cost of the HTTP path itself, with the engine's share taken out as far as it goes: 500 sequential one-token
 * streaming chat requests against the scripted engine (which answers at once), timed from send to the finish chunk
 * read by the client. Reported (docs/benchmarks.md), not a bar: the shared machine's noise is larger than the effects.
 */
class HttpPathOverheadIT extends ScriptedServer {
    @LocalServerPort
    int port;

    @Test
    void oneTokenStreamsRoundTrip() throws Exception {
        awaitReady(port);
        String key = apiKey(port);
        String body = "{\"model\":\"gpt-oss-test\",\"max_tokens\":1,\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"overhead probe\"}]}";
        double[] t = new double[500];
        for (int i = 0; i < t.length; i++) {
            long t0 = System.nanoTime();
            HttpResponse<Stream<String>> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                            + "/v1/chat/completions")).header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofLines());
            long[] first = {0};
            r.body().forEach(line -> {
                if (first[0] == 0 && line.contains("\"finish_reason\":\"")) {
                    first[0] = System.nanoTime();
                }
            });
            assertThat(first[0]).as("request " + i + " got its finish chunk").isPositive();
            t[i] = (first[0] - t0) / 1e6;
        }
        Arrays.sort(t);
        System.out.printf("HTTP PATH scripted engine (%d one-token streams): median %.2f ms, p10 %.2f ms, p90 %.2f ms%n",
                t.length, t[t.length / 2], t[t.length / 10], t[t.length * 9 / 10]);
    }
}
