package io.ossserve.text.harmony;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The developer message body (spec §5.5): {@code # Instructions}, the function tools, then response formats.
 *
 * @param instructions    optional (null when absent)
 * @param tools           tool namespaces (normally just {@code functions}), sorted by name; null when none
 * @param responseFormats structured-output formats; empty when none
 */
public record DeveloperContent(String instructions, SortedMap<String, ToolNamespace> tools,
                               List<ResponseFormat> responseFormats) implements Content {

    public DeveloperContent {
        tools = tools == null ? null : java.util.Collections.unmodifiableSortedMap(new TreeMap<>(tools));
        responseFormats = responseFormats == null ? List.of() : List.copyOf(responseFormats);
    }

    public static DeveloperContent empty() {
        return new DeveloperContent(null, null, List.of());
    }

    public DeveloperContent withInstructions(String text) {
        return new DeveloperContent(text, tools, responseFormats);
    }

    public DeveloperContent withTools(ToolNamespace namespace) {
        TreeMap<String, ToolNamespace> merged = tools == null ? new TreeMap<>() : new TreeMap<>(tools);
        merged.put(namespace.name(), namespace);
        return new DeveloperContent(instructions, merged, responseFormats);
    }

    public DeveloperContent withFunctionTools(List<ToolDescription> functions) {
        return withTools(ToolNamespace.functions(functions));
    }

    public DeveloperContent withResponseFormat(ResponseFormat format) {
        List<ResponseFormat> formats = new java.util.ArrayList<>(responseFormats);
        formats.add(format);
        return new DeveloperContent(instructions, tools, formats);
    }

    public Map<String, ToolNamespace> toolsOrEmpty() {
        return tools == null ? Map.of() : tools;
    }

    /** True when a non-empty {@code functions} namespace is defined (turns on the system message's functions line). */
    public boolean hasFunctionTools() {
        ToolNamespace functions = toolsOrEmpty().get("functions");
        return functions != null && !functions.tools().isEmpty();
    }
}
