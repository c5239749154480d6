package io.ossserve.text.harmony;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The system message body (spec §5.4). Null fields are omitted from the rendering.
 *
 * @param modelIdentity         first line, e.g. {@code You are ChatGPT, a large language model trained by OpenAI.}
 * @param reasoningEffort       {@code Reasoning: …}
 * @param knowledgeCutoff       {@code Knowledge cutoff: 2024-06}
 * @param conversationStartDate {@code Current date: YYYY-MM-DD}
 * @param channelConfig         {@code # Valid channels: …}
 * @param tools                 built-in tool namespaces (browser, python), sorted by name
 */
public record SystemContent(
        String modelIdentity,
        ReasoningEffort reasoningEffort,
        String knowledgeCutoff,
        String conversationStartDate,
        ChannelConfig channelConfig,
        SortedMap<String, ToolNamespace> tools) implements Content {

    public static final String DEFAULT_IDENTITY = "You are ChatGPT, a large language model trained by OpenAI.";
    public static final String DEFAULT_KNOWLEDGE_CUTOFF = "2024-06";

    public SystemContent {
        tools = tools == null ? null : java.util.Collections.unmodifiableSortedMap(new TreeMap<>(tools));
    }

    /** Harmony's {@code SystemContent.new()}: default identity, cutoff 2024-06, medium effort, no date, no tools. */
    public static SystemContent defaults() {
        return new SystemContent(DEFAULT_IDENTITY, ReasoningEffort.MEDIUM, DEFAULT_KNOWLEDGE_CUTOFF, null,
                ChannelConfig.DEFAULT, null);
    }

    public SystemContent withModelIdentity(String identity) {
        return new SystemContent(identity, reasoningEffort, knowledgeCutoff, conversationStartDate, channelConfig, tools);
    }

    public SystemContent withReasoningEffort(ReasoningEffort effort) {
        return new SystemContent(modelIdentity, effort, knowledgeCutoff, conversationStartDate, channelConfig, tools);
    }

    public SystemContent withKnowledgeCutoff(String cutoff) {
        return new SystemContent(modelIdentity, reasoningEffort, cutoff, conversationStartDate, channelConfig, tools);
    }

    public SystemContent withConversationStartDate(String date) {
        return new SystemContent(modelIdentity, reasoningEffort, knowledgeCutoff, date, channelConfig, tools);
    }

    public SystemContent withChannelConfig(ChannelConfig config) {
        return new SystemContent(modelIdentity, reasoningEffort, knowledgeCutoff, conversationStartDate, config, tools);
    }

    /** Adds (or replaces) a tool namespace. */
    public SystemContent withTools(ToolNamespace namespace) {
        TreeMap<String, ToolNamespace> merged = tools == null ? new TreeMap<>() : new TreeMap<>(tools);
        merged.put(namespace.name(), namespace);
        return new SystemContent(modelIdentity, reasoningEffort, knowledgeCutoff, conversationStartDate, channelConfig, merged);
    }

    public SystemContent withBrowserTool() {
        return withTools(BuiltinTools.browser());
    }

    public SystemContent withPythonTool() {
        return withTools(BuiltinTools.python());
    }

    /** The tool namespaces, or an empty map. */
    public Map<String, ToolNamespace> toolsOrEmpty() {
        return tools == null ? Map.of() : tools;
    }
}
