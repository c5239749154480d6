package io.ossserve.text.harmony;

import java.util.List;
import java.util.Objects;

/**
 * A tool namespace ({@code functions}, {@code browser}, {@code python}, …).
 *
 * @param name        namespace name; namespaces render in lexicographic order of this name
 * @param description optional (null when absent); rendered as comments when the namespace has tools, raw otherwise
 * @param tools       in insertion order
 */
public record ToolNamespace(String name, String description, List<ToolDescription> tools) {
    public ToolNamespace {
        Objects.requireNonNull(name, "namespace name");
        tools = List.copyOf(tools);
    }

    /** The {@code functions} namespace of developer-defined function tools. */
    public static ToolNamespace functions(List<ToolDescription> tools) {
        return new ToolNamespace("functions", null, tools);
    }
}
