package io.ossserve.text.openai;

import io.ossserve.text.harmony.Author;
import io.ossserve.text.harmony.Conversation;
import io.ossserve.text.harmony.DeveloperContent;
import io.ossserve.text.harmony.HarmonyRenderer;
import io.ossserve.text.harmony.Message;
import io.ossserve.text.harmony.ReasoningEffort;
import io.ossserve.text.harmony.ResponseFormat;
import io.ossserve.text.harmony.Role;
import io.ossserve.text.harmony.SystemContent;
import io.ossserve.text.harmony.ToolDescription;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAI chat request → harmony conversation → prompt token ids (ending in {@code <|start|>assistant}).
 *
 * <ul>
 *   <li>A system message with identity, knowledge cutoff, today's date and the reasoning effort.</li>
 *   <li>All {@code system}/{@code developer} messages → the developer {@code # Instructions} (joined by a blank line),
 *       plus {@code tools} as the {@code functions} namespace and a json_schema {@code # Response Formats} section.</li>
 *   <li>Assistant history: {@code reasoning} → an {@code analysis} message; content → {@code final} (or a
 *       {@code commentary} preamble when the message also has tool calls); each tool call → a {@code commentary}
 *       message to {@code functions.NAME} with content type {@code <|constrain|>json} and the arguments verbatim.</li>
 *   <li>{@code tool} messages → author {@code functions.NAME} (found through {@code tool_call_id}) to
 *       {@code assistant} on {@code commentary}; the result text is not re-quoted.</li>
 *   <li>Chain of thought: analysis of completed turns (before the last user message) is dropped; analysis after it
 *       (an ongoing tool loop) is kept.</li>
 * </ul>
 * Errors name the offending field, e.g. {@code messages[3].tool_call_id}.
 */
public final class OpenAiToHarmony {
    private static final String CONSTRAIN_JSON = "<|constrain|>json";

    private final HarmonyRenderer renderer;

    public OpenAiToHarmony(HarmonyRenderer renderer) {
        this.renderer = renderer;
    }

    public static OpenAiToHarmony create() {
        return new OpenAiToHarmony(HarmonyRenderer.create());
    }

    /** The prompt token ids for sampling the next assistant message. */
    public int[] renderPrompt(ChatPromptRequest request, PromptSettings settings) {
        return renderer.renderConversationForCompletion(toConversation(request, settings), Role.ASSISTANT,
                HarmonyRenderer.RenderOptions.KEEP_ALL);
    }

    /** The harmony conversation of a request (the analysis-dropping rule already applied). */
    public Conversation toConversation(ChatPromptRequest request, PromptSettings settings) {
        List<Message> out = new ArrayList<>();
        out.add(Message.system(systemContent(request, settings)));
        DeveloperContent developer = developerContent(request);
        if (developer != null) {
            out.add(Message.developer(developer));
        }
        Map<String, String> toolNamesByCallId = new HashMap<>();
        List<ChatMessage> messages = request.messages();
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage message = messages.get(i);
            String field = "messages[" + i + "]";
            switch (message.role()) {
                case "system", "developer" -> { /* folded into the developer instructions */ }
                case "user" -> out.add(Message.of(Role.USER, text(message.content(), field)));
                case "assistant" -> addAssistant(message, field, out, toolNamesByCallId);
                case "tool" -> out.add(toolResult(message, field, toolNamesByCallId));
                default -> throw new IllegalArgumentException(field + ".role '" + message.role()
                        + "' is not one of system, developer, user, assistant, tool");
            }
        }
        return new Conversation(dropCompletedAnalysis(out));
    }

    private static SystemContent systemContent(ChatPromptRequest request, PromptSettings settings) {
        ReasoningEffort effort = settings.defaultEffort();
        if (request.reasoningEffort() != null) {
            String value = request.reasoningEffort();
            if (value.equalsIgnoreCase("minimal")) {
                effort = ReasoningEffort.LOW;
            } else {
                try {
                    effort = ReasoningEffort.parse(value);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("reasoning_effort: " + e.getMessage(), e);
                }
            }
        }
        return SystemContent.defaults().withModelIdentity(settings.modelIdentity())
                .withKnowledgeCutoff(settings.knowledgeCutoff())
                .withConversationStartDate(settings.renderedDate())
                .withReasoningEffort(effort);
    }

    private static DeveloperContent developerContent(ChatPromptRequest request) {
        List<String> instructions = new ArrayList<>();
        List<ChatMessage> messages = request.messages();
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage message = messages.get(i);
            if (message.role().equals("system") || message.role().equals("developer")) {
                String text = text(message.content(), "messages[" + i + "]");
                if (!text.isEmpty()) {
                    instructions.add(text);
                }
            }
        }
        DeveloperContent developer = DeveloperContent.empty();
        boolean any = false;
        if (!instructions.isEmpty()) {
            developer = developer.withInstructions(String.join("\n\n", instructions));
            any = true;
        }
        boolean toolsOff = "none".equals(request.toolChoice());
        if (!request.tools().isEmpty() && !toolsOff) {
            List<ToolDescription> functions = new ArrayList<>();
            for (FunctionTool tool : request.tools()) {
                functions.add(new ToolDescription(tool.name(), tool.description(), tool.parameters()));
            }
            developer = developer.withFunctionTools(functions);
            any = true;
        }
        if (request.jsonSchema() != null) {
            JsonSchemaFormat format = request.jsonSchema();
            developer = developer.withResponseFormat(new ResponseFormat(format.name(), format.description(), format.schema()));
            any = true;
        }
        return any ? developer : null;
    }

    private static void addAssistant(ChatMessage message, String field, List<Message> out, Map<String, String> namesByCallId) {
        if (message.reasoning() != null && !message.reasoning().isEmpty()) {
            out.add(Message.of(Role.ASSISTANT, message.reasoning()).withChannel("analysis"));
        }
        String content = message.content() == null ? "" : text(message.content(), field);
        boolean hasCalls = !message.toolCalls().isEmpty();
        if (!content.isEmpty()) {
            out.add(Message.of(Role.ASSISTANT, content).withChannel(hasCalls ? "commentary" : "final"));
        }
        for (int j = 0; j < message.toolCalls().size(); j++) {
            ToolCall call = message.toolCalls().get(j);
            if (call.name() == null || call.name().isEmpty()) {
                throw new IllegalArgumentException(field + ".tool_calls[" + j + "].function.name is missing");
            }
            String name = stripNamespace(call.name());
            if (call.id() != null) {
                namesByCallId.put(call.id(), name);
            }
            String arguments = call.arguments() == null || call.arguments().isBlank() ? "{}" : call.arguments();
            out.add(Message.of(Role.ASSISTANT, arguments).withChannel("commentary")
                    .withRecipient("functions." + name).withContentType(CONSTRAIN_JSON));
        }
    }

    private static Message toolResult(ChatMessage message, String field, Map<String, String> namesByCallId) {
        String name = message.toolCallId() == null ? null : namesByCallId.get(message.toolCallId());
        if (name == null && message.name() != null && !message.name().isEmpty()) {
            name = stripNamespace(message.name());
        }
        if (name == null) {
            throw new IllegalArgumentException(field + ".tool_call_id '" + message.toolCallId()
                    + "' matches no earlier assistant tool call (and the message has no name)");
        }
        String content = message.content() == null ? "" : text(message.content(), field);
        return Message.of(Author.tool("functions." + name), content).withRecipient("assistant").withChannel("commentary");
    }

    /** Drops analysis messages before the last user message (completed turns); keeps the ongoing turn's. */
    static List<Message> dropCompletedAnalysis(List<Message> messages) {
        int lastUser = -1;
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i).author().role() == Role.USER) {
                lastUser = i;
            }
        }
        List<Message> kept = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            if (!(i < lastUser && m.author().role() == Role.ASSISTANT && "analysis".equals(m.channel()))) {
                kept.add(m);
            }
        }
        return kept;
    }

    private static String stripNamespace(String name) {
        return name.startsWith("functions.") ? name.substring("functions.".length()) : name;
    }

    /** The text of string content or of text parts (concatenated); other part types are refused. */
    static String text(MessageContent content, String field) {
        if (content == null) {
            return "";
        }
        return switch (content) {
            case MessageContent.Text text -> text.text();
            case MessageContent.Parts parts -> {
                StringBuilder sb = new StringBuilder();
                for (int j = 0; j < parts.parts().size(); j++) {
                    MessageContent.ContentPart part = parts.parts().get(j);
                    if (!"text".equals(part.type()) && !"input_text".equals(part.type())) {
                        throw new IllegalArgumentException(field + ".content[" + j + "].type '" + part.type()
                                + "' is not supported (gpt-oss reads text only)");
                    }
                    if (part.text() == null) {
                        throw new IllegalArgumentException(field + ".content[" + j + "].text is missing");
                    }
                    sb.append(part.text());
                }
                yield sb.toString();
            }
        };
    }
}
