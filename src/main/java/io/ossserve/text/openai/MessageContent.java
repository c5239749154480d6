package io.ossserve.text.openai;

import java.util.List;
import java.util.Objects;

/** OpenAI message content: a plain string or a list of parts. */
public sealed interface MessageContent {

    record Text(String text) implements MessageContent {
        public Text {
            Objects.requireNonNull(text, "text");
        }
    }

    record Parts(List<ContentPart> parts) implements MessageContent {
        public Parts {
            parts = List.copyOf(parts);
        }
    }

    /** One part; only {@code text} (and {@code input_text}) parts can be rendered for gpt-oss. */
    record ContentPart(String type, String text) {}
}
