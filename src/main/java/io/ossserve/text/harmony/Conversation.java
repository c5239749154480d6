package io.ossserve.text.harmony;

import java.util.List;

/** An ordered list of messages. */
public record Conversation(List<Message> messages) {
    public Conversation {
        messages = List.copyOf(messages);
    }

    public static Conversation of(Message... messages) {
        return new Conversation(List.of(messages));
    }
}
