package io.ossserve.text.harmony;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One harmony message (spec §5.1).
 *
 * @param author      role and optional name
 * @param content     body items, rendered back to back
 * @param channel     {@code analysis}, {@code commentary}, {@code final}, … or null
 * @param recipient   e.g. {@code functions.get_weather}, {@code assistant}; null when absent ({@code all} renders as absent)
 * @param contentType e.g. {@code <|constrain|>json}, {@code code}, {@code json}; null when absent
 */
public record Message(Author author, List<Content> content, String channel, String recipient, String contentType) {
    public Message {
        Objects.requireNonNull(author, "message.author");
        content = List.copyOf(content);
    }

    public static Message of(Role role, String text) {
        return new Message(Author.of(role), List.of(new TextContent(text)), null, null, null);
    }

    public static Message of(Author author, String text) {
        return new Message(author, List.of(new TextContent(text)), null, null, null);
    }

    public static Message of(Role role, Content content) {
        return new Message(Author.of(role), List.of(content), null, null, null);
    }

    public static Message system(SystemContent content) {
        return of(Role.SYSTEM, content);
    }

    public static Message developer(DeveloperContent content) {
        return of(Role.DEVELOPER, content);
    }

    public Message withChannel(String newChannel) {
        return new Message(author, content, newChannel, recipient, contentType);
    }

    public Message withRecipient(String newRecipient) {
        return new Message(author, content, channel, newRecipient, contentType);
    }

    public Message withContentType(String newContentType) {
        return new Message(author, content, channel, recipient, newContentType);
    }

    public Message addingContent(Content more) {
        List<Content> items = new ArrayList<>(content);
        items.add(more);
        return new Message(author, items, channel, recipient, contentType);
    }

    /** The concatenated text of the {@link TextContent} items. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (Content item : content) {
            if (item instanceof TextContent(String text)) {
                sb.append(text);
            }
        }
        return sb.toString();
    }
}
