package io.ossserve.text.harmony;

import java.util.Objects;

/** Plain text, rendered with ordinary encoding (special-token text stays text). */
public record TextContent(String text) implements Content {
    public TextContent {
        Objects.requireNonNull(text, "text");
    }
}
