package io.ossserve.audit;

import java.util.List;

/**
 * What the chat layer contributes to the audit record of one HTTP call: model, usage, finish reason, tools called,
 * time to first token and (kept only for tenants that opted in) prompt and completion text. Thread-safe; later calls
 * overwrite earlier ones.
 */
public final class AuditCall {
    volatile String model;
    volatile Integer promptTokens;
    volatile Integer completionTokens;
    volatile Integer reasoningTokens;
    volatile Integer cachedTokens;
    volatile String finishReason;
    volatile List<String> tools = List.of();
    volatile Long ttftMs;
    volatile String detail;
    volatile String promptText;
    volatile String completionText;

    public AuditCall model(String model) {
        this.model = model;
        return this;
    }

    public AuditCall usage(int promptTokens, int completionTokens, int reasoningTokens, int cachedTokens) {
        this.promptTokens = promptTokens;
        this.completionTokens = completionTokens;
        this.reasoningTokens = reasoningTokens;
        this.cachedTokens = cachedTokens;
        return this;
    }

    public AuditCall finishReason(String finishReason) {
        this.finishReason = finishReason;
        return this;
    }

    /** Names of the tools the model called (not their arguments). */
    public AuditCall toolsCalled(List<String> toolNames) {
        this.tools = toolNames == null ? List.of() : List.copyOf(toolNames);
        return this;
    }

    public AuditCall timeToFirstTokenMs(long ttftMs) {
        this.ttftMs = ttftMs;
        return this;
    }

    /** A short free-text note (e.g. an error code); never user content. */
    public AuditCall detail(String detail) {
        this.detail = detail;
        return this;
    }

    /** Prompt and completion text; stored only when the tenant opted in to prompt logging. */
    public AuditCall texts(String promptText, String completionText) {
        this.promptText = promptText;
        this.completionText = completionText;
        return this;
    }
}
