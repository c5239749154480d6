package io.ossserve.text.harmony;

import java.util.Locale;

/** {@code Reasoning: low|medium|high} in the system message. */
public enum ReasoningEffort {
    LOW, MEDIUM, HIGH;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code low}, {@code medium} or {@code high} (any case); throws naming the value otherwise. */
    public static ReasoningEffort parse(String value) {
        for (ReasoningEffort effort : values()) {
            if (effort.name().equalsIgnoreCase(value)) {
                return effort;
            }
        }
        throw new IllegalArgumentException("reasoning effort '" + value + "' is not one of low, medium, high");
    }
}
