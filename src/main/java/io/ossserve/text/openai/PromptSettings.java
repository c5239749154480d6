package io.ossserve.text.openai;

import io.ossserve.text.harmony.ReasoningEffort;
import io.ossserve.text.harmony.SystemContent;

import java.time.Clock;
import java.time.LocalDate;
import java.util.Objects;

/**
 * Server-side prompt settings (configurable by the deployment).
 *
 * @param modelIdentity   first line of the system message
 * @param knowledgeCutoff {@code Knowledge cutoff: …}
 * @param currentDate     {@code Current date: …}; null means today in UTC (read from {@code clock})
 * @param defaultEffort   used when the request gives no reasoning effort
 * @param clock           source of "today"
 */
public record PromptSettings(String modelIdentity, String knowledgeCutoff, LocalDate currentDate,
                             ReasoningEffort defaultEffort, Clock clock) {
    public PromptSettings {
        Objects.requireNonNull(defaultEffort, "defaultEffort");
        clock = clock == null ? Clock.systemUTC() : clock;
    }

    /** Harmony's defaults, today's date (UTC), medium effort. */
    public static PromptSettings defaults() {
        return new PromptSettings(SystemContent.DEFAULT_IDENTITY, SystemContent.DEFAULT_KNOWLEDGE_CUTOFF, null,
                ReasoningEffort.MEDIUM, Clock.systemUTC());
    }

    /** The date rendered in the system message, {@code YYYY-MM-DD}. */
    public String renderedDate() {
        return (currentDate != null ? currentDate : LocalDate.now(clock.withZone(java.time.ZoneOffset.UTC))).toString();
    }
}
