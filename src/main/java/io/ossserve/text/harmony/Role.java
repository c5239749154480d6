package io.ossserve.text.harmony;

import java.util.Optional;

/** Harmony message roles, in instruction-hierarchy order (spec §5.2). */
public enum Role {
    SYSTEM("system"),
    DEVELOPER("developer"),
    USER("user"),
    ASSISTANT("assistant"),
    TOOL("tool");

    private final String wireName;

    Role(String wireName) {
        this.wireName = wireName;
    }

    /** The name as rendered in a header, e.g. {@code assistant}. */
    public String wireName() {
        return wireName;
    }

    /** The role with this header name, if any. */
    public static Optional<Role> fromWireName(String name) {
        for (Role role : values()) {
            if (role.wireName.equals(name)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
