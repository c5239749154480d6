package io.ossserve.audit;

import io.ossserve.chat.ChatCallInfo;
import io.ossserve.chat.ChatCallObserver;
import io.ossserve.chat.ChatCallOutcome;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Adds what only the chat layer knows to the audit record of the HTTP call: model, token usage (prompt,
 * completion, reasoning, cached), finish reason, names of the tools called, time to first token and, for
 * tenants that opted in, prompt and completion text. The {@link AuditFilter} writes the one record when the
 * response completes, so a cancelled stream (client gone) and a refused call are recorded exactly once too.
 * Runs first, so that a call refused by the quota still carries its model.
 */
@Component
@Order(AuditChatObserver.ORDER)
class AuditChatObserver implements ChatCallObserver {
    static final int ORDER = -100;

    private final AuditRecorder recorder;
    /** The pending audit call of each chat call in flight, by identity. */
    private final Map<ChatCallInfo, AuditCall> calls = Collections.synchronizedMap(new IdentityHashMap<>());

    AuditChatObserver(AuditRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public void beforeGeneration(ChatCallInfo call) {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attrs) {
            calls.put(call, recorder.call(attrs.getRequest()).model(call.model()));
        }
    }

    @Override
    public void afterGeneration(ChatCallInfo call, ChatCallOutcome outcome) {
        AuditCall audit = calls.remove(call);
        if (audit == null || "rejected".equals(outcome.status())) {
            return; // a refusal is recorded by the filter from the error response
        }
        var u = outcome.usage();
        audit.usage(u.promptTokens(), u.completionTokens(), u.reasoningTokens(), u.cachedTokens())
                .finishReason(finishReason(outcome))
                .toolsCalled(outcome.toolNames());
        if (outcome.ttftNanos() >= 0) {
            audit.timeToFirstTokenMs(outcome.ttftNanos() / 1_000_000);
        }
        switch (outcome.status()) {
            case "cancelled" -> audit.detail("cancelled: the client went away");
            case "failed" -> audit.detail("failed: " + (outcome.error() == null ? "unknown"
                    : outcome.error() instanceof io.ossserve.quota.QuotaException q ? q.code()
                    : outcome.error().getClass().getSimpleName()));
            default -> { }
        }
        if (call.promptText() != null || outcome.completionText() != null) {
            audit.texts(call.promptText(), outcome.completionText());
        }
    }

    /** One reason, or the distinct reasons of the choices joined with commas ({@code stop,length}). */
    private static String finishReason(ChatCallOutcome outcome) {
        Set<String> distinct = new LinkedHashSet<>(outcome.finishReasons());
        return distinct.isEmpty() ? null : String.join(",", distinct);
    }
}
