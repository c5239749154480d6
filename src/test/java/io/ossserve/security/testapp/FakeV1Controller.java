package io.ossserve.security.testapp;

import java.util.List;
import java.util.Map;
import org.springframework.boot.test.context.TestComponent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Stand-ins for /v1/models, /v1/chat/completions and /v1/health/ready. */
@TestComponent
@RestController
public class FakeV1Controller {

    @GetMapping("/v1/models")
    Map<String, Object> models() {
        return Map.of("object", "list", "data", List.of(Map.of("id", "gpt-oss-test", "object", "model")));
    }

    @GetMapping("/v1/health/ready")
    Map<String, Object> ready() {
        return Map.of("object", "health.response", "message", "Service is ready.");
    }

    @PostMapping("/v1/chat/completions")
    Map<String, Object> chat(@RequestBody Map<String, Object> body) {
        return Map.of("object", "chat.completion", "model", String.valueOf(body.get("model")));
    }
}
