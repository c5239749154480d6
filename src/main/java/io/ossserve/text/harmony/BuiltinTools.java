package io.ossserve.text.harmony;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;

/**
 * The built-in tool namespaces gpt-oss was trained with (spec §5.12), declared in the system message.
 * Calls go to {@code browser.search|open|find} or {@code python}; results come back from an author of the
 * same name addressed {@code to=assistant}.
 */
public final class BuiltinTools {
    private BuiltinTools() {}

    static final String BROWSER_DESCRIPTION = String.join("\n",
            "Tool for browsing.",
            "The `cursor` appears in brackets before each browsing display: `[{cursor}]`.",
            "Cite information from the tool using the following format:",
            "`\u3010{cursor}\u2020L{line_start}(-L{line_end})?\u3011`, for example: `\u30106\u2020L9-L11\u3011` or `\u30108\u2020L3\u3011`.",
            "Do not quote more than 10 words directly from the tool output.",
            "sources=web (default: web)");

    static final String PYTHON_DESCRIPTION = "Use this tool to execute Python code in your chain of thought. The code "
            + "will not be shown to the user. This tool should be used for internal reasoning, but not for code that "
            + "is intended to be visible to the user (e.g. when creating plots, tables, or files).\n\n"
            + "When you send a message containing Python code to python, it will be executed in a stateful Jupyter "
            + "notebook environment. python will respond with the output of the execution or time out after 120.0 "
            + "seconds. The drive at '/mnt/data' can be used to save and persist user files. Internet access for this "
            + "session is UNKNOWN. Depends on the cluster.";

    private static final ToolNamespace BROWSER = new ToolNamespace("browser", BROWSER_DESCRIPTION, List.of(
            new ToolDescription("search",
                    "Searches for information related to `query` and displays `topn` results.",
                    json("""
                            {"type":"object","properties":{"query":{"type":"string"},
                             "topn":{"type":"number","default":10},"source":{"type":"string"}},"required":["query"]}""")),
            new ToolDescription("open", String.join("\n",
                    "Opens the link `id` from the page indicated by `cursor` starting at line number `loc`, showing `num_lines` lines.",
                    "Valid link ids are displayed with the formatting: `\u3010{id}\u2020.*\u3011`.",
                    "If `cursor` is not provided, the most recent page is implied.",
                    "If `id` is a string, it is treated as a fully qualified URL associated with `source`.",
                    "If `loc` is not provided, the viewport will be positioned at the beginning of the document or centered on the most relevant passage, if available.",
                    "Use this function without `id` to scroll to a new location of an opened page."),
                    json("""
                            {"type":"object","properties":{"id":{"type":["number","string"],"default":-1},
                             "cursor":{"type":"number","default":-1},"loc":{"type":"number","default":-1},
                             "num_lines":{"type":"number","default":-1},"view_source":{"type":"boolean","default":false},
                             "source":{"type":"string"}}}""")),
            new ToolDescription("find",
                    "Finds exact matches of `pattern` in the current page, or the page given by `cursor`.",
                    json("""
                            {"type":"object","properties":{"pattern":{"type":"string"},
                             "cursor":{"type":"number","default":-1}},"required":["pattern"]}"""))));

    private static final ToolNamespace PYTHON = new ToolNamespace("python", PYTHON_DESCRIPTION, List.of());

    /** The {@code browser} namespace: search, open, find. */
    public static ToolNamespace browser() {
        return BROWSER;
    }

    /** The {@code python} namespace (no functions; its description renders raw). */
    public static ToolNamespace python() {
        return PYTHON;
    }

    private static JsonNode json(String text) {
        return JsonMapper.shared().readTree(text);
    }
}
