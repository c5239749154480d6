package io.ossserve.text.harmony;

import io.ossserve.text.IntArrayBuilder;
import io.ossserve.text.O200kHarmonyTokenizer;
import io.ossserve.text.SpecialTokens;
import io.ossserve.text.Tokenizers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders harmony messages and conversations to token ids exactly like the harmony reference renderer
 * (spec §5.3–§5.10). Text is encoded ordinarily piece by piece; only this class inserts special ids.
 * Immutable and thread-safe.
 */
public final class HarmonyRenderer {
    private static final String CONSTRAIN_PREFIX = "<|constrain|>";

    private final O200kHarmonyTokenizer tokenizer;

    public HarmonyRenderer(O200kHarmonyTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** A renderer over the shared o200k_harmony tokenizer. */
    public static HarmonyRenderer create() {
        return new HarmonyRenderer(Tokenizers.o200kHarmony());
    }

    public O200kHarmonyTokenizer tokenizer() {
        return tokenizer;
    }

    /** Rendering options. */
    public record RenderOptions(boolean autoDropAnalysis) {
        /** Harmony's Python default: drop analysis before the first final message when the last assistant message is final. */
        public static final RenderOptions DEFAULT = new RenderOptions(true);
        /** Render every message as given. */
        public static final RenderOptions KEEP_ALL = new RenderOptions(false);
    }

    /** {@code <|return|>} and {@code <|call|>}: where sampling stops. {@code <|end|>} is not a sampling stop. */
    public static Set<Integer> stopTokensForAssistantActions() {
        return Set.of(SpecialTokens.RETURN, SpecialTokens.CALL);
    }

    /** {@code <|return|>}, {@code <|call|>} and {@code <|end|>}: the message terminators. */
    public static Set<Integer> stopTokens() {
        return Set.of(SpecialTokens.RETURN, SpecialTokens.CALL, SpecialTokens.END);
    }

    /** All messages (after the analysis filter), then {@code <|start|>} + the next role, e.g. {@code <|start|>assistant}. */
    public int[] renderConversationForCompletion(Conversation conversation, Role nextTurnRole, RenderOptions options) {
        IntArrayBuilder out = new IntArrayBuilder(1024);
        renderConversationInto(conversation, options, out);
        out.add(SpecialTokens.START);
        text(nextTurnRole.wireName(), out);
        return out.toArray();
    }

    /** All messages (after the analysis filter), with no trailing header. */
    public int[] renderConversation(Conversation conversation, RenderOptions options) {
        IntArrayBuilder out = new IntArrayBuilder(1024);
        renderConversationInto(conversation, options, out);
        return out.toArray();
    }

    /** Like {@link #renderConversation}, but a final assistant message on channel {@code final} ends in {@code <|return|>}. */
    public int[] renderConversationForTraining(Conversation conversation, RenderOptions options) {
        int[] ids = renderConversation(conversation, options);
        List<Message> messages = conversation.messages();
        if (!messages.isEmpty()) {
            Message last = messages.getLast();
            if (last.author().role() == Role.ASSISTANT && "final".equals(last.channel())
                    && ids.length > 0 && ids[ids.length - 1] == SpecialTokens.END) {
                ids[ids.length - 1] = SpecialTokens.RETURN;
            }
        }
        return ids;
    }

    /** One message on its own (the functions line of a system message is off: no conversation to look at). */
    public int[] render(Message message) {
        IntArrayBuilder out = new IntArrayBuilder(256);
        renderMessage(message, false, out);
        return out.toArray();
    }

    /** Decoded text of {@link #renderConversationForCompletion} (specials as their names), for logs and tests. */
    public String renderConversationForCompletionText(Conversation conversation, Role nextTurnRole, RenderOptions options) {
        return tokenizer.decode(renderConversationForCompletion(conversation, nextTurnRole, options));
    }

    /**
     * The messages that rendering keeps (spec §5.10): when {@code autoDropAnalysis} is on and the last assistant
     * message is on channel {@code final}, every {@code analysis} message before the first {@code final} message is
     * dropped. Nothing else is dropped.
     */
    public static List<Message> filterAnalysis(List<Message> messages, RenderOptions options) {
        if (!options.autoDropAnalysis()) {
            return messages;
        }
        Message lastAssistant = null;
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).author().role() == Role.ASSISTANT) {
                lastAssistant = messages.get(i);
                break;
            }
        }
        if (lastAssistant == null || !"final".equals(lastAssistant.channel())) {
            return messages;
        }
        int firstFinal = -1;
        for (int i = 0; i < messages.size(); i++) {
            if ("final".equals(messages.get(i).channel())) {
                firstFinal = i;
                break;
            }
        }
        List<Message> kept = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            if (!(i < firstFinal && "analysis".equals(messages.get(i).channel()))) {
                kept.add(messages.get(i));
            }
        }
        return kept;
    }

    private void renderConversationInto(Conversation conversation, RenderOptions options, IntArrayBuilder out) {
        boolean hasFunctionTools = false;
        for (Message message : conversation.messages()) {
            for (Content item : message.content()) {
                if (item instanceof DeveloperContent developer && developer.hasFunctionTools()) {
                    hasFunctionTools = true;
                }
            }
        }
        for (Message message : filterAnalysis(conversation.messages(), options)) {
            renderMessage(message, hasFunctionTools, out);
        }
    }

    private void renderMessage(Message message, boolean conversationHasFunctionTools, IntArrayBuilder out) {
        out.add(SpecialTokens.START);
        Author author = message.author();
        if (author.role() == Role.TOOL) {
            if (author.name() == null || author.name().isEmpty()) {
                throw new IllegalArgumentException("a tool message needs an author name (the tool, e.g. functions.get_weather)");
            }
            text(author.name(), out);
        } else {
            text(author.role().wireName(), out);
            if (author.name() != null) {
                text(":" + author.name(), out);
            }
        }
        String recipient = message.recipient();
        if (recipient != null && !recipient.equals("all")) {
            text(" to=" + recipient, out);
        }
        if (message.channel() != null) {
            out.add(SpecialTokens.CHANNEL);
            text(message.channel(), out);
        }
        String contentType = message.contentType();
        if (contentType != null) {
            if (contentType.startsWith(CONSTRAIN_PREFIX)) {
                text(" ", out);
                out.add(SpecialTokens.CONSTRAIN);
                String rest = contentType.substring(CONSTRAIN_PREFIX.length());
                if (!rest.isEmpty()) {
                    text(rest, out);
                }
            } else {
                text(" " + contentType, out);
            }
        }
        out.add(SpecialTokens.MESSAGE);
        for (Content item : message.content()) {
            switch (item) {
                case TextContent textContent -> text(textContent.text(), out);
                case SystemContent system -> text(systemText(system, conversationHasFunctionTools), out);
                case DeveloperContent developer -> text(developerText(developer), out);
            }
        }
        out.add(author.role() == Role.ASSISTANT && recipient != null ? SpecialTokens.CALL : SpecialTokens.END);
    }

    private void text(String s, IntArrayBuilder out) {
        tokenizer.encodeOrdinary(s, out);
    }

    /** The system message body (spec §5.4). */
    static String systemText(SystemContent system, boolean conversationHasFunctionTools) {
        List<String> sections = new ArrayList<>();
        List<String> top = new ArrayList<>();
        if (system.modelIdentity() != null) {
            top.add(system.modelIdentity());
        }
        if (system.knowledgeCutoff() != null) {
            top.add("Knowledge cutoff: " + system.knowledgeCutoff());
        }
        if (system.conversationStartDate() != null) {
            top.add("Current date: " + system.conversationStartDate());
        }
        if (!top.isEmpty()) {
            sections.add(String.join("\n", top));
        }
        if (system.reasoningEffort() != null) {
            sections.add("Reasoning: " + system.reasoningEffort().wireName());
        }
        if (!system.toolsOrEmpty().isEmpty()) {
            sections.add(toolsSection(system.toolsOrEmpty()));
        }
        ChannelConfig channels = system.channelConfig();
        if (channels != null && !channels.validChannels().isEmpty()) {
            StringBuilder line = new StringBuilder("# Valid channels: ")
                    .append(String.join(", ", channels.validChannels())).append('.');
            if (channels.channelRequired()) {
                line.append(" Channel must be included for every message.");
            }
            if (conversationHasFunctionTools) {
                line.append("\nCalls to these tools must go to the commentary channel: 'functions'.");
            }
            sections.add(line.toString());
        }
        return String.join("\n\n", sections);
    }

    /** The developer message body (spec §5.5, §5.13). */
    static String developerText(DeveloperContent developer) {
        List<String> sections = new ArrayList<>();
        if (developer.instructions() != null) {
            sections.add("# Instructions");
            sections.add(developer.instructions());
        }
        if (!developer.toolsOrEmpty().isEmpty()) {
            sections.add(toolsSection(developer.toolsOrEmpty()));
        }
        if (!developer.responseFormats().isEmpty()) {
            List<String> formats = new ArrayList<>();
            formats.add("# Response Formats");
            for (ResponseFormat format : developer.responseFormats()) {
                String body = (format.description() != null && !format.description().isEmpty()
                        ? "// " + format.description() + "\n" : "") + format.schema().toString();
                formats.add("## " + format.name() + "\n\n" + body);
            }
            sections.add(String.join("\n\n", formats));
        }
        return String.join("\n\n", sections);
    }

    /** {@code # Tools} followed by one block per namespace in lexicographic order (spec §5.6). */
    static String toolsSection(Map<String, ToolNamespace> namespaces) {
        List<String> blocks = new ArrayList<>();
        blocks.add("# Tools");
        for (ToolNamespace namespace : namespaces.values()) {
            blocks.add(namespaceBlock(namespace));
        }
        return String.join("\n\n", blocks);
    }

    static String namespaceBlock(ToolNamespace namespace) {
        List<String> parts = new ArrayList<>();
        parts.add("## " + namespace.name() + "\n");
        boolean hasTools = !namespace.tools().isEmpty();
        if (namespace.description() != null) {
            for (String line : lines(namespace.description())) {
                parts.add(hasTools ? "// " + line : line);
            }
        }
        if (hasTools) {
            parts.add("namespace " + namespace.name() + " {\n");
            for (ToolDescription tool : namespace.tools()) {
                for (String line : lines(tool.description())) {
                    parts.add("// " + line);
                }
                if (tool.parameters() != null) {
                    parts.add("type " + tool.name() + " = (_: " + TypeScriptSchemaRenderer.render(tool.parameters()) + ") => any;\n");
                } else {
                    parts.add("type " + tool.name() + " = () => any;\n");
                }
            }
            parts.add("} // namespace " + namespace.name());
        }
        return String.join("\n", parts);
    }

    /** Rust's {@code str::lines}: split on LF, drop a CR before it, no empty last line after a trailing newline. */
    static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int newline = text.indexOf('\n', start);
            int end = newline < 0 ? text.length() : newline;
            int lineEnd = end > start && text.charAt(end - 1) == '\r' && newline >= 0 ? end - 1 : end;
            lines.add(text.substring(start, lineEnd));
            start = newline < 0 ? text.length() : newline + 1;
        }
        return lines;
    }
}
