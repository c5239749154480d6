package io.ossserve.audit;

import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * One audit record, as handed to the store. Never holds a key; holds prompt/completion text only for tenants that
 * opted in. Token counts and timings are null when they do not apply.
 *
 * @param eventId unique id (deduplicates replays)
 * @param timeMs  epoch milliseconds when the call started
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AuditEvent(
        String eventId,
        long timeMs,
        AuditKind kind,
        String requestId,
        String tenantId,
        String keyId,
        String principal,
        String clientAddress,
        String method,
        String endpoint,
        String model,
        int status,
        Integer promptTokens,
        Integer completionTokens,
        Integer reasoningTokens,
        Integer cachedTokens,
        Long latencyMs,
        Long ttftMs,
        String finishReason,
        List<String> tools,
        String detail,
        String promptText,
        String completionText) {

    public AuditEvent {
        tools = tools == null ? List.of() : List.copyOf(tools);
    }
}
