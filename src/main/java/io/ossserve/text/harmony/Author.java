package io.ossserve.text.harmony;

import java.util.Objects;

/**
 * Who wrote a message. For {@link Role#TOOL} the name is the tool (e.g. {@code functions.get_weather}) and is
 * rendered instead of the role; for other roles a name renders as {@code role:name}.
 *
 * @param role required
 * @param name optional (null when absent); required for tool messages
 */
public record Author(Role role, String name) {
    public Author {
        Objects.requireNonNull(role, "author.role");
    }

    public static Author of(Role role) {
        return new Author(role, null);
    }

    public static Author tool(String toolName) {
        return new Author(Role.TOOL, Objects.requireNonNull(toolName, "tool author name"));
    }
}
