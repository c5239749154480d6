package io.ossserve.api;

import io.ossserve.TestGovernance;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Base of the API integration tests: the whole server on a random loopback port, serving a {@link ScriptedEngine},
 * with its own data directory and bootstrap admin key; tests call /v1 with a tenant key made through the admin API.
 */
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

    /** The data directory and admin key of the scripted server's context (shared by its test classes). */
    protected static final TestGovernance GOVERNANCE = TestGovernance.create("scripted");

    @DynamicPropertySource
    static void governance(DynamicPropertyRegistry r) {
        GOVERNANCE.register(r);
    }

    /** A tenant key with unlimited quotas, for tests that are not about governance. */
    protected static String apiKey(int port) {
        return GOVERNANCE.defaultTenantKey(port);
    }

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
