package io.ossserve.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/** Base of the API integration tests: the whole server on a random loopback port, serving a {@link ScriptedEngine}. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(ScriptedServer.Engine.class)
@TestPropertySource(properties = {"oss-serve.model.served-model-name=gpt-oss-test", "server.address=127.0.0.1",
        "oss-serve.server-limits.max-body-size=64KB"})
abstract class ScriptedServer {

    @TestConfiguration
    static class Engine {
        @Bean
        ScriptedEngine scriptedEngine() {
            return new ScriptedEngine();
        }
    }

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static void awaitReady(int port) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < until) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("server not ready in 60 s");
    }

}
