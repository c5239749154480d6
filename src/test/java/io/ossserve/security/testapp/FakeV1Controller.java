package io.ossserve.security.testapp;

import io.ossserve.audit.AuditCall;
import io.ossserve.audit.AuditRecorder;
import io.ossserve.audit.RequestIds;
import io.ossserve.quota.QuotaService;
import io.ossserve.quota.QuotaTicket;
import io.ossserve.security.TenantContext;
import io.ossserve.security.TenantPrincipal;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import org.springframework.boot.test.context.TestComponent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Stand-ins for /v1/models, /v1/chat/completions and /v1/health/ready. The chat stand-in calls the governance
 * seams exactly as the real chat endpoint should: tenant from TenantContext, quota admit/settle, audit details.
 * Prompt tokens = characters of all message contents / 4 + 1; completion tokens = min(max_tokens, 5).
 */
@TestComponent
@RestController
public class FakeV1Controller {
    private final QuotaService quota;
    private final AuditRecorder audit;

    FakeV1Controller(QuotaService quota, AuditRecorder audit) {
        this.quota = quota;
        this.audit = audit;
    }

    public record Message(String role, String content) {}

    public record ChatRequest(String model, List<Message> messages, Integer max_tokens) {}

    @GetMapping("/v1/models")
    Map<String, Object> models() {
        return Map.of("object", "list", "data", List.of(Map.of("id", "gpt-oss-test", "object", "model")));
    }

    @GetMapping("/v1/health/ready")
    Map<String, Object> ready() {
        return Map.of("object", "health.response", "message", "Service is ready.");
    }

    @PostMapping("/v1/chat/completions")
    Map<String, Object> chat(@RequestBody ChatRequest body, HttpServletRequest request) {
        TenantPrincipal tenant = TenantContext.require();
        String model = body.model() == null ? "gpt-oss-test" : body.model();
        String prompt = body.messages() == null ? "" : String.join("\n",
                body.messages().stream().map(m -> m.content() == null ? "" : m.content()).toList());
        int promptTokens = prompt.length() / 4 + 1;
        int maxTokens = body.max_tokens() == null ? 16 : body.max_tokens();
        AuditCall call = audit.call(request).model(model);
        try (QuotaTicket ticket = quota.admit(tenant, model, promptTokens, maxTokens)) {
            int completionTokens = Math.min(maxTokens, 5);
            String answer = "fake answer";
            ticket.settle(promptTokens, completionTokens);
            call.usage(promptTokens, completionTokens, 2, 0).finishReason("stop").toolsCalled(List.of("get_weather"))
                    .timeToFirstTokenMs(3).texts(prompt, answer);
            return Map.of("id", "chatcmpl-" + RequestIds.of(request), "object", "chat.completion", "model", model,
                    "choices", List.of(Map.of("index", 0, "finish_reason", "stop",
                            "message", Map.of("role", "assistant", "content", answer))),
                    "usage", Map.of("prompt_tokens", promptTokens, "completion_tokens", completionTokens,
                            "total_tokens", promptTokens + completionTokens));
        }
    }
}
